"""Appending to the ledger. Every state-changing service calls :func:`record` in its own
transaction, so an event is in the log exactly when its change is committed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import rfc8785
from django.db import connection

from onewindow.core import clock
from onewindow.ledger import merkle
from onewindow.ledger.models import LedgerEntry, LedgerHead, LedgerNode

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
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # the migration creates it; a flushed test database may not have it
        LedgerHead.objects.get_or_create(pk=1)
        head = LedgerHead.objects.select_for_update().get(pk=1)
    first = head.size
    at = clock.now()
    entries: list[LedgerEntry] = []
    for offset, e in enumerate(events):
        index = first + offset
        body = dict(e.payload)
        leaf = merkle.leaf_hash(
            leaf_input(
                index=index, at=at, event=e.event, actor=e.actor, target=e.target, payload=body
            )
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
            first + offset, bytes(entry.leaf_hash), lambda lv, pos: known[(lv, pos)]
        )
        for lv, pos, h in new:
            known[(lv, pos)] = h
            rows.append(LedgerNode(level=lv, position=pos, hash=h))
    LedgerNode.objects.bulk_create(rows)
    head.size = first + len(entries)
    head.save(update_fields=["size"])
    return entries


def _fetch_nodes(coordinates: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    from onewindow.ledger.selectors import get_nodes

    return get_nodes(coordinates)
