"""SM3 as the log's hash (国密 option, ADR 0004): a fresh log built with it serves proofs
that verify with SM3, passes the full verification, and cannot be switched afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from onewindow.ledger import checkpoints, hashing, merkle, notes, selectors
from onewindow.ledger.models import LedgerEntry, LedgerHead, LedgerNode
from onewindow.ledger.notes import unb64
from onewindow.ledger.tests.helpers import append, leaves
from onewindow.ledger.verify import verify_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def sm3_log(settings: Any) -> None:
    # The session database already holds a SHA-256 log; start an empty one (rolled back).
    LedgerEntry.objects.all().delete()
    LedgerNode.objects.all().delete()
    LedgerHead.objects.update_or_create(pk=1, defaults={"size": 0, "hash_algorithm": "sha256"})
    settings.LEDGER = {**settings.LEDGER, "HASH": "sm3"}


def test_sm3_log_roots_and_proofs(sm3_log: None) -> None:
    append(21)
    assert LedgerHead.objects.get().hash_algorithm == "sm3"
    all_leaves = leaves()
    note = notes.parse_note(Client().get("/api/v1/ledger/checkpoint").content.decode())
    body = checkpoints.parse_checkpoint(note.text)
    assert body.root_hash == merkle.root(all_leaves, hashing.SM3)
    assert body.root_hash != merkle.root(all_leaves)
    for index in (0, 7, 20):
        hashes = Client().get(f"/api/v1/ledger/proofs/inclusion?index={index}&size=21").json()
        proof = [unb64(h) for h in hashes["hashes"]]
        leaf = merkle.leaf_hash(all_leaves[index], hashing.SM3)
        assert merkle.verify_inclusion(leaf, index, 21, proof, body.root_hash, hashing.SM3)
    proof = selectors.get_consistency_proof(5, 21)
    assert merkle.verify_consistency(
        5, 21, proof, merkle.root(all_leaves[:5], hashing.SM3), body.root_hash, hashing.SM3
    )
    report = verify_log()
    assert report.ok, report.problems
    assert report.hash_algorithm == "sm3"


def test_hash_cannot_change_once_the_log_has_entries(sm3_log: None, settings: Any) -> None:
    append(1)
    settings.LEDGER = {**settings.LEDGER, "HASH": "sha256"}
    with pytest.raises(ImproperlyConfigured, match="sm3"):
        append(1)


def test_unknown_hash_is_a_configuration_error(settings: Any) -> None:
    settings.LEDGER = {**settings.LEDGER, "HASH": "md5"}
    with pytest.raises(ImproperlyConfigured):
        hashing.configured()
