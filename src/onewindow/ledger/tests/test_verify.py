"""``onewindow ledger verify``: a clean log passes; each kind of tampering is named at the
first entry it touched, and the command exits non-zero."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.ledger import checkpoints, merkle, notes, services
from onewindow.ledger import services as ledger
from onewindow.ledger.models import (
    Cosignature,
    LedgerEntry,
    LedgerHead,
    LedgerNode,
    PublishedCheckpoint,
    Witness,
)
from onewindow.ledger.tests.helpers import append, rebuild_tree, shift_indices
from onewindow.ledger.verify import Problem, verify_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> list[LedgerEntry]:
    """Twenty fresh entries after whatever the session already holds, and a checkpoint."""
    entries = append(20)
    services.publish_checkpoint()
    return entries


def first_problem() -> Problem:
    report = verify_log()
    assert not report.ok
    first = report.first
    assert first is not None
    return first


def test_clean_log_passes(log: list[LedgerEntry], capsys: Any) -> None:
    report = verify_log()
    assert report.ok, report.problems
    assert report.entries == report.size == LedgerEntry.objects.count()
    assert report.nodes == LedgerNode.objects.count()
    assert report.checkpoints == 1
    call_command("ledger", "verify")
    assert "账本核验通过" in capsys.readouterr().out


def test_changed_entry_is_named(log: list[LedgerEntry]) -> None:
    target = log[7].index
    LedgerEntry.objects.filter(index=target).update(payload={"n": 999})
    problem = first_problem()
    assert (problem.kind, problem.index) == ("changed", target)
    with pytest.raises(CommandError, match=f"第 {target} 条"):
        call_command("ledger", "verify", "--quiet")


def test_changed_entry_with_recomputed_leaf_hash_is_named(log: list[LedgerEntry]) -> None:
    entry = log[3]
    entry.actor = "user:666"
    LedgerEntry.objects.filter(index=entry.index).update(
        actor=entry.actor, leaf_hash=merkle.leaf_hash(ledger.entry_leaf_input(entry))
    )
    problem = first_problem()
    assert (problem.kind, problem.index) == ("changed", entry.index)


def test_rewrite_with_every_hash_recomputed_is_caught_by_the_checkpoint(
    log: list[LedgerEntry],
) -> None:
    target = log[5].index
    LedgerEntry.objects.filter(index=target).update(event="case.forged")
    rebuild_tree()  # entries, leaf hashes and nodes agree again: only the signature objects
    problem = first_problem()
    assert problem.kind == "changed"
    assert problem.index is not None and problem.index <= target
    assert f"{log[-1].index + 1} 条处的签名检查点" in problem.message


def test_rewrite_with_leaves_recomputed_but_not_upper_nodes(log: list[LedgerEntry]) -> None:
    entry = log[4]
    LedgerEntry.objects.filter(index=entry.index).update(target="case:forged")
    entry.refresh_from_db()
    leaf = merkle.leaf_hash(ledger.entry_leaf_input(entry))
    LedgerEntry.objects.filter(index=entry.index).update(leaf_hash=leaf)
    LedgerNode.objects.filter(level=0, position=entry.index).update(hash=leaf)
    problem = first_problem()
    assert problem.kind == "changed"
    assert problem.index is not None and problem.index <= entry.index < problem.index + 2
    assert "子树" in problem.message


def test_deleted_entry_is_named(log: list[LedgerEntry]) -> None:
    target = log[10].index
    LedgerEntry.objects.filter(index=target).delete()
    problem = first_problem()
    assert (problem.kind, problem.index) == ("deleted", target)


def test_deleted_entry_with_later_ones_renumbered_is_named(log: list[LedgerEntry]) -> None:
    target = log[10].index
    LedgerEntry.objects.filter(index=target).delete()
    shift_indices(target + 1, -1)
    LedgerHead.objects.filter(pk=1).update(size=LedgerEntry.objects.count())
    problem = first_problem()
    assert (problem.kind, problem.index) == ("deleted", target)


def test_entry_inserted_at_the_end_is_named(log: list[LedgerEntry]) -> None:
    size = LedgerEntry.objects.count()
    LedgerEntry.objects.create(
        index=size,
        at=clock.now(),
        event="case.forged",
        actor="user:1",
        target="case:X",
        payload={},
        leaf_hash=b"\x00" * 32,
    )
    problem = first_problem()
    assert (problem.kind, problem.index) == ("inserted", size)


def test_entry_inserted_in_the_middle_is_named(log: list[LedgerEntry]) -> None:
    target = log[6].index
    shift_indices(target, +1)
    forged = LedgerEntry(
        index=target, at=clock.now(), event="case.forged", actor="user:1", target="t:x", payload={}
    )
    forged.leaf_hash = merkle.leaf_hash(ledger.entry_leaf_input(forged))
    forged.save(force_insert=True)
    LedgerHead.objects.filter(pk=1).update(size=LedgerEntry.objects.count())
    problem = first_problem()
    assert (problem.kind, problem.index) == ("inserted", target)


def test_reordered_entries_are_named(log: list[LedgerEntry]) -> None:
    a, b = log[8], log[11]
    fields = ("event", "actor", "target", "payload", "leaf_hash")
    LedgerEntry.objects.filter(index=a.index).update(**{f: getattr(b, f) for f in fields})
    LedgerEntry.objects.filter(index=b.index).update(**{f: getattr(a, f) for f in fields})
    problem = first_problem()
    assert (problem.kind, problem.index) == ("reordered", a.index)
    assert str(b.index) in problem.message


def test_forged_checkpoint_signature_and_cosignature_are_reported(log: list[LedgerEntry]) -> None:
    checkpoint = PublishedCheckpoint.objects.get()
    witness_key = checkpoints.CosignatureSigner.generate("w.example/GAHZ")
    witness = Witness.objects.create(
        department_code="GAHZ",
        name=witness_key.name,
        vkey=witness_key.verifier().vkey,
        key_id=f"{witness_key.key_id:08x}",
        registered_at=clock.now(),
    )
    wrong = witness_key.sign(b"another text\n")
    Cosignature.objects.create(
        checkpoint=checkpoint,
        witness=witness,
        line=notes.NoteSignature(witness_key.name, witness_key.key_id, wrong).line(),
        signed_at=clock.now(),
        received_at=clock.now(),
    )
    report = verify_log()
    assert [p.kind for p in report.problems] == ["signature"]
    other = notes.Ed25519Signer.generate(checkpoint.body.split("\n")[0])
    PublishedCheckpoint.objects.filter(size=checkpoint.size).update(
        signatures=notes.sign_note(checkpoint.body, [other]).signatures[0].line()
    )
    assert any("签名无效" in p.message for p in verify_log().problems)


def test_times_that_go_backwards_are_not_tampering() -> None:
    # Imported history (the demo seed) is appended after newer events.
    with clock.frozen(datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TZ)):
        append(2, prefix="now")
    for days in (30, 60):
        earlier = datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TZ) - timedelta(days=days)
        with clock.frozen(earlier), transaction.atomic():
            ledger.record(event="case.accepted", actor="user:1", target="case:old", payload={})
    report = verify_log()
    assert report.ok, report.problems
    assert report.times_not_increasing >= 2
