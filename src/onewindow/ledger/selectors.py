"""Reads of the ledger: size, roots and proofs from the stored subtree hashes."""

from __future__ import annotations

from django.db.models import Q

from onewindow.ledger import merkle
from onewindow.ledger.models import LedgerEntry, LedgerHead, LedgerNode


def get_size() -> int:
    """Number of committed entries."""
    head = LedgerHead.objects.filter(pk=1).only("size").first()
    return head.size if head else 0


def get_nodes(coordinates: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Fetch stored subtree hashes by (level, position) in one query."""
    if not coordinates:
        return {}
    condition = Q()
    for level, position in set(coordinates):
        condition |= Q(level=level, position=position)
    return {
        (n.level, n.position): bytes(n.hash)
        for n in LedgerNode.objects.filter(condition).only("level", "position", "hash")
    }


def get_root(size: int) -> bytes:
    """Merkle tree head of the first ``size`` entries (RFC 9162 §2.1.1)."""
    return merkle.root_from_nodes(size, get_nodes(merkle.nodes_for_root(size)))


def list_entries_for_target(target: str) -> list[LedgerEntry]:
    """Entries about one object (``case:<number>``), oldest first."""
    return list(LedgerEntry.objects.filter(target=target).order_by("index"))
