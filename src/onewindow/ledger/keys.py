"""The log's signing keys: read from the environment or from files, never from the database.

Anyone who can write the database could otherwise re-sign a rewritten history, which is what
checkpoints exist to prevent (ADR 0003). Two sources, in this order:

1. ``settings.LEDGER["SIGNING_KEYS"]`` (``ONEWINDOW_LEDGER_SIGNING_KEYS`` or its ``_FILE``
   variant, for secrets mounted by the orchestrator): one ``PRIVATE+KEY+...`` signer key per
   line. Nothing is written to disk.
2. Otherwise the key directory ``settings.LEDGER["KEY_DIR"]`` (``$ONEWINDOW_HOME/ledger/keys``):
   ``active/<key id>.key`` holds each signing key (mode 0600), ``public/<key id>.vkey`` the
   verifier key of every key ever used. When no key exists and ``GENERATE_KEY`` is on (the
   default, convenient for a district hall), an Ed25519 key is generated on first use.

**Rotation** keeps old keys verifiable: ``rotate`` adds a new active key, so checkpoints are
signed by both while clients and witnesses learn the new verifier key; ``retire`` then deletes
the old private key but keeps its ``.vkey``, which is still served at
``/api/v1/ledger/verifier-keys`` so every checkpoint it signed still verifies.
``settings.LEDGER["VERIFIER_KEYS"]`` adds verifier keys from elsewhere (an earlier server).

Every log key's name is the checkpoint origin (C2SP tlog-checkpoint: the key name SHOULD equal
the origin), so keys carry over only within the same log.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onewindow.ledger import checkpoints, notes, sm2
from onewindow.ledger.errors import SigningUnavailable

__all__ = [
    "KeyInfo",
    "LogKeys",
    "clear_cache",
    "key_dir",
    "list_keys",
    "log_keys",
    "origin",
    "retire",
    "rotate",
    "write_secret",
]

logger = logging.getLogger(__name__)

KINDS: Final = ("ed25519", "sm2")


def _config() -> dict[str, object]:
    return dict(getattr(settings, "LEDGER", {}))


def origin() -> str:
    """The log's checkpoint origin, ``<host>/ledger/<region code>`` unless configured.

    The host is that of ``PUBLIC_BASE_URL``; the origin identifies the log, so it must stay
    the same for the life of the log (set ``ONEWINDOW_LEDGER_ORIGIN`` in production).
    """
    configured = str(_config().get("ORIGIN") or "")
    if configured:
        return notes.check_key_name(configured)
    host = urlsplit(str(settings.PUBLIC_BASE_URL)).netloc or "localhost"
    return notes.check_key_name(f"{host}/ledger/{settings.REGION_CODE}")


def key_dir() -> Path:
    """The directory of key files (``$ONEWINDOW_HOME/ledger/keys`` by default)."""
    return Path(str(_config().get("KEY_DIR") or Path(settings.HOME) / "ledger" / "keys"))


@dataclass(frozen=True)
class LogKeys:
    """The keys the log signs with now, and every log key a verifier should know."""

    signers: tuple[notes.Signer, ...]
    verifiers: tuple[notes.Verifier, ...]


@dataclass(frozen=True)
class KeyInfo:
    """A verifier key and whether its private half still signs."""

    vkey: str
    is_active: bool
    source: str


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], LogKeys]] = {}


def clear_cache() -> None:
    """Forget loaded keys (tests that switch settings call this)."""
    with _lock:
        _cache.clear()


def write_secret(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 holding ``text``; never overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text.strip() + "\n")


def _write_public(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text.strip() + "\n", encoding="utf-8")
    tmp.replace(path)


@contextlib.contextmanager
def _dir_lock(directory: Path) -> Iterator[None]:
    """An exclusive lock across processes, so two workers never both generate a first key."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / ".lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stamp(directory: Path) -> tuple[object, ...]:
    parts: list[object] = [
        str(sorted(_config().items(), key=lambda kv: kv[0])),
        origin(),
        str(directory),
    ]
    for sub in ("active", "public"):
        try:
            parts.append((directory / sub).stat().st_mtime_ns)
        except FileNotFoundError:
            parts.append(None)
    return tuple(parts)


def _parse_lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _new_signer(kind: str, name: str) -> notes.Signer:
    if kind == "ed25519":
        return notes.Ed25519Signer.generate(name)
    if kind == "sm2":
        if not sm2.available():
            raise ImproperlyConfigured("启用 SM2 签名需要安装 gmssl（pip install 'onewindow[gm]'）")
        return sm2.Sm2Signer.generate(name)
    raise ValueError(f"未知的密钥类型：{kind!r}（可选 {', '.join(KINDS)}）")


def _encode(signer: notes.Signer) -> str:
    encode = getattr(signer, "encode", None)
    if encode is None:  # pragma: no cover - every signer type here has one
        raise TypeError(f"{type(signer).__name__} cannot be stored")
    return str(encode())


def _kind_of(signer: notes.Signer) -> str:
    return "sm2" if isinstance(signer, sm2.Sm2Signer) else "ed25519"


def _store(directory: Path, signer: notes.Signer) -> None:
    ident = f"{signer.key_id:08x}"
    write_secret(directory / "active" / f"{ident}.key", _encode(signer))
    _write_public(directory / "public" / f"{ident}.vkey", signer.verifier().vkey)


def _read_dir(directory: Path) -> tuple[list[notes.Signer], list[notes.Verifier]]:
    signers: list[notes.Signer] = []
    verifiers: list[notes.Verifier] = []
    for path in sorted((directory / "active").glob("*.key")):
        try:
            signers.append(checkpoints.parse_signer(path.read_text(encoding="utf-8")))
        except notes.NoteError as exc:
            raise ImproperlyConfigured(f"账本签名密钥文件 {path} 无效：{exc}") from exc
    for path in sorted((directory / "public").glob("*.vkey")):
        try:
            verifiers.append(checkpoints.parse_vkey(path.read_text(encoding="utf-8")))
        except notes.NoteError as exc:
            raise ImproperlyConfigured(f"账本验证公钥文件 {path} 无效：{exc}") from exc
    return signers, verifiers


def _wanted_kinds() -> list[str]:
    return ["ed25519", "sm2"] if _config().get("SM2") else ["ed25519"]


def _load() -> LogKeys:
    config = _config()
    directory = key_dir()
    name = origin()
    env_keys = str(config.get("SIGNING_KEYS") or "")
    signers: list[notes.Signer]
    verifiers: list[notes.Verifier]
    if env_keys:
        try:
            signers = [checkpoints.parse_signer(line) for line in _parse_lines(env_keys)]
        except notes.NoteError as exc:
            raise ImproperlyConfigured(f"ONEWINDOW_LEDGER_SIGNING_KEYS 无效：{exc}") from exc
        _, verifiers = _read_dir(directory) if directory.exists() else ([], [])
    else:
        signers, verifiers = _read_dir(directory)
        missing = [k for k in _wanted_kinds() if k not in {_kind_of(s) for s in signers}]
        if missing and config.get("GENERATE_KEY", True):
            with _dir_lock(directory):
                signers, verifiers = _read_dir(directory)  # another process may have won
                for kind in missing:
                    if kind not in {_kind_of(s) for s in signers}:
                        signer = _new_signer(kind, name)
                        _store(directory, signer)
                        logger.warning(
                            "已生成新的账本签名密钥 %s（%s），请备份 %s",
                            signer.verifier().vkey,
                            kind,
                            directory,
                        )
                signers, verifiers = _read_dir(directory)
    for signer in signers:
        if signer.name != name:
            raise ImproperlyConfigured(
                f"账本签名密钥名称 {signer.name!r} 与检查点来源 {name!r} 不一致"
                "（检查 ONEWINDOW_LEDGER_ORIGIN）"
            )
    for line in _parse_lines(str(config.get("VERIFIER_KEYS") or "")):
        try:
            verifiers.append(checkpoints.parse_vkey(line))
        except notes.NoteError as exc:
            raise ImproperlyConfigured(f"ONEWINDOW_LEDGER_VERIFIER_KEYS 无效：{exc}") from exc
    known = {(v.name, v.key_id): v for v in verifiers}
    for signer in signers:
        verifier = signer.verifier()
        known.setdefault((verifier.name, verifier.key_id), verifier)
    # Ed25519 first: it is the signature every C2SP client understands.
    ordered = sorted(signers, key=lambda s: (_kind_of(s) != "ed25519", s.key_id))
    return LogKeys(tuple(ordered), tuple(known.values()))


def log_keys() -> LogKeys:
    """The log's signers and all its verifier keys (cached until the key files change)."""
    directory = key_dir()
    stamp = _stamp(directory)
    with _lock:
        cached = _cache.get("log")
        if cached is not None and cached[0] == stamp:
            return cached[1]
        keys = _load()
        _cache["log"] = (_stamp(directory), keys)
        return keys


def signers() -> tuple[notes.Signer, ...]:
    """The keys that sign checkpoints now; SigningUnavailable when there are none."""
    found = log_keys().signers
    if not found:
        raise SigningUnavailable()
    return found


def rotate(kind: str = "ed25519") -> notes.Signer:
    """Add a new active signing key of ``kind`` in the key directory and return it.

    The older keys keep signing until retired, so that verifiers that know only them keep
    working during the changeover. Raises ImproperlyConfigured when keys come from the
    environment (rotate them there).
    """
    if _config().get("SIGNING_KEYS"):
        raise ImproperlyConfigured("签名密钥来自环境变量，请在环境中轮换")
    directory = key_dir()
    with _dir_lock(directory):
        signer = _new_signer(kind, origin())
        _store(directory, signer)
    clear_cache()
    return signer


def retire(key_id_hex: str) -> str:
    """Delete the private key with this ID; its verifier key stays published. Returns it.

    Raises ValueError when no such active key exists or when it is the last Ed25519 key
    (the log must always be able to sign).
    """
    directory = key_dir()
    path = directory / "active" / f"{key_id_hex.lower()}.key"
    with _dir_lock(directory):
        if not path.exists():
            raise ValueError(f"没有编号为 {key_id_hex} 的在用签名密钥")
        signer = checkpoints.parse_signer(path.read_text(encoding="utf-8"))
        others, _ = _read_dir(directory)
        remaining = [s for s in others if s.key_id != signer.key_id and _kind_of(s) == "ed25519"]
        if _kind_of(signer) == "ed25519" and not remaining:
            raise ValueError("不能停用最后一把 Ed25519 签名密钥，请先轮换生成新密钥")
        vkey = signer.verifier().vkey
        _write_public(directory / "public" / f"{key_id_hex.lower()}.vkey", vkey)
        path.unlink()
    clear_cache()
    return vkey


def list_keys() -> list[KeyInfo]:
    """Every log verifier key, marking those whose private key still signs."""
    keys = log_keys()
    active = {(s.name, s.key_id) for s in keys.signers}
    source = "env" if _config().get("SIGNING_KEYS") else str(key_dir())
    return [
        KeyInfo(
            v.vkey, (v.name, v.key_id) in active, source if (v.name, v.key_id) in active else ""
        )
        for v in keys.verifiers
    ]
