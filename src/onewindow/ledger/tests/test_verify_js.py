"""The browser verifier's own SM3, RFC 8785 and RFC 9162 code (``ledger/static/ledger/
verify.js``) against the Python implementations, run under Node.js when it is installed (the
Playwright journey covers the page itself in Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from onewindow.ledger import checkpoints, hashing, merkle, notes

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "ledger" / "verify.js"
VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "merkle_rfc6962.json").read_text(encoding="utf-8")
)
NODE = shutil.which("node")

RUNNER = """
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(0, "utf8"));
require(input.script);
const L = globalThis.OneWindowLedger;
const bytes = (h) => Uint8Array.from(Buffer.from(h, "hex"));
(async () => {
  const out = {};
  out.sm3 = input.sm3.map((h) => L.hex(L.sm3(bytes(h))));
  out.canonical = input.objects.map((o) => L.canonical(o));
  const sha = L.hasherFor("sha256");
  out.inclusion = [];
  for (const p of input.inclusion) {
    out.inclusion.push(await L.verifyInclusion(sha, bytes(p.leaf_hash_hex), p.leaf_index,
      p.tree_size, p.proof_hex.map(bytes), bytes(p.root_hex)));
  }
  out.consistency = [];
  for (const p of input.consistency) {
    out.consistency.push(await L.verifyConsistency(sha, p.size1, p.size2,
      p.proof_hex.map(bytes), bytes(p.root1_hex), bytes(p.root2_hex)));
  }
  const note = L.parseNote(input.note);
  out.log = (await L.verifySignatures(note, [await L.parseVkey(input.logKey)], 1)).length;
  out.witness = (await L.verifySignatures(note, [await L.parseVkey(input.witnessKey)], 4)).length;
  try {
    await L.verifySignatures(L.parseNote(input.tampered), [await L.parseVkey(input.logKey)], 1);
    out.tampered = "accepted";
  } catch (e) {
    out.tampered = "rejected";
  }
  process.stdout.write(JSON.stringify(out));
})();
"""


@pytest.mark.skipif(NODE is None, reason="Node.js not installed")
def test_browser_code_agrees_with_the_python_implementation() -> None:
    assert NODE is not None
    messages = [b"abc", b"abcd" * 16, bytes(range(256)) * 3, b""]
    objects: list[Any] = [
        {"v": 1, "payload": {"b": [1, 2, {"z": None, "a": True}], "a": '受理\n"x"\u2028'}},
        {
            "é": 1.5,
            "e": -0.0,
            "big": 1e21,
            "small": 1e-7,
            "\U0001f600": "emoji key",
            "z": 2**53 - 1,
        },
    ]
    log = notes.Ed25519Signer.generate("example.com/log")
    witness = checkpoints.CosignatureSigner.generate("w.example/GAHZ")
    root = bytes.fromhex(VECTORS["roots"][8]["root_hex"])
    body = checkpoints.Checkpoint("example.com/log", 8, root).text()
    signed = notes.sign_note(body, [log])
    cosignature = notes.NoteSignature(witness.name, witness.key_id, witness.sign(body.encode()))
    note = signed.with_signatures([cosignature]).format()
    payload = {
        "script": str(SCRIPT),
        "sm3": [m.hex() for m in messages],
        "objects": objects,
        "inclusion": VECTORS["inclusion_proofs"],
        "consistency": VECTORS["consistency_proofs"],
        "note": note,
        "tampered": note.replace("\n8\n", "\n9\n"),
        "logKey": log.verifier().vkey,
        "witnessKey": witness.verifier().vkey,
    }
    result = subprocess.run(
        [NODE, "-e", RUNNER],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = json.loads(result.stdout)
    assert out["sm3"] == [hashing.SM3.digest(m).hex() for m in messages]
    assert out["canonical"] == [rfc8785.dumps(o).decode() for o in objects]
    assert all(out["inclusion"]) and all(out["consistency"])
    assert (out["log"], out["witness"], out["tampered"]) == (1, 1, "rejected")
    assert merkle.root([]) == hashing.SHA256.digest(b"")
