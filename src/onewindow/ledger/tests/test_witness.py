"""Witnesses: two departments cosign published checkpoints; a forked log, a rewritten log and
a shrunk log are refused and reported; the cosignature endpoint's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.ledger import checkpoints, notes, selectors, services
from onewindow.ledger.checkpoints import CosignatureSigner
from onewindow.ledger.errors import WitnessKeyInUse
from onewindow.ledger.models import Cosignature, ForkReport, LedgerEntry, PublishedCheckpoint
from onewindow.ledger.signals import fork_reported
from onewindow.ledger.tests.helpers import TestLogClient, append, post_json, rebuild_tree, truncate
from onewindow.ledger.witness import witness_once

pytestmark = pytest.mark.django_db


class Department:
    """A witnessing department: its dept_system account, key and local state directory."""

    def __init__(self, code: str, client_for: Any, state_dir: Path) -> None:
        self.code = code
        self.user: User = make_user(f"system-{code}", "dept_system", department=code)
        self.client: Client = client_for(self.user)
        self.signer = CosignatureSigner.generate(f"witness.example/{code}")
        self.state_dir = state_dir / code
        services.register_witness(
            department_code=code, vkey=self.signer.verifier().vkey, actor="system"
        )

    def round(self) -> Any:
        return witness_once(
            client=TestLogClient(self.client), signer=self.signer, state_dir=self.state_dir
        )


@pytest.fixture
def gahz(client_for: Any, tmp_path: Path) -> Department:
    return Department("GAHZ", client_for, tmp_path)


@pytest.fixture
def sc(client_for: Any, tmp_path: Path) -> Department:
    return Department("SC", client_for, tmp_path)


@pytest.fixture
def alerts() -> Any:
    received: list[ForkReport] = []

    def receiver(sender: Any, report: ForkReport, **kwargs: Any) -> None:
        received.append(report)

    fork_reported.connect(receiver)
    yield received
    fork_reported.disconnect(receiver)


def unpublish(size: int) -> None:
    """What an operator hiding a checkpoint would do (the foreign keys protect it otherwise)."""
    Cosignature.objects.filter(checkpoint_id=size).delete()
    PublishedCheckpoint.objects.filter(size=size).delete()


def publish() -> PublishedCheckpoint:
    checkpoint, _ = services.publish_checkpoint()
    assert checkpoint is not None
    return checkpoint


def test_two_departments_cosign_and_the_note_carries_both(gahz: Department, sc: Department) -> None:
    append(4)
    first = publish()
    assert gahz.round().status == "cosigned"
    assert sc.round().status == "cosigned"
    append(3)
    second = publish()
    outcome = gahz.round()
    assert (outcome.status, outcome.size) == ("cosigned", second.size)
    assert sc.round().status == "cosigned"

    text = Client().get(f"/api/v1/ledger/checkpoints/{second.size}").content.decode()
    note = notes.parse_note(text)
    served = [
        checkpoints.parse_vkey(v) for v in Client().get("/api/v1/ledger/verifier-keys").json()
    ]
    verified = notes.open_note(note, served)
    assert {v.name for v in verified} == {
        selectors.checkpoint_at(second.size).origin,
        "witness.example/GAHZ",
        "witness.example/SC",
    }
    assert Cosignature.objects.filter(checkpoint=first).count() == 2
    status = {w["department"]: w for w in Client().get("/api/v1/ledger/witnesses").json()}
    assert status["GAHZ"]["last_cosigned_size"] == second.size
    assert status["SC"]["last_cosigned_size"] == second.size


def test_witness_refuses_a_forked_log_and_alerts_the_centre(
    gahz: Department,
    sc: Department,
    alerts: list[ForkReport],
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    append(6)
    seen = publish()
    assert gahz.round().status == "cosigned"
    # The operator rewrites the last two entries and every hash, then appends and publishes.
    cut = seen.size - 2
    truncate(cut)
    append(5, prefix="forged")
    publish()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = gahz.round()
    assert outcome.status == "fork"
    report = ForkReport.objects.get()
    assert report.department_code == "GAHZ" and report.kind == "fork"
    assert report.signatures_valid  # the log's own key signed both views
    assert report.matches_local is False  # and this database no longer has the one GAHZ saw
    assert alerts == [report]
    assert any(r.levelname == "CRITICAL" and "GAHZ" in r.getMessage() for r in caplog.records)
    assert LedgerEntry.objects.filter(event="ledger.fork_reported", target="witness:GAHZ").exists()
    # A department that never saw the old view has nothing to compare and cosigns.
    assert sc.round().status == "cosigned"
    # GAHZ keeps refusing: its state still holds the checkpoint it cosigned.
    assert gahz.round().status == "fork"


def test_same_size_with_another_root_is_a_fork(gahz: Department) -> None:
    append(4)
    seen = publish()
    assert gahz.round().status == "cosigned"
    last = LedgerEntry.objects.order_by("-index").first()
    assert last is not None
    LedgerEntry.objects.filter(index=last.index).update(payload={"n": "rewritten"})
    rebuild_tree()
    unpublish(seen.size)
    publish()
    assert gahz.round().status == "fork"
    assert ForkReport.objects.get().evidence["kind"] == "fork"


def test_witness_refuses_a_shrink(gahz: Department) -> None:
    append(8)
    seen = publish()
    assert gahz.round().status == "cosigned"
    truncate(seen.size - 3)
    unpublish(seen.size)
    publish()
    outcome = gahz.round()
    assert outcome.status == "shrink"
    report = ForkReport.objects.get()
    assert report.kind == "shrink" and report.size == seen.size - 3


def test_cosignature_must_come_from_the_departments_registered_key(
    gahz: Department, sc: Department
) -> None:
    append(2)
    checkpoint = publish()
    body = checkpoint.body.encode()
    gahz_line = notes.NoteSignature(
        gahz.signer.name, gahz.signer.key_id, gahz.signer.sign(body)
    ).line()
    # SC posting GAHZ's line, a line over another text, and garbage are all 400.
    wrong_owner = post_json(
        sc.client,
        "/api/v1/ledger/cosignatures",
        {"size": checkpoint.size, "cosignature": gahz_line},
    )
    assert wrong_owner.status_code == 400
    assert wrong_owner.json()["code"] == "ledger.bad_cosignature"
    other_text = notes.NoteSignature(
        gahz.signer.name, gahz.signer.key_id, gahz.signer.sign(b"other\n")
    ).line()
    for line in (other_text, "not a line", "\u2014 x AAAA"):
        response = post_json(
            gahz.client,
            "/api/v1/ledger/cosignatures",
            {"size": checkpoint.size, "cosignature": line},
        )
        assert response.status_code == 400, line
        assert response.json()["fields"]
    future = CosignatureSigner(gahz.signer.name, gahz.signer.seed, clock=lambda: 2**40)
    ahead = notes.NoteSignature(future.name, future.key_id, future.sign(body)).line()
    assert (
        post_json(
            gahz.client,
            "/api/v1/ledger/cosignatures",
            {"size": checkpoint.size, "cosignature": ahead},
        ).status_code
        == 400
    )
    ok = post_json(
        gahz.client,
        "/api/v1/ledger/cosignatures",
        {"size": checkpoint.size, "cosignature": gahz_line},
    )
    assert ok.status_code == 201
    assert ok.json()["department"] == "GAHZ"
    missing = post_json(
        gahz.client,
        "/api/v1/ledger/cosignatures",
        {"size": checkpoint.size + 1, "cosignature": gahz_line},
    )
    assert missing.status_code == 404


def test_only_dept_systems_of_witnessing_departments_may_post(
    client_for: Any, outsider: User, approver: User
) -> None:
    append(1)
    checkpoint = publish()
    body = {"size": checkpoint.size, "cosignature": "\u2014 x AAAAAAAA"}
    assert post_json(Client(), "/api/v1/ledger/cosignatures", body).status_code == 401
    assert post_json(client_for(outsider), "/api/v1/ledger/cosignatures", body).status_code == 403
    denied = post_json(client_for(approver), "/api/v1/ledger/cosignatures", {"size": "x"})
    assert denied.status_code == 403  # role checked before the body is validated
    unregistered = make_user("system-SC", "dept_system", department="SC")
    response = post_json(client_for(unregistered), "/api/v1/ledger/cosignatures", body)
    assert response.status_code == 403
    assert response.json()["code"] == "ledger.not_a_witness"


def test_fork_evidence_must_be_well_formed(gahz: Department) -> None:
    append(1)
    checkpoint = publish()
    for evidence in ({"kind": "x"}, {"kind": "fork", "previous": 1}, {"kind": "fork"}):
        response = post_json(
            gahz.client,
            "/api/v1/ledger/cosignatures",
            {"size": checkpoint.size, "fork_evidence": evidence},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "ledger.bad_fork_evidence"
    both = post_json(
        gahz.client,
        "/api/v1/ledger/cosignatures",
        {"size": checkpoint.size, "cosignature": "x", "fork_evidence": {}},
    )
    assert both.status_code == 400


def test_witness_keys_rotate_and_old_cosignatures_stay_verifiable(gahz: Department) -> None:
    append(2)
    first = publish()
    assert gahz.round().status == "cosigned"
    old_vkey = gahz.signer.verifier().vkey
    new = CosignatureSigner.generate("witness.example/GAHZ-2")
    services.register_witness(department_code="GAHZ", vkey=new.verifier().vkey, actor="user:1")
    served = Client().get("/api/v1/ledger/verifier-keys").json()
    assert old_vkey in served and new.verifier().vkey in served
    note = notes.parse_note(
        Client().get(f"/api/v1/ledger/checkpoints/{first.size}").content.decode()
    )
    assert checkpoints.parse_vkey(old_vkey) in notes.open_note(
        note, [checkpoints.parse_vkey(v) for v in served]
    )
    # The old key may no longer cosign.
    old_line = notes.NoteSignature(
        gahz.signer.name, gahz.signer.key_id, gahz.signer.sign(first.body.encode())
    ).line()
    response = post_json(
        gahz.client, "/api/v1/ledger/cosignatures", {"size": first.size, "cosignature": old_line}
    )
    assert response.status_code == 400
    with pytest.raises(WitnessKeyInUse):
        services.register_witness(department_code="SC", vkey=old_vkey, actor="user:1")


def test_centre_registers_a_witness_through_the_api(
    centre_admin: User, outsider: User, client_for: Any
) -> None:
    vkey = CosignatureSigner.generate("witness.example/SC").verifier().vkey
    body = {"department": "SC", "vkey": vkey}
    assert post_json(client_for(outsider), "/api/v1/ledger/witnesses", body).status_code == 403
    response = post_json(client_for(centre_admin), "/api/v1/ledger/witnesses", body)
    assert response.status_code == 201 and response.json()["active"] is True
    bad = post_json(client_for(centre_admin), "/api/v1/ledger/witnesses", {**body, "vkey": "x+y+z"})
    assert bad.status_code == 400 and bad.json()["code"] == "ledger.bad_witness_key"
    entry = LedgerEntry.objects.filter(event="ledger.witness_registered").latest("index")
    assert entry.target == "witness:SC" and entry.payload["vkey"] == vkey


def test_witness_command_prints_its_key(tmp_path: Path, capsys: Any) -> None:
    call_command("ledger", "witness", "--department", "gahz", "--show-key")
    vkey = capsys.readouterr().out.strip()
    verifier = checkpoints.parse_cosignature_vkey(vkey)
    assert verifier.name == "127.0.0.1:8000/witness/GAHZ"
    key_file = tmp_path / "witness" / "GAHZ" / "witness.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    call_command("ledger", "witness", "--department", "GAHZ", "--show-key")
    assert capsys.readouterr().out.strip() == vkey  # the key is kept, not regenerated
