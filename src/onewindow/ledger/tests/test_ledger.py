"""Ledger appends: gap-free indices, canonical leaves, stored subtree hashes, concurrency."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction

from onewindow.ledger import merkle, selectors
from onewindow.ledger import services as ledger
from onewindow.ledger.models import LedgerEntry, LedgerNode


def _append(n: int, prefix: str = "t") -> None:
    for i in range(n):
        with transaction.atomic():
            ledger.record(
                event="test.event",
                actor="user:1",
                target=f"{prefix}:{i}",
                payload={"n": i, "text": "中文"},
            )


@pytest.mark.django_db
def test_leaf_is_canonical_json_of_the_entry() -> None:
    with transaction.atomic():
        entry = ledger.record(
            event="case.accepted", actor="user:7", target="case:X1", payload={"b": 2, "a": "受理"}
        )
    leaf = ledger.entry_leaf_input(entry)
    decoded = json.loads(leaf)
    assert list(decoded) == sorted(decoded)  # RFC 8785 orders keys
    assert decoded["v"] == 1 and decoded["index"] == entry.index
    assert decoded["at"].endswith("+08:00")
    assert b" " not in leaf.replace("受理".encode(), b"")
    assert bytes(entry.leaf_hash) == merkle.leaf_hash(leaf)


@pytest.mark.django_db
def test_indices_are_gap_free_and_roots_match_the_pure_functions() -> None:
    start = selectors.get_size()
    _append(37)
    entries = list(LedgerEntry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(len(entries)))
    assert selectors.get_size() == start + 37
    leaves = [ledger.entry_leaf_input(e) for e in entries]
    for size in (1, 2, 3, 16, 17, len(leaves)):
        assert selectors.get_root(size) == merkle.root(leaves[:size])

    # a rolled-back append leaves no gap
    def append_then_fail() -> None:
        with transaction.atomic():
            ledger.record(event="test.event", actor="user:1", target="x", payload={})
            raise RuntimeError("rollback")

    with pytest.raises(RuntimeError):
        append_then_fail()
    with transaction.atomic():
        entry = ledger.record(event="test.event", actor="user:1", target="y", payload={})
    assert entry.index == len(entries)
    expected_nodes = sum((len(entries) + 1) >> level for level in range(64))
    assert LedgerNode.objects.count() == expected_nodes


@pytest.mark.django_db
def test_batch_append_equals_single_appends() -> None:
    with transaction.atomic():
        ledger.record_many([ledger.Event("e", "user:1", f"t:{i}", {"i": i}) for i in range(11)])
    leaves = [ledger.entry_leaf_input(e) for e in LedgerEntry.objects.order_by("index")]
    assert selectors.get_root(len(leaves)) == merkle.root(leaves)


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused() -> None:
    with pytest.raises(ledger.LedgerMisuse):
        ledger.record(event="e", actor="a", target="t", payload={})


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_have_no_gaps_or_duplicates() -> None:
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            _append(8, prefix=f"w{k}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    indices = list(LedgerEntry.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(32))
    leaves = [ledger.entry_leaf_input(e) for e in LedgerEntry.objects.order_by("index")]
    assert selectors.get_root(32) == merkle.root(leaves)
