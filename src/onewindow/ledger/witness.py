"""A department's witness: ``onewindow ledger witness --department <code>``.

The witness keeps, on the department's side, the last checkpoint it cosigned. Each round it
fetches the log's latest published checkpoint and

* checks the log's signature with the log keys it has pinned;
* checks that the new tree extends the one it saw, with an RFC 9162 §2.1.4 consistency proof
  fetched from the log (C2SP tlog-witness: "consistent with everything it has seen");
* refuses to cosign a *fork* (same size and another root, or a proof that fails) or a *shrink*
  (a smaller tree than one already seen) and posts the two signed checkpoints to the centre as
  evidence (``POST /api/v1/ledger/cosignatures`` with ``fork_evidence``);
* otherwise persists the new checkpoint first, then posts its ``cosignature/v1`` line
  (tlog-witness: the witness must have persisted the checkpoint before it answers).

This is the C2SP witness protocol turned around: the department pulls over the platform's
public API instead of the log pushing ``add-checkpoint`` requests, so a department needs no
inbound port, only a ``dept_system`` account. The first run trusts the log keys served at
``/api/v1/ledger/verifier-keys`` unless ``--log-key`` pins them (recommended).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from onewindow.ledger import checkpoints, merkle, notes
from onewindow.ledger.checkpoints import Checkpoint, CosignatureSigner
from onewindow.ledger.keys import write_secret
from onewindow.ledger.merkle import Hasher
from onewindow.ledger.notes import b64, unb64

__all__ = [
    "HttpLogClient",
    "LogClient",
    "Outcome",
    "WitnessError",
    "WitnessState",
    "load_or_create_key",
    "witness_once",
]

STATE_FILE = "state.json"
KEY_FILE = "witness.key"


class WitnessError(RuntimeError):
    """The round could not be completed (network, signature, configuration)."""


class LogClient(Protocol):
    """How the witness reaches the log (HTTP in production, the test client in tests)."""

    def verifier_keys(self) -> list[str]:
        """``GET /ledger/verifier-keys``."""
        ...

    def latest_checkpoint(self) -> str:
        """``GET /ledger/checkpoints/latest`` (a signed note)."""
        ...

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """``GET /ledger/proofs/consistency``."""
        ...

    def post_cosignature(self, size: int, line: str) -> dict[str, Any]:
        """``POST /ledger/cosignatures`` with a cosignature line."""
        ...

    def post_fork_evidence(self, size: int, evidence: dict[str, Any]) -> dict[str, Any]:
        """``POST /ledger/cosignatures`` with fork evidence."""
        ...


@dataclass
class WitnessState:
    """What the witness remembers between rounds (``state.json`` in its directory)."""

    origin: str = ""
    log_vkeys: list[str] = field(default_factory=list)
    checkpoint: str = ""

    @classmethod
    def load(cls, directory: Path) -> WitnessState:
        """The saved state, or a fresh one on the first run."""
        path = directory / STATE_FILE
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            origin=str(data.get("origin", "")),
            log_vkeys=[str(v) for v in data.get("log_vkeys", [])],
            checkpoint=str(data.get("checkpoint", "")),
        )

    def save(self, directory: Path) -> None:
        """Write atomically (temporary file, fsync, rename), so a crash never loses it."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = directory / (STATE_FILE + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(asdict(self), handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(directory / STATE_FILE)


@dataclass(frozen=True)
class Outcome:
    """The result of one round."""

    status: Literal["cosigned", "fork", "shrink"]
    size: int
    message: str
    trusted_on_first_use: list[str] = field(default_factory=list)


def load_or_create_key(directory: Path, name: str, configured: str = "") -> CosignatureSigner:
    """The witness key: ``configured`` (from the environment) or ``witness.key`` in
    ``directory``, generated on the first run with mode 0600."""
    if configured:
        return checkpoints.parse_cosignature_signer(configured)
    path = directory / KEY_FILE
    if path.exists():
        return checkpoints.parse_cosignature_signer(path.read_text(encoding="utf-8"))
    signer = CosignatureSigner.generate(name)
    write_secret(path, signer.encode())
    return signer


def _verifiers(vkeys: list[str]) -> list[notes.Verifier]:
    found: list[notes.Verifier] = []
    for vkey in vkeys:
        try:
            verifier = checkpoints.parse_vkey(vkey)
        except notes.NoteError:
            continue
        if not isinstance(verifier, checkpoints.CosignatureVerifier):
            found.append(verifier)
    return found


def _open(note_text: str, verifiers: list[notes.Verifier]) -> tuple[notes.Note, Checkpoint]:
    try:
        note = notes.parse_note(note_text)
        checkpoint = checkpoints.parse_checkpoint(note.text)
        notes.open_note(note, verifiers)
    except notes.NoteError as exc:
        raise WitnessError(f"检查点无法验证：{exc}") from exc
    return note, checkpoint


def witness_once(
    *,
    client: LogClient,
    signer: CosignatureSigner,
    state_dir: Path,
    hasher: Hasher = merkle.SHA256,
    pinned_log_keys: list[str] | None = None,
) -> Outcome:
    """Run one witness round against ``client``; see the module docstring.

    Returns the outcome (``cosigned``, or ``fork``/``shrink`` when it refused and reported).
    Raises WitnessError when the checkpoint cannot be fetched or verified; nothing is cosigned
    or reported then, and the saved state is unchanged.
    """
    state = WitnessState.load(state_dir)
    latest = client.latest_checkpoint()
    try:
        origin = checkpoints.parse_checkpoint(notes.parse_note(latest).text).origin
    except notes.NoteError as exc:
        raise WitnessError(f"日志返回的检查点格式不正确：{exc}") from exc
    if state.origin and origin != state.origin:
        raise WitnessError(f"检查点来源 {origin!r} 与此前见证的 {state.origin!r} 不同")
    trusted_now: list[str] = []
    vkeys = list(dict.fromkeys([*(pinned_log_keys or []), *state.log_vkeys]))
    if not vkeys:
        # First run without --log-key: trust what the log serves for its own origin.
        trusted_now = [v.vkey for v in _verifiers(client.verifier_keys()) if v.name == origin]
        vkeys = trusted_now
    verifiers = _verifiers(vkeys)
    if not verifiers:
        raise WitnessError("没有可用的日志验证公钥，请用 --log-key 指定")
    latest_note, new = _open(latest, verifiers)

    if state.checkpoint:
        _, old = _open(state.checkpoint, verifiers)
        kind, proof = _compare(client, old, new, hasher)
        if kind is not None:
            evidence = {
                "kind": kind,
                "previous": state.checkpoint,
                "current": latest,
                "proof": [b64(h) for h in proof],
                "detail": (
                    f"此前见证 {old.size} 条，现检查点 {new.size} 条"
                    + ("，两者无法由一致性证明连接" if kind == "fork" else "，日志回退")
                ),
            }
            client.post_fork_evidence(new.size, evidence)
            label = "分叉" if kind == "fork" else "回退"
            return Outcome(
                kind,
                new.size,
                f"拒绝副署：日志{label}（此前 {old.size} 条，现 {new.size} 条），已向中心报告",
                trusted_now,
            )

    # Persist first (C2SP tlog-witness), then answer with the cosignature.
    state.origin = origin
    state.log_vkeys = list(dict.fromkeys([*state.log_vkeys, *vkeys]))
    state.checkpoint = latest
    state.save(state_dir)
    line = notes.NoteSignature(
        signer.name, signer.key_id, signer.sign(latest_note.text.encode("utf-8"))
    ).line()
    client.post_cosignature(new.size, line)
    return Outcome("cosigned", new.size, f"已副署第 {new.size} 条处的检查点", trusted_now)


def _compare(
    client: LogClient, old: Checkpoint, new: Checkpoint, hasher: Hasher
) -> tuple[Literal["fork", "shrink"] | None, list[bytes]]:
    """Whether ``new`` may be cosigned after ``old``: (None, proof) or the kind of refusal."""
    if new.size == old.size:
        return (None, []) if new.root_hash == old.root_hash else ("fork", [])
    if new.size > old.size:
        proof = client.consistency_proof(old.size, new.size)
        ok = merkle.verify_consistency(
            old.size, new.size, proof, old.root_hash, new.root_hash, hasher
        )
        return (None, proof) if ok else ("fork", proof)
    # A smaller tree than one already seen. A log that lost entries cannot prove that the
    # smaller tree is a prefix of the larger one, so it is refused as a rollback as it stands.
    return "shrink", []


class HttpLogClient:
    """The log's public API over HTTP(S), with a ``dept_system`` bearer token for posting."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    @classmethod
    def with_password(cls, base_url: str, username: str, password: str) -> HttpLogClient:
        """Sign in through ``POST /api/v1/auth/token`` and use the token it returns."""
        client = cls(base_url)
        body = client._request("POST", "/auth/token", {"username": username, "password": password})
        client.token = str(json.loads(body)["token"])
        return client

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> str:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return str(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            try:
                message = json.loads(detail).get("message", detail)
            except ValueError:
                message = detail
            raise WitnessError(f"{method} {path} 返回 {exc.code}：{message}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise WitnessError(f"无法连接 {self.base}：{exc}") from exc

    def verifier_keys(self) -> list[str]:
        """``GET /ledger/verifier-keys``."""
        return [str(v) for v in json.loads(self._request("GET", "/ledger/verifier-keys"))]

    def latest_checkpoint(self) -> str:
        """``GET /ledger/checkpoints/latest``."""
        return self._request("GET", "/ledger/checkpoints/latest")

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """``GET /ledger/proofs/consistency``."""
        body = self._request("GET", f"/ledger/proofs/consistency?first={first}&second={second}")
        try:
            return [unb64(h) for h in json.loads(body)["hashes"]]
        except (ValueError, KeyError, notes.NoteError) as exc:
            raise WitnessError(f"一致性证明格式不正确：{exc}") from exc

    def post_cosignature(self, size: int, line: str) -> dict[str, Any]:
        """``POST /ledger/cosignatures`` ``{"size","cosignature"}``."""
        body = self._request("POST", "/ledger/cosignatures", {"size": size, "cosignature": line})
        return dict(json.loads(body))

    def post_fork_evidence(self, size: int, evidence: dict[str, Any]) -> dict[str, Any]:
        """``POST /ledger/cosignatures`` ``{"size","fork_evidence"}``."""
        body = self._request(
            "POST", "/ledger/cosignatures", {"size": size, "fork_evidence": evidence}
        )
        return dict(json.loads(body))
