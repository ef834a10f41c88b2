"""Transparency-log checkpoints (C2SP tlog-checkpoint v1.0.0) and witness cosignatures
(C2SP tlog-cosignature v1.0.1).

A checkpoint is the text of a signed note (:mod:`onewindow.ledger.notes`)::

    <origin>\\n            the log's identity, e.g. ``hall.example.gov.cn/ledger/999900``
    <tree size>\\n         ASCII decimal, no leading zeros
    <root hash>\\n         base64 of the RFC 9162 §2.1.1 Merkle tree hash at that size
    [<extension>\\n ...]   optional, opaque, non-empty

The log signs it with an Ed25519 note signature whose key name is the origin. A witness that
has checked the checkpoint against everything it saw of the log adds a *cosignature*: signature
type ``0x04``, key ID ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``, and a 72-byte blob,
an 8-byte big-endian POSIX timestamp followed by the Ed25519 signature of::

    cosignature/v1\\n
    time <timestamp>\\n
    <the whole checkpoint text>

meaning "as of this time, this is the largest tree of this origin I have seen, and it is
consistent with every earlier one". Cosignature lines are ordinary note signature lines, so
clients that do not know a witness simply ignore its line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from onewindow.ledger import notes
from onewindow.ledger.notes import NoteError, b64, unb64

__all__ = [
    "COSIGNATURE",
    "Checkpoint",
    "CheckpointError",
    "CosignatureSigner",
    "CosignatureVerifier",
    "cosignature_message",
    "cosignature_time",
    "parse_checkpoint",
    "parse_cosignature_vkey",
    "parse_vkey",
]

COSIGNATURE: Final = 0x04
"""Signature type byte of timestamped Ed25519 cosignatures (tlog-cosignature)."""

MAX_TIMESTAMP: Final = 2**63 - 1
_SIZE: Final = re.compile(r"^(0|[1-9][0-9]*)$")
# Sizes are uint64 on the wire of every tlog format; larger numbers are not tree sizes.
_MAX_SIZE: Final = 2**64 - 1


class CheckpointError(NoteError):
    """A checkpoint text that does not follow tlog-checkpoint."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The body of a checkpoint: origin, tree size, root hash and extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """The note text, every line ending in a newline."""
        lines = [self.origin, str(self.size), b64(self.root_hash), *self.extensions]
        return "".join(f"{line}\n" for line in lines)


def parse_checkpoint(text: str, *, hash_size: int = 32) -> Checkpoint:
    """Parse a checkpoint note *text* (not the signatures: see :func:`notes.parse_note`).

    Raises CheckpointError when the origin line is missing or empty, the size is not a
    decimal without leading zeros, the root is not canonical base64 of ``hash_size`` bytes,
    an extension line is empty, or the text does not end in a newline.
    """
    if not text.endswith("\n"):
        raise CheckpointError("检查点正文必须以换行结尾")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("检查点至少需要来源、条目数、根哈希三行")
    origin, size_text, root_text, *extensions = lines
    if not origin or origin != origin.strip():
        raise CheckpointError("检查点缺少来源（origin）行")
    if not _SIZE.match(size_text) or int(size_text) > _MAX_SIZE:
        raise CheckpointError(f"检查点条目数不合规：{size_text[:30]!r}")
    try:
        root = unb64(root_text)
    except NoteError as exc:
        raise CheckpointError(f"检查点根哈希不是有效的 base64：{root_text[:60]!r}") from exc
    if len(root) != hash_size:
        raise CheckpointError(f"检查点根哈希应为 {hash_size} 字节，实际 {len(root)} 字节")
    if any(not line for line in extensions):
        raise CheckpointError("检查点扩展行不能为空")
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a witness signs: ``cosignature/v1``, ``time <t>`` and the checkpoint text."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode("utf-8")


def cosignature_time(signature: bytes) -> int:
    """The timestamp carried by a cosignature blob (the signature bytes after the key ID)."""
    if len(signature) != 72:
        raise CheckpointError("副署签名应为 72 字节（8 字节时间戳 + 64 字节签名）")
    return int.from_bytes(signature[:8], "big")


@dataclass(frozen=True, slots=True)
class CosignatureVerifier:
    """A witness's public key checking ``cosignature/v1`` signatures on checkpoint texts."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        """``SHA-256(name || 0x0A || 0x04 || public key)[:4]``."""
        return notes.key_id(self.name, bytes([COSIGNATURE]), self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key text."""
        return notes.format_vkey(self.name, bytes([COSIGNATURE]), self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (timestamp + Ed25519) cosigns the checkpoint text ``text``."""
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            message = cosignature_message(text.decode("utf-8"), timestamp)
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature[8:], message)
        except (InvalidSignature, ValueError):
            return False
        return True


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True, slots=True)
class CosignatureSigner:
    """A witness's private key; ``clock`` gives the POSIX seconds written into each blob."""

    name: str
    seed: bytes
    clock: Callable[[], int] = field(default=_now, compare=False)

    @classmethod
    def generate(cls, name: str) -> CosignatureSigner:
        """A new random witness key called ``name``."""
        notes.check_key_name(name)
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()

    @property
    def key_id(self) -> int:
        """The key ID of the matching verifier."""
        return self.verifier().key_id

    def verifier(self) -> CosignatureVerifier:
        """The matching public key."""
        return CosignatureVerifier(self.name, self.public_key)

    def sign(self, text: bytes) -> bytes:
        """Cosign the checkpoint text ``text`` as of now: timestamp || Ed25519 signature."""
        return self.sign_at(text, self.clock())

    def sign_at(self, text: bytes, timestamp: int) -> bytes:
        """Cosign ``text`` as of ``timestamp`` (POSIX seconds, 0 to 2**63-1)."""
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise CheckpointError("副署时间戳超出范围")
        message = cosignature_message(text.decode("utf-8"), timestamp)
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)
        return timestamp.to_bytes(8, "big") + signature

    def encode(self) -> str:
        """The signer key text (keep it secret)."""
        return notes.format_signer_key(self.name, bytes([COSIGNATURE]), self.public_key, self.seed)


def parse_cosignature_vkey(text: str) -> CosignatureVerifier:
    """A witness verifier from its vkey text (type ``0x04``); NoteError otherwise."""
    name, ident, material = notes.parse_vkey_parts(text)
    if material[0] != COSIGNATURE or len(material) != 33:
        raise NoteError("不是见证副署（cosignature/v1）验证公钥")
    verifier = CosignatureVerifier(name, material[1:])
    if verifier.key_id != ident:
        raise NoteError(f"验证公钥 {name} 的密钥编号与公钥不符")
    return verifier


def parse_cosignature_signer(text: str) -> CosignatureSigner:
    """A witness signer from its ``PRIVATE+KEY+`` text (type ``0x04``)."""
    name, ident, material = notes.parse_signer_key_parts(text)
    if material[0] != COSIGNATURE or len(material) != 33:
        raise NoteError("不是见证副署签名私钥")
    signer = CosignatureSigner(name, material[1:])
    if signer.key_id != ident:
        raise NoteError(f"签名私钥 {name} 的密钥编号与密钥不符")
    return signer


def parse_vkey(text: str) -> notes.Verifier:
    """Any verifier key this platform understands, by its type byte.

    ``0x01`` Ed25519 note key, ``0x04`` witness cosignature key, ``0xff`` + the SM2
    identifier (:mod:`onewindow.ledger.sm2`, which needs the ``gm`` extra to verify).
    """
    _, _, material = notes.parse_vkey_parts(text)
    if material[0] == notes.ED25519:
        return notes.parse_ed25519_vkey(text)
    if material[0] == COSIGNATURE:
        return parse_cosignature_vkey(text)
    from onewindow.ledger import sm2

    if material.startswith(sm2.KEY_TYPE):
        return sm2.parse_vkey(text)
    raise NoteError(f"不支持的签名类型 0x{material[0]:02x}")


def parse_signer(text: str) -> notes.Signer:
    """Any signer key this platform can sign with, by its type byte."""
    _, _, material = notes.parse_signer_key_parts(text)
    if material[0] == notes.ED25519:
        return notes.parse_ed25519_signer(text)
    if material[0] == COSIGNATURE:
        return parse_cosignature_signer(text)
    from onewindow.ledger import sm2

    if material.startswith(sm2.KEY_TYPE):
        return sm2.parse_signer(text)
    raise NoteError(f"不支持的签名类型 0x{material[0]:02x}")
