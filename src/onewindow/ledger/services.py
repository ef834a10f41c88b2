"""Writes to the ledger.

Appending: every state-changing service calls :func:`record` in its own transaction, so an
event is in the log exactly when its change is committed. Checkpoints and witnesses:
:func:`publish_checkpoint` (the periodic job), :func:`register_witness`,
:func:`add_cosignature` and :func:`report_fork` (ADR 0003).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import rfc8785
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from onewindow.core import clock
from onewindow.ledger import checkpoints, hashing, keys, merkle, notes, selectors
from onewindow.ledger.enums import Event as LedgerEvent
from onewindow.ledger.enums import ForkKind
from onewindow.ledger.errors import (
    BadCosignature,
    BadForkEvidence,
    BadWitnessKey,
    CheckpointNotFound,
    NotAWitness,
    WitnessKeyInUse,
)
from onewindow.ledger.models import (
    Cosignature,
    ForkReport,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    PublishedCheckpoint,
    Witness,
)
from onewindow.ledger.signals import fork_reported

logger = logging.getLogger(__name__)
alerts = logging.getLogger("onewindow.ledger.alerts")

LEAF_VERSION = 1


class LedgerMisuse(RuntimeError):
    """A programming error: appending outside a transaction defeats the ledger's purpose."""


def leaf_input(
    *, index: int, at: datetime, event: str, actor: str, target: str, payload: Mapping[str, Any]
) -> bytes:
    """The RFC 8785 canonical JSON that is hashed as the Merkle leaf (ARCHITECTURE §4)."""
    return rfc8785.dumps(
        {
            "v": LEAF_VERSION,
            "index": index,
            "at": format_time(at),
            "event": event,
            "actor": actor,
            "target": target,
            "payload": dict(payload),
        }
    )


def format_time(at: datetime) -> str:
    """Leaf timestamps are ISO 8601 in +08:00 with microseconds, so they re-derive exactly."""
    return clock.local(at).isoformat(timespec="microseconds")


def entry_leaf_input(entry: LedgerEntry) -> bytes:
    """Re-derive the leaf input of a stored entry."""
    return leaf_input(
        index=entry.index,
        at=entry.at,
        event=entry.event,
        actor=entry.actor,
        target=entry.target,
        payload=entry.payload,
    )


@dataclass(frozen=True)
class Event:
    """One entry to append: pseudonymous actor and target, payload without personal data."""

    event: str
    actor: str
    target: str
    payload: Mapping[str, Any] = field(default_factory=dict)


def record(
    *, event: str, actor: str, target: str, payload: Mapping[str, Any] | None = None
) -> LedgerEntry:
    """Append one entry and the subtree hashes it completes.

    Precondition: called inside the caller's ``transaction.atomic`` block, after its writes, so
    the head row lock (which makes indices gap-free under concurrency) is held briefly.
    ``actor`` and ``target`` are pseudonymous references (``user:12``, ``case:<number>``);
    ``payload`` must hold no raw personal data. Raises :class:`LedgerMisuse` outside a
    transaction.
    """
    return record_many([Event(event, actor, target, dict(payload or {}))])[0]


def record_many(events: Sequence[Event]) -> list[LedgerEntry]:
    """Append several entries under one head lock, in order (same rules as :func:`record`)."""
    if not connection.in_atomic_block:
        raise LedgerMisuse("ledger entries must be written inside the changing transaction")
    if not events:
        return []
    hasher = hashing.configured()
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # the migration creates it; a flushed test database may not have it
        LedgerHead.objects.get_or_create(pk=1)
        head = LedgerHead.objects.select_for_update().get(pk=1)
    if head.hash_algorithm != hasher.name:
        if head.size:
            raise ImproperlyConfigured(
                f"账本已用 {head.hash_algorithm} 建立，不能改为 {hasher.name}"
                "（哈希算法在写入第一条记录时确定）"
            )
        head.hash_algorithm = hasher.name
    first = head.size
    at = clock.now()
    entries: list[LedgerEntry] = []
    for offset, e in enumerate(events):
        index = first + offset
        body = dict(e.payload)
        leaf = merkle.leaf_hash(
            leaf_input(
                index=index, at=at, event=e.event, actor=e.actor, target=e.target, payload=body
            ),
            hasher,
        )
        entries.append(
            LedgerEntry(
                index=index,
                at=at,
                event=e.event,
                actor=e.actor,
                target=e.target,
                payload=body,
                leaf_hash=leaf,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    # Left children of the subtrees these appends complete; those not made in this batch are
    # already stored and are fetched in one query.
    made: set[tuple[int, int]] = set()
    needed: list[tuple[int, int]] = []
    for offset in range(len(entries)):
        size_before = first + offset
        made.add((0, size_before))
        for level, position in merkle.nodes_completed_by_append(size_before):
            left = (level - 1, position * 2)
            if left not in made:
                needed.append(left)
            made.add((level, position))
    known = _fetch_nodes(needed) if needed else {}
    rows: list[LedgerNode] = []
    for offset, entry in enumerate(entries):
        new = merkle.complete_nodes_after_append(
            first + offset, bytes(entry.leaf_hash), lambda lv, pos: known[(lv, pos)], hasher
        )
        for lv, pos, h in new:
            known[(lv, pos)] = h
            rows.append(LedgerNode(level=lv, position=pos, hash=h))
    LedgerNode.objects.bulk_create(rows)
    head.size = first + len(entries)
    head.save(update_fields=["size", "hash_algorithm"])
    return entries


def _fetch_nodes(coordinates: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    return selectors.get_nodes(coordinates)


# ---------------------------------------------------------------------------------------------
# Checkpoints and witnesses (C2SP tlog-checkpoint, tlog-cosignature; ADR 0003)
# ---------------------------------------------------------------------------------------------

_DEPARTMENT_CODE: Final = re.compile(r"^[A-Z0-9_-]{1,20}$")
# Fork evidence is two checkpoints and a proof of at most 64 hashes; anything much larger is
# not evidence but a way to fill the database.
MAX_EVIDENCE_CHARS: Final = 32_000


@transaction.atomic
def publish_checkpoint() -> tuple[PublishedCheckpoint | None, bool]:
    """Sign and keep the checkpoint of every committed entry, for witnesses to cosign.

    Returns ``(checkpoint, created)``: the existing row when that size was already published,
    ``(None, False)`` for an empty log. Several schedulers may race; the size is the primary
    key, so one row wins and the others return it. Raises SigningUnavailable without keys.
    No ledger entry: a checkpoint is a statement about the log, and recording it in the log
    would change the size it describes.
    """
    state = selectors.get_state()
    if state.size == 0:
        return None, False
    existing = PublishedCheckpoint.objects.filter(size=state.size).first()
    if existing is not None:
        return existing, False
    body = selectors.checkpoint_at(state.size, state.hasher)
    note = notes.sign_note(body.text(), keys.signers())
    now = clock.now()
    checkpoint, created = PublishedCheckpoint.objects.get_or_create(
        size=state.size,
        defaults={
            "root_hash": body.root_hash,
            "body": note.text,
            "signatures": "".join(s.line() for s in note.signatures),
            "published_at": now,
        },
    )
    return checkpoint, created


@transaction.atomic
def register_witness(*, department_code: str, vkey: str, actor: str) -> Witness:
    """Register ``vkey`` (a tlog-cosignature ``0x04`` verifier key) as the department's witness.

    The department's previous key, if any, is retired but kept, so its cosignatures stay
    verifiable. Registering the department's current key again returns it unchanged.
    Raises BadWitnessKey (malformed key or department code) or WitnessKeyInUse (the key belongs
    to another department or was retired). Side effect: ledger entry
    ``ledger.witness_registered``, so a swapped witness key is itself on the record.
    """
    if not _DEPARTMENT_CODE.match(department_code):
        raise BadWitnessKey("部门代码格式不正确", fields={"department": "部门代码格式不正确"})
    try:
        verifier = checkpoints.parse_cosignature_vkey(vkey)
    except notes.NoteError as exc:
        raise BadWitnessKey(fields={"vkey": str(exc)}) from exc
    same = Witness.objects.filter(vkey=verifier.vkey).first()
    if same is not None:
        if same.department_code == department_code and same.is_active:
            return same
        raise WitnessKeyInUse(fields={"vkey": "该公钥已登记或已停用，请为本部门生成新的见证密钥"})
    now = clock.now()
    previous = (
        Witness.objects.select_for_update()
        .filter(department_code=department_code, is_active=True)
        .first()
    )
    if previous is not None:
        previous.is_active = False
        previous.retired_at = now
        previous.save(update_fields=["is_active", "retired_at", "updated_at"])
    witness = Witness.objects.create(
        department_code=department_code,
        name=verifier.name,
        vkey=verifier.vkey,
        key_id=f"{verifier.key_id:08x}",
        registered_at=now,
    )
    record(
        event=LedgerEvent.WITNESS_REGISTERED,
        actor=actor,
        target=f"witness:{department_code}",
        payload={"vkey": verifier.vkey, "replaces": previous.vkey if previous else None},
    )
    return witness


def _active_witness(department_code: str | None) -> Witness:
    witness = selectors.get_active_witness(department_code) if department_code else None
    if witness is None:
        raise NotAWitness()
    return witness


@transaction.atomic
def add_cosignature(*, size: int, line: str, department_code: str | None) -> Cosignature:
    """Add the department witness's ``cosignature/v1`` line to the checkpoint published at
    ``size`` (C2SP tlog-cosignature).

    The line must be signed by the department's active witness key over that checkpoint's
    text, with a timestamp not later than now plus the allowed clock skew. A witness that
    cosigns the same size again replaces its line when the new one is newer (a later "as of").
    Raises NotAWitness, CheckpointNotFound or BadCosignature. No ledger entry: the cosignature
    is itself signed evidence, kept with the checkpoint and served with it.
    """
    witness = _active_witness(department_code)
    checkpoint = PublishedCheckpoint.objects.select_for_update().filter(size=size).first()
    if checkpoint is None:
        raise CheckpointNotFound()
    try:
        signature = notes.parse_signature_line(line.strip("\r\n") + "\n")
    except notes.NoteError as exc:
        raise BadCosignature(fields={"cosignature": str(exc)}) from exc
    verifier = checkpoints.parse_cosignature_vkey(witness.vkey)
    if (signature.name, signature.key_id) != (verifier.name, verifier.key_id):
        raise BadCosignature(
            "副署签名不是本部门登记的见证密钥所签",
            fields={"cosignature": "密钥名称或编号与登记的见证公钥不符"},
        )
    if not verifier.verify(checkpoint.body.encode("utf-8"), signature.signature):
        raise BadCosignature(fields={"cosignature": "签名与该检查点不符"})
    signed_at = _timestamp(checkpoints.cosignature_time(signature.signature))
    skew = timedelta(seconds=int(settings.LEDGER.get("COSIGNATURE_MAX_SKEW_SECONDS", 600)))
    now = clock.now()
    if signed_at > now + skew:
        raise BadCosignature(
            "副署时间晚于当前时间", fields={"cosignature": "时间戳晚于服务器当前时间"}
        )
    existing = Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).first()
    if existing is not None:
        if signed_at > existing.signed_at:
            existing.line, existing.signed_at, existing.received_at = (
                signature.line(),
                signed_at,
                now,
            )
            existing.save(update_fields=["line", "signed_at", "received_at", "updated_at"])
        return existing
    return Cosignature.objects.create(
        checkpoint=checkpoint,
        witness=witness,
        line=signature.line(),
        signed_at=signed_at,
        received_at=now,
    )


def _timestamp(seconds: int) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=clock.LOCAL_TZ)
    except (OverflowError, OSError, ValueError) as exc:
        raise BadCosignature(fields={"cosignature": "时间戳超出范围"}) from exc


@dataclass(frozen=True)
class _Evidence:
    kind: str
    previous: checkpoints.Checkpoint
    current: checkpoints.Checkpoint
    signatures_valid: bool


def _parse_evidence(evidence: Mapping[str, Any]) -> _Evidence:
    if len(rfc8785.dumps(dict(evidence))) > MAX_EVIDENCE_CHARS:
        raise BadForkEvidence("分叉证据过大", fields={"fork_evidence": "证据过大"})
    kind = evidence.get("kind")
    if kind not in ForkKind.values:
        raise BadForkEvidence(fields={"fork_evidence.kind": "应为 fork 或 shrink"})
    parsed: dict[str, checkpoints.Checkpoint] = {}
    valid = True
    verifiers = keys.log_keys().verifiers
    for name in ("previous", "current"):
        text = evidence.get(name)
        if not isinstance(text, str):
            raise BadForkEvidence(fields={f"fork_evidence.{name}": "应为带签名的检查点文本"})
        try:
            note = notes.parse_note(text)
            parsed[name] = checkpoints.parse_checkpoint(note.text)
        except notes.NoteError as exc:
            raise BadForkEvidence(fields={f"fork_evidence.{name}": str(exc)}) from exc
        try:
            notes.open_note(note, verifiers)
        except notes.UnverifiedNote:
            valid = False
    return _Evidence(str(kind), parsed["previous"], parsed["current"], valid)


def _matches_local(*cps: checkpoints.Checkpoint) -> bool | None:
    """Whether this database's tree has each checkpoint's root at its size (None: too big)."""
    state = selectors.get_state()
    origin = keys.origin()
    result: bool | None = True
    for cp in cps:
        if cp.origin != origin:
            return False
        if cp.size > state.size:
            result = None
            continue
        if selectors.get_root(cp.size, state.hasher) != cp.root_hash:
            return False
    return result


@transaction.atomic
def report_fork(
    *, size: int, evidence: Mapping[str, Any], department_code: str | None, actor: str
) -> ForkReport:
    """Store a witness's report that the log showed it a fork (two checkpoints no consistency
    proof connects) or a shrink (a smaller tree than one it already saw), and alert the centre.

    ``evidence`` is ``{"kind": "fork"|"shrink", "previous": <signed note>, "current": <signed
    note>, "proof": [base64...], "detail": <text>}``. The report is kept whatever it shows, but
    marked with whether the log's keys signed both checkpoints and whether this database still
    matches them. Raises NotAWitness or BadForkEvidence. Side effects: ledger entry
    ``ledger.fork_reported``; after commit a CRITICAL log record and the ``fork_reported``
    signal (the centre's alert).
    """
    witness = _active_witness(department_code)
    parsed = _parse_evidence(evidence)
    matches = _matches_local(parsed.previous, parsed.current)
    report = ForkReport.objects.create(
        witness=witness,
        department_code=witness.department_code,
        size=size,
        kind=parsed.kind,
        evidence=dict(evidence),
        signatures_valid=parsed.signatures_valid,
        matches_local=matches,
        reported_at=clock.now(),
    )
    record(
        event=LedgerEvent.FORK_REPORTED,
        actor=actor,
        target=f"witness:{witness.department_code}",
        payload={
            "kind": parsed.kind,
            "size": size,
            "previous_size": parsed.previous.size,
            "current_size": parsed.current.size,
            "signatures_valid": parsed.signatures_valid,
            "matches_local": matches,
        },
    )

    def alert() -> None:
        alerts.critical(
            "见证方 %s 报告账本%s：此前 %s 条，现为 %s 条（日志签名%s，本库%s）",
            witness.department_code,
            ForkKind(parsed.kind).label,
            parsed.previous.size,
            parsed.current.size,
            "有效" if parsed.signatures_valid else "无效",
            {True: "一致", False: "不一致", None: "无法比对"}[matches],
        )
        fork_reported.send(sender=ForkReport, report=report)

    transaction.on_commit(alert)
    return report


@transaction.atomic
def resolve_fork_report(*, report: ForkReport, actor: str) -> ForkReport:
    """Mark a fork report as handled by the centre. Side effect: ledger entry."""
    report.resolved_at = clock.now()
    report.save(update_fields=["resolved_at", "updated_at"])
    record(
        event=LedgerEvent.FORK_RESOLVED,
        actor=actor,
        target=f"witness:{report.department_code}",
        # The centre's note may name people, so only the report's id goes into the log.
        payload={"report": report.pk},
    )
    return report
