"""The log's signing keys: files or environment only, generation, rotation and retirement,
and the periodic checkpoint job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client

from onewindow.core import scheduler
from onewindow.ledger import checkpoints, keys, notes, selectors, sm2
from onewindow.ledger.errors import SigningUnavailable
from onewindow.ledger.models import PublishedCheckpoint
from onewindow.ledger.tasks import publish_checkpoint
from onewindow.ledger.tests.helpers import append

pytestmark = pytest.mark.django_db


def served_verifiers() -> list[notes.Verifier]:
    return [checkpoints.parse_vkey(v) for v in Client().get("/api/v1/ledger/verifier-keys").json()]


def test_first_use_generates_a_private_key_file(ledger_dirs: Path) -> None:
    signers = keys.signers()
    assert len(signers) == 1 and signers[0].name == keys.origin()
    key_file = ledger_dirs / "keys" / "active" / f"{signers[0].key_id:08x}.key"
    assert key_file.read_text().startswith("PRIVATE+KEY+")
    assert key_file.stat().st_mode & 0o777 == 0o600
    public = (ledger_dirs / "keys" / "public" / f"{signers[0].key_id:08x}.vkey").read_text()
    assert public.strip() == signers[0].verifier().vkey
    keys.clear_cache()
    assert keys.signers()[0].key_id == signers[0].key_id  # read back, not regenerated


def test_no_key_and_no_generation_means_no_signing(settings: Any) -> None:
    settings.LEDGER = {**settings.LEDGER, "GENERATE_KEY": False}
    with pytest.raises(SigningUnavailable):
        keys.signers()


def test_keys_from_the_environment_are_used_and_never_written(
    settings: Any, ledger_dirs: Path
) -> None:
    signer = notes.Ed25519Signer.generate(keys.origin())
    settings.LEDGER = {**settings.LEDGER, "SIGNING_KEYS": signer.encode()}
    assert [s.key_id for s in keys.signers()] == [signer.key_id]
    assert not (ledger_dirs / "keys").exists()
    with pytest.raises(ImproperlyConfigured):
        keys.rotate()


def test_a_key_named_for_another_origin_is_refused(settings: Any) -> None:
    signer = notes.Ed25519Signer.generate("other.example/ledger/1")
    settings.LEDGER = {**settings.LEDGER, "SIGNING_KEYS": signer.encode()}
    with pytest.raises(ImproperlyConfigured, match="不一致"):
        keys.signers()


def test_a_broken_key_file_is_a_configuration_error(ledger_dirs: Path) -> None:
    keys.signers()
    (ledger_dirs / "keys" / "active" / "deadbeef.key").write_text("PRIVATE+KEY+x+00000000+AA==")
    keys.clear_cache()
    with pytest.raises(ImproperlyConfigured):
        keys.signers()


def test_rotation_keeps_old_checkpoints_verifiable(capsys: Any) -> None:
    append(2)
    before = Client().get("/api/v1/ledger/checkpoint").content.decode()
    old = keys.signers()[0]
    call_command("ledger", "keys", "rotate")
    new_vkey = capsys.readouterr().out.split("：")[1].split()[0]
    during = notes.parse_note(Client().get("/api/v1/ledger/checkpoint").content.decode())
    assert len(during.signatures) == 2  # both keys sign during the changeover
    call_command("ledger", "keys", "retire", f"{old.key_id:08x}")
    after = notes.parse_note(Client().get("/api/v1/ledger/checkpoint").content.decode())
    assert [s.key_id for s in after.signatures] == [checkpoints.parse_vkey(new_vkey).key_id]
    verifiers = served_verifiers()
    assert old.verifier() in verifiers
    notes.open_note(notes.parse_note(before), verifiers)
    notes.open_note(after, verifiers)
    call_command("ledger", "keys", "list")
    listed = capsys.readouterr().out
    assert "已停用" in listed and "签名中" in listed
    with pytest.raises(CommandError, match="最后一把"):
        call_command("ledger", "keys", "retire", new_vkey.split("+")[1])


@pytest.mark.skipif(not sm2.available(), reason="gmssl (extra gm) not installed")
def test_sm2_option_adds_a_second_signature_line(settings: Any) -> None:
    settings.LEDGER = {**settings.LEDGER, "SM2": True}
    append(1)
    note = notes.parse_note(selectors.get_signed_checkpoint())
    assert len(note.signatures) == 2
    verified = notes.open_note(note, served_verifiers())
    assert {type(v).__name__ for v in verified} == {"Ed25519Verifier", "Sm2Verifier"}


def test_checkpoint_command_prints_and_publishes(capsys: Any) -> None:
    append(1)
    call_command("ledger", "checkpoint")
    printed = capsys.readouterr().out
    assert checkpoints.parse_checkpoint(notes.parse_note(printed).text).size == selectors.get_size()
    call_command("ledger", "checkpoint", "--publish")
    assert PublishedCheckpoint.objects.filter(size=selectors.get_size()).exists()


def test_the_scheduler_publishes_checkpoints_periodically() -> None:
    assert any(job.name == "ledger.checkpoint" for job in scheduler.jobs())
    append(1)
    publish_checkpoint.enqueue()
    assert PublishedCheckpoint.objects.filter(size=selectors.get_size()).exists()
