"""Signed notes, checkpoints and cosignatures against the C2SP examples and real checkpoints."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from onewindow.ledger import checkpoints, hashing, notes, sm2
from onewindow.ledger.checkpoints import Checkpoint, CheckpointError, CosignatureSigner
from onewindow.ledger.notes import Note, NoteError, NoteSignature, UnverifiedNote

DATA: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "c2sp_checkpoint.json").read_text(encoding="utf-8")
)
MERKLE: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "merkle_rfc6962.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("example", DATA["signed_notes"], ids=lambda e: str(e["name"]))
def test_spec_signed_notes_verify(example: dict[str, str]) -> None:
    verifier = checkpoints.parse_vkey(example["vkey"])
    note = notes.parse_note(example["note"])
    assert notes.open_note(note, [verifier]) == [verifier]
    assert note.format() == example["note"]
    assert verifier.vkey == example["vkey"]


def test_go_signer_key_reproduces_the_published_signature() -> None:
    # Ed25519 is deterministic: the documented key must give the documented line exactly.
    example = DATA["signed_notes"][1]
    signer = checkpoints.parse_signer(example["signer"])
    text = notes.parse_note(example["note"]).text
    assert notes.sign_note(text, [signer]).format() == example["note"]
    assert signer.verifier().vkey == example["vkey"]
    assert notes.parse_ed25519_signer(example["signer"]).encode() == example["signer"]


@pytest.mark.parametrize("real", DATA["real_checkpoints"], ids=lambda e: str(e["size"]))
def test_real_sum_golang_checkpoints_verify(real: dict[str, Any]) -> None:
    verifier = checkpoints.parse_vkey(DATA["sum_golang_vkey"])
    assert f"{verifier.key_id:08x}" == "033de0ae"
    note = notes.parse_note(real["note"])
    notes.open_note(note, [verifier])
    body = checkpoints.parse_checkpoint(note.text)
    assert (body.origin, body.size) == ("go.sum database tree", real["size"])
    assert notes.b64(body.root_hash) == real["root_b64"]
    assert body.text() == note.text


def test_tampered_real_checkpoint_is_rejected() -> None:
    verifier = checkpoints.parse_vkey(DATA["sum_golang_vkey"])
    tampered = DATA["real_checkpoints"][0]["note"].replace("31700353", "31700354")
    with pytest.raises(UnverifiedNote):
        notes.open_note(notes.parse_note(tampered), [verifier])


def test_unknown_keys_are_ignored_and_no_known_key_is_rejected() -> None:
    go = DATA["real_checkpoints"][0]["note"]
    other = notes.Ed25519Signer.generate("example.com/other")
    note = notes.parse_note(go)
    extra = NoteSignature("someone.example/x", 0x12345678, b"\x00" * 64)
    with_extra = note.with_signatures([extra])
    sum_key = checkpoints.parse_vkey(DATA["sum_golang_vkey"])
    assert notes.open_note(with_extra, [sum_key]) == [sum_key]
    with pytest.raises(UnverifiedNote):
        notes.open_note(note, [other.verifier()])
    # Same name as a known key but another ID: unknown, so ignored.
    impostor = NoteSignature("sum.golang.org", 0x01020304, b"\x00" * 64)
    assert notes.open_note(note.with_signatures([impostor]), [sum_key]) == [sum_key]


def test_spec_checkpoint_parses_to_the_documented_values() -> None:
    example = DATA["spec_checkpoint"]
    body = checkpoints.parse_checkpoint(notes.parse_note(example["note"]).text)
    assert body.origin == example["origin"]
    assert body.size == example["size"]
    assert body.root_hash.hex() == example["root_hex"]
    # Its signature carries sum.golang.org's key ID under another name: parse-only.
    sum_key = checkpoints.parse_vkey(DATA["sum_golang_vkey"])
    with pytest.raises(UnverifiedNote):
        notes.open_note(notes.parse_note(example["note"]), [sum_key])


def test_spec_cosignature_line_decodes() -> None:
    example = DATA["spec_cosigned_checkpoint"]
    note = notes.parse_note(example["note"])
    assert len(note.signatures) == 2
    witness = note.signatures[1]
    assert witness.name == "witness.example.com/w1"
    assert f"{witness.key_id:08x}" == example["witness_key_id"]
    assert checkpoints.cosignature_time(witness.signature) == example["witness_timestamp"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n", "missing origin"),
        ("\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n", "empty origin"),
        ("o\n042\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n", "leading zero"),
        ("o\n-1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n", "negative"),
        ("o\n1\nnot base64!\n", "bad base64"),
        ("o\n1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs\n", "unpadded"),
        ("o\n1\nAAAA\n", "short root"),
        ("o\n1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n", "empty extension"),
        ("o\n1\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=", "no final newline"),
    ],
)
def test_malformed_checkpoints_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(CheckpointError):
        checkpoints.parse_checkpoint(text)


def test_checkpoint_root_lines_are_the_merkle_vectors() -> None:
    # tlog-checkpoint root line = base64 of the RFC 6962 root (tie-in with the merkle vectors).
    roots = {r["tree_size"]: bytes.fromhex(r["root_hex"]) for r in MERKLE["roots"]}
    assert notes.b64(roots[0]) == DATA["empty_tree_root_b64"]
    assert notes.b64(roots[8]) == DATA["size8_root_b64"]
    body = Checkpoint("example.com/log", 8, roots[8], ("ext",))
    assert checkpoints.parse_checkpoint(body.text()) == body


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n\u2014 a AAAAAAA=\n",
        "text\n\n",
        "text\n\n\u2014 a\n",
        "text\n\n- a AAAAAAAA\n",
        "text\n\n\u2014 a AAAA\n",  # shorter than a key ID and one byte
        "te\x01xt\n\n\u2014 a AAAAAAAA\n",
        "text\n\n\u2014 a AAAAAAAA",
    ],
)
def test_malformed_notes_are_rejected(note: str) -> None:
    with pytest.raises(NoteError):
        notes.parse_note(note)


def test_note_with_too_many_signatures_is_rejected() -> None:
    line = "\u2014 a AAAAAAAA\n"
    with pytest.raises(NoteError):
        notes.parse_note("text\n\n" + line * 101)
    assert len(notes.parse_note("text\n\n" + line * 16).signatures) == 16


def test_note_text_may_contain_blank_lines() -> None:
    signer = notes.Ed25519Signer.generate("example.com/k")
    note = notes.sign_note("a\n\nb\n", [signer])
    parsed = notes.parse_note(note.format())
    assert parsed.text == "a\n\nb\n"
    notes.open_note(parsed, [signer.verifier()])


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\u3000b"])
def test_bad_key_names_are_refused(name: str) -> None:
    with pytest.raises(NoteError):
        notes.Ed25519Signer.generate(name)


def test_vkey_with_wrong_key_id_is_refused() -> None:
    vkey = DATA["signed_notes"][0]["vkey"]
    name, _, rest = vkey.partition("+")
    with pytest.raises(NoteError):
        checkpoints.parse_vkey(f"{name}+00000000+{rest.partition('+')[2]}")


def test_cosignature_round_trip_and_tamper() -> None:
    log = notes.Ed25519Signer.generate("example.com/log")
    witness = CosignatureSigner("w.example/GAHZ", b"\x07" * 32, clock=lambda: 1_700_000_000)
    body = Checkpoint("example.com/log", 3, b"\x01" * 32).text()
    signed = notes.sign_note(body, [log])
    cosig = NoteSignature(witness.name, witness.key_id, witness.sign(body.encode()))
    note = notes.parse_note(signed.with_signatures([cosig]).format())
    verifiers: list[notes.Verifier] = [log.verifier(), witness.verifier()]
    assert notes.open_note(note, verifiers) == verifiers
    assert checkpoints.cosignature_time(note.signatures[1].signature) == 1_700_000_000
    assert len(base64.b64decode(cosig.line().split()[-1])) == 76
    # The message binds the timestamp: changing it breaks the signature.
    blob = bytearray(cosig.signature)
    blob[7] ^= 1
    forged = Note(
        note.text, (note.signatures[0], NoteSignature(cosig.name, cosig.key_id, bytes(blob)))
    )
    with pytest.raises(UnverifiedNote):
        notes.open_note(forged, verifiers)
    assert checkpoints.parse_cosignature_vkey(witness.verifier().vkey) == witness.verifier()
    assert checkpoints.parse_signer(witness.encode()) == witness


def test_sm3_matches_the_standard_example() -> None:
    # GB/T 32905-2016 Appendix A, example 1.
    assert hashing.SM3.digest(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert hashing.get("SM3") is hashing.SM3
    with pytest.raises(ValueError, match="不支持"):
        hashing.get("md5")


@pytest.mark.skipif(not sm2.available(), reason="gmssl (extra gm) not installed")
def test_sm2_signature_line_verifies_and_is_ignored_by_ed25519_clients() -> None:
    log = notes.Ed25519Signer.generate("example.com/log")
    gm = sm2.Sm2Signer.generate("example.com/log")
    note = notes.sign_note("example.com/log\n1\n" + notes.b64(b"\x00" * 32) + "\n", [log, gm])
    parsed = notes.parse_note(note.format())
    assert notes.open_note(parsed, [log.verifier()]) == [log.verifier()]
    assert notes.open_note(parsed, [gm.verifier()]) == [gm.verifier()]
    assert checkpoints.parse_vkey(gm.verifier().vkey) == gm.verifier()
    assert checkpoints.parse_signer(gm.encode()) == gm
    tampered = Note(parsed.text.replace("\n1\n", "\n2\n"), parsed.signatures)
    with pytest.raises(UnverifiedNote):
        notes.open_note(tampered, [gm.verifier()])
