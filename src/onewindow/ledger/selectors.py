"""Reads of the ledger: size, roots and proofs from the stored subtree hashes, entries,
checkpoints (signed on demand or published), witnesses and their reports.

Every root and proof is assembled from the complete subtrees stored at append time
(:class:`~onewindow.ledger.models.LedgerNode`): O(log n) nodes fetched in one query, whatever
the size of the log (ADR 0001).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Prefetch, QuerySet

from onewindow.ledger import checkpoints, hashing, keys, merkle, notes
from onewindow.ledger.errors import BadRange
from onewindow.ledger.merkle import Coord, Hasher
from onewindow.ledger.models import (
    Cosignature,
    ForkReport,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    PublishedCheckpoint,
    Witness,
)


@dataclass(frozen=True)
class LogState:
    """The committed size of the log and the hash function it was built with."""

    size: int
    hasher: Hasher


def get_state() -> LogState:
    """Size and hash of the log in one query (an empty, head-less log is SHA-256, size 0)."""
    # Plain SQL: this runs before every proof, and the ORM's query building costs more than
    # the query itself (bench/ledger.py).
    table = connection.ops.quote_name(LedgerHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT size, hash_algorithm FROM {table} WHERE id = %s", [1])
        row = cursor.fetchone()
    if row is None:
        return LogState(0, hashing.configured())
    return LogState(int(row[0]), hashing.get(str(row[1])))


def get_size() -> int:
    """Number of committed entries."""
    return get_state().size


def get_nodes(coordinates: Iterable[Coord]) -> dict[Coord, bytes]:
    """Fetch stored subtree hashes by ``(level, position)`` in one query.

    The condition is one ``level = ? AND position IN (...)`` per level, which SQLite and
    PostgreSQL both answer from the ``(level, position)`` unique index. The SQL is written
    out because building the same query through the ORM takes about ten times longer than
    running it, and proofs must stay under a millisecond at a million entries.
    """
    by_level: dict[int, set[int]] = defaultdict(set)
    for level, position in coordinates:
        by_level[level].add(position)
    if not by_level:
        return {}
    quote = connection.ops.quote_name
    level_col, position_col, hash_col = quote("level"), quote("position"), quote("hash")
    clauses: list[str] = []
    params: list[int] = []
    for level, positions in sorted(by_level.items()):
        marks = ", ".join(["%s"] * len(positions))
        clauses.append(f"({level_col} = %s AND {position_col} IN ({marks}))")
        params.append(level)
        params.extend(sorted(positions))
    sql = (
        f"SELECT {level_col}, {position_col}, {hash_col} "
        f"FROM {quote(LedgerNode._meta.db_table)} WHERE {' OR '.join(clauses)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(int(level), int(position)): bytes(digest) for level, position, digest in rows}


def get_root(size: int, hasher: Hasher | None = None) -> bytes:
    """Merkle tree hash of the first ``size`` entries (RFC 9162 §2.1.1), one query.

    ``hasher`` defaults to the configured one; callers that already read the log state pass
    its hasher to save the head query.
    """
    return merkle.root_from_nodes(
        size, get_nodes(merkle.nodes_for_root(size)), hasher or hashing.configured()
    )


def get_inclusion_proof(index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1 from stored nodes.

    Raises BadRange unless ``0 <= index < size <= log size``. Two queries: the head, then
    the O(log n) nodes.
    """
    state = get_state()
    if not 0 <= index < size <= state.size:
        raise BadRange(
            fields={"index": f"应满足 0 ≤ index < size ≤ {state.size}"},
        )
    nodes = get_nodes(merkle.nodes_for_inclusion(index, size))
    return merkle.inclusion_proof_from_nodes(index, size, nodes, state.hasher)


def get_consistency_proof(first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1 from stored nodes.

    ``first == 0`` (the empty tree is a prefix of every tree) and ``first == second`` give the
    empty proof. Raises BadRange unless ``0 <= first <= second <= log size``.
    """
    state = get_state()
    if not 0 <= first <= second <= state.size:
        raise BadRange(fields={"first": f"应满足 0 ≤ first ≤ second ≤ {state.size}"})
    if first in (0, second):
        return []
    nodes = get_nodes(merkle.nodes_for_consistency(first, second))
    return merkle.consistency_proof_from_nodes(first, second, nodes, state.hasher)


def get_entry(index: int) -> LedgerEntry | None:
    """The entry at ``index``, or None."""
    return LedgerEntry.objects.filter(index=index).first()


def list_entries_for_target(target: str) -> list[LedgerEntry]:
    """Entries about one object (``case:<number>``), oldest first."""
    return list(LedgerEntry.objects.filter(target=target).order_by("index"))


def search_entries(
    *,
    event: str = "",
    target: str = "",
    actor: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[LedgerEntry]:
    """Entries for the auditors' search, newest first; empty filters are ignored.

    ``event`` matches a type or a prefix ending in a dot (``case.``); ``target`` and ``actor``
    match exactly (they are identifiers, not text).
    """
    rows = LedgerEntry.objects.all()
    if event:
        rows = (
            rows.filter(event__startswith=event)
            if event.endswith(".")
            else rows.filter(event=event)
        )
    if target:
        rows = rows.filter(target=target)
    if actor:
        rows = rows.filter(actor=actor)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows.order_by("-index")


def get_inclusion_proofs(indices: Sequence[int], size: int) -> dict[int, list[bytes]]:
    """Inclusion proofs of several entries in one tree, from one node query.

    Raises BadRange unless every index is below ``size`` and ``size`` within the log.
    """
    state = get_state()
    if not 0 < size <= state.size or any(not 0 <= i < size for i in indices):
        raise BadRange()
    wanted: set[Coord] = set()
    for index in indices:
        wanted.update(merkle.nodes_for_inclusion(index, size))
    nodes = get_nodes(wanted)
    return {i: merkle.inclusion_proof_from_nodes(i, size, nodes, state.hasher) for i in indices}


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------


def checkpoint_at(size: int, hasher: Hasher | None = None) -> checkpoints.Checkpoint:
    """The (unsigned) checkpoint body of the tree at ``size``."""
    return checkpoints.Checkpoint(keys.origin(), size, get_root(size, hasher))


def get_signed_checkpoint() -> str:
    """A C2SP signed note for the tree of every committed entry, signed now.

    Raises SigningUnavailable when no signing key is configured. Two queries (head, nodes).
    """
    state = get_state()
    body = checkpoint_at(state.size, state.hasher)
    return notes.sign_note(body.text(), keys.signers()).format()


def _with_cosignatures() -> QuerySet[PublishedCheckpoint]:
    return PublishedCheckpoint.objects.prefetch_related(
        Prefetch(
            "cosignatures",
            queryset=Cosignature.objects.select_related("witness").order_by(
                "witness__department_code"
            ),
        )
    )


def get_published_checkpoint(size: int) -> PublishedCheckpoint | None:
    """The checkpoint published at ``size`` with its cosignatures prefetched, or None."""
    return _with_cosignatures().filter(size=size).first()


def get_latest_published_checkpoint() -> PublishedCheckpoint | None:
    """The largest published checkpoint with its cosignatures prefetched, or None."""
    return _with_cosignatures().order_by("-size").first()


def list_published_checkpoints() -> QuerySet[PublishedCheckpoint]:
    """Published checkpoints, largest first, cosignatures prefetched."""
    return _with_cosignatures().order_by("-size")


def published_note(checkpoint: PublishedCheckpoint) -> str:
    """The published checkpoint as a signed note: the log's lines, then each witness's."""
    lines = [checkpoint.signatures]
    lines += [
        c.line if c.line.endswith("\n") else c.line + "\n" for c in cosignatures_of(checkpoint)
    ]
    return checkpoint.body + "\n" + "".join(lines)


def cosignatures_of(checkpoint: PublishedCheckpoint) -> list[Cosignature]:
    """The cosignatures of a checkpoint (prefetched by the selectors above)."""
    return list(checkpoint.cosignatures.all())


# ---------------------------------------------------------------------------------------------
# Keys and witnesses
# ---------------------------------------------------------------------------------------------


def list_verifier_keys() -> list[str]:
    """Signed-note verifier keys of the log (current and retired) and of every witness."""
    log = [v.vkey for v in keys.log_keys().verifiers]
    witnesses = list(
        Witness.objects.order_by("department_code", "registered_at").values_list("vkey", flat=True)
    )
    return log + witnesses


def get_active_witness(department_code: str) -> Witness | None:
    """The department's active witness key, or None."""
    return Witness.objects.filter(department_code=department_code, is_active=True).first()


def list_witnesses() -> QuerySet[Witness]:
    """Every witness key, active first, by department."""
    return Witness.objects.order_by("-is_active", "department_code", "-registered_at")


@dataclass(frozen=True)
class WitnessStatus:
    """What the centre's page shows for one witness key."""

    witness: Witness
    last_size: int | None
    last_signed_at: datetime | None
    behind: int | None
    open_reports: int


def list_witness_status() -> list[WitnessStatus]:
    """Each witness with the largest size it cosigned, how far behind the latest published
    checkpoint that is, and its unresolved fork reports. Three queries."""
    latest = PublishedCheckpoint.objects.order_by("-size").values_list("size", flat=True).first()
    last: dict[int, tuple[int, datetime]] = {}
    for witness_id, cosigned_size, cosigned_at in Cosignature.objects.order_by(
        "witness_id", "checkpoint_id"
    ).values_list("witness_id", "checkpoint_id", "signed_at"):
        last[witness_id] = (cosigned_size, cosigned_at)
    reports: dict[int, int] = defaultdict(int)
    for witness_id in ForkReport.objects.filter(resolved_at__isnull=True).values_list(
        "witness_id", flat=True
    ):
        reports[witness_id] += 1
    rows: list[WitnessStatus] = []
    for witness in list_witnesses():
        seen = last.get(witness.pk)
        size: int | None = seen[0] if seen else None
        signed_at: datetime | None = seen[1] if seen else None
        behind = latest - size if latest is not None and size is not None else None
        rows.append(WitnessStatus(witness, size, signed_at, behind, reports[witness.pk]))
    return rows


def list_fork_reports(*, unresolved_only: bool = False) -> QuerySet[ForkReport]:
    """Witnesses' fork and rollback reports, newest first."""
    rows = ForkReport.objects.select_related("witness").order_by("-reported_at")
    return rows.filter(resolved_at__isnull=True) if unresolved_only else rows
