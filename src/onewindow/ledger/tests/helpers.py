"""Shared helpers of the ledger tests: appending, rewriting history, a witness's log client."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.test import Client

from onewindow.ledger import merkle, selectors
from onewindow.ledger import services as ledger
from onewindow.ledger.models import LedgerEntry, LedgerHead, LedgerNode
from onewindow.ledger.notes import unb64
from onewindow.ledger.witness import WitnessError

# Renumbering shifts indices through this offset so that no two rows ever share a key.
_OFFSET = 10**12


def append(count: int, *, prefix: str = "t", event: str = "test.event") -> list[LedgerEntry]:
    """Append ``count`` entries in one transaction."""
    with transaction.atomic():
        return ledger.record_many(
            [ledger.Event(event, "user:1", f"{prefix}:{i}", {"n": i}) for i in range(count)]
        )


def leaves() -> list[bytes]:
    """The leaf inputs of the whole log, re-derived from the entries."""
    return [ledger.entry_leaf_input(e) for e in LedgerEntry.objects.order_by("index")]


def rebuild_tree(hasher: merkle.Hasher = merkle.SHA256) -> None:
    """Recompute every leaf hash and subtree hash from the entries, as an attacker with
    database access but without the signing key would after rewriting history."""
    entries = list(LedgerEntry.objects.order_by("index"))
    LedgerNode.objects.all().delete()
    store: dict[tuple[int, int], bytes] = {}
    rows: list[LedgerNode] = []
    for position, entry in enumerate(entries):
        leaf = merkle.leaf_hash(ledger.entry_leaf_input(entry), hasher)
        if bytes(entry.leaf_hash) != leaf:
            LedgerEntry.objects.filter(index=entry.index).update(leaf_hash=leaf)
        for level, index, digest in merkle.complete_nodes_after_append(
            position, leaf, lambda lv, pos: store[(lv, pos)], hasher
        ):
            store[(level, index)] = digest
            rows.append(LedgerNode(level=level, position=index, hash=digest))
    LedgerNode.objects.bulk_create(rows)
    LedgerHead.objects.filter(pk=1).update(size=len(entries))


def shift_indices(start: int, by: int) -> None:
    """Renumber every entry with index >= ``start`` by ``by`` (positive or negative)."""
    LedgerEntry.objects.filter(index__gte=start).update(index=F("index") + _OFFSET)
    LedgerEntry.objects.filter(index__gte=_OFFSET).update(index=F("index") - _OFFSET + by)


def truncate(size: int) -> None:
    """Drop every entry from ``size`` on and recompute the tree, as an attacker would."""
    LedgerEntry.objects.filter(index__gte=size).delete()
    rebuild_tree()


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


class TestLogClient:
    """The witness's view of the log through the Django test client (same API as HTTP)."""

    __test__ = False  # not a pytest test class

    def __init__(self, client: Client) -> None:
        self.client = client

    def _check(self, response: Any, ok: int = 200) -> Any:
        if response.status_code != ok:
            try:
                message = response.json().get("message", "")
            except ValueError:
                message = response.content.decode()
            raise WitnessError(f"{response.status_code} {message}")
        return response

    def verifier_keys(self) -> list[str]:
        return list(self._check(self.client.get("/api/v1/ledger/verifier-keys")).json())

    def latest_checkpoint(self) -> str:
        response = self._check(self.client.get("/api/v1/ledger/checkpoints/latest"))
        return str(response.content.decode("utf-8"))

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        response = self._check(
            self.client.get(f"/api/v1/ledger/proofs/consistency?first={first}&second={second}")
        )
        return [unb64(h) for h in response.json()["hashes"]]

    def post_cosignature(self, size: int, line: str) -> dict[str, Any]:
        response = post_json(
            self.client, "/api/v1/ledger/cosignatures", {"size": size, "cosignature": line}
        )
        return dict(self._check(response, 201).json())

    def post_fork_evidence(self, size: int, evidence: dict[str, Any]) -> dict[str, Any]:
        response = post_json(
            self.client, "/api/v1/ledger/cosignatures", {"size": size, "fork_evidence": evidence}
        )
        return dict(self._check(response, 201).json())


def current_size() -> int:
    return selectors.get_size()
