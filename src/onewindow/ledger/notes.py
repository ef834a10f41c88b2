"""Signed notes (C2SP signed-note v1.0.0) with Ed25519 signatures.

A note is a UTF-8 text ending in a newline, a blank line, then one or more signature lines::

    <text>\\n
    \\n
    — <key name> <base64(4-byte key ID || signature)>\\n

This module parses and formats notes, computes key IDs, reads and writes the two key encodings
the ecosystem uses, and verifies notes by the rules of the spec:

* a signature whose (name, key ID) pair no verifier knows is ignored (that is what lets keys
  rotate and witnesses add cosignatures to the same note);
* a signature from a known key that fails makes the whole note invalid;
* a note with no verified signature from a known key is rejected.

Key encodings (signed-note "Signatures" and the Go reference implementation):

* verifier key (public): ``<name>+<8 hex digits key ID>+<base64(type byte || public key)>``;
* signer key (private): ``PRIVATE+KEY+<name>+<key ID>+<base64(type byte || private key)>``.

Signature types are a byte each: ``0x01`` Ed25519 over the note text (here), ``0x04`` the
timestamped witness cosignature (:mod:`onewindow.ledger.checkpoints`), ``0xff`` followed by a
longer identifier for types the spec does not assign (:mod:`onewindow.ledger.sm2`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ED25519",
    "MAX_SIGNATURES",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Note",
    "NoteError",
    "NoteSignature",
    "Signer",
    "UnverifiedNote",
    "Verifier",
    "b64",
    "check_key_name",
    "format_signer_key",
    "format_vkey",
    "key_id",
    "open_note",
    "parse_note",
    "parse_signer_key_parts",
    "parse_vkey_parts",
    "sign_note",
    "unb64",
]

ED25519: Final = 0x01
"""Signature type byte of Ed25519 note signatures (signed-note "Signature types")."""

EM_DASH: Final = "\u2014"
SIGNATURE_PREFIX: Final = EM_DASH + " "
# The spec asks verifiers to accept at least 16 signatures and to cap the count; the Go
# implementation caps at 100, and so do we, which bounds the work an attacker can cause.
MAX_SIGNATURES: Final = 100
PRIVATE_PREFIX: Final = "PRIVATE+KEY+"
# "ASCII control characters" are those below U+0020 (signed-note "Format").
_CONTROL: Final = re.compile(r"[\x00-\x09\x0b-\x1f]")
_HEX8: Final = re.compile(r"^[0-9a-f]{8}$")


class NoteError(ValueError):
    """A note, key or signature line that is not well-formed."""


class UnverifiedNote(NoteError):
    """A well-formed note that no trusted key vouches for, or that a trusted key rejects."""


def b64(data: bytes) -> str:
    """Standard base64 with padding (RFC 4648 §4), the encoding every C2SP format uses."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Decode strict standard base64; NoteError for anything else.

    Decoding and re-encoding must give the same text, which rejects non-canonical padding bits
    and stray characters, so one value has exactly one spelling.
    """
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"不是有效的 base64：{text[:40]!r}") from exc
    if b64(data) != text:
        raise NoteError(f"base64 编码不规范：{text[:40]!r}")
    return data


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid key name: non-empty, no Unicode space, no ``+``."""
    if not name or "+" in name or any(ch.isspace() for ch in name) or _CONTROL.search(name):
        raise NoteError(f"密钥名称不合规（不能为空，不能含空白或“+”）：{name!r}")
    return name


def key_id(name: str, key_type: bytes, public_key: bytes) -> int:
    """The recommended key ID: ``SHA-256(name || 0x0A || type || public key)[:4]`` as uint32.

    ``key_type`` is the type byte, followed for ``0xff`` by the longer identifier, exactly as
    it precedes the public key in the verifier key encoding.
    """
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + key_type + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def format_vkey(name: str, key_type: bytes, public_key: bytes) -> str:
    """The verifier key text ``<name>+<key ID hex>+<base64(type || public key)>``."""
    check_key_name(name)
    return f"{name}+{key_id(name, key_type, public_key):08x}+{b64(key_type + public_key)}"


def parse_vkey_parts(text: str) -> tuple[str, int, bytes]:
    """Split a verifier key into (name, key ID, type-and-key bytes); NoteError if malformed.

    The key ID is checked against the name and key, as the Go implementation does, so a vkey
    cannot claim another key's ID.
    """
    name, sep1, rest = text.strip().partition("+")
    hex_id, sep2, encoded = rest.partition("+")
    if not (sep1 and sep2) or not _HEX8.match(hex_id):
        raise NoteError(f"验证公钥格式不正确：{text[:60]!r}")
    check_key_name(name)
    material = unb64(encoded)
    if not material:
        raise NoteError("验证公钥为空")
    return name, int(hex_id, 16), material


def format_signer_key(name: str, key_type: bytes, public_key: bytes, private_key: bytes) -> str:
    """The signer key text ``PRIVATE+KEY+<name>+<key ID>+<base64(type || private key)>``."""
    check_key_name(name)
    ident = key_id(name, key_type, public_key)
    return f"{PRIVATE_PREFIX}{name}+{ident:08x}+{b64(key_type + private_key)}"


def parse_signer_key_parts(text: str) -> tuple[str, int, bytes]:
    """Split a signer key into (name, key ID, type-and-private-key bytes)."""
    text = text.strip()
    if not text.startswith(PRIVATE_PREFIX):
        raise NoteError("签名私钥应以 PRIVATE+KEY+ 开头")
    name, ident, material = parse_vkey_parts(text[len(PRIVATE_PREFIX) :])
    return name, ident, material


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


class Verifier(Protocol):
    """A public key that can check signatures on note texts."""

    @property
    def name(self) -> str:
        """The key name that appears on signature lines."""
        ...

    @property
    def key_id(self) -> int:
        """The 32-bit key ID that prefixes each signature."""
        ...

    @property
    def vkey(self) -> str:
        """The verifier key text."""
        ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (without the key ID) is valid for ``text``."""
        ...


class Signer(Protocol):
    """A private key that signs note texts."""

    @property
    def name(self) -> str:
        """The key name written on signature lines."""
        ...

    @property
    def key_id(self) -> int:
        """The 32-bit key ID that prefixes each signature."""
        ...

    def verifier(self) -> Verifier:
        """The matching public key."""
        ...

    def sign(self, text: bytes) -> bytes:
        """The signature of ``text`` (without the key ID)."""
        ...


@dataclass(frozen=True, slots=True)
class Ed25519Verifier:
    """An Ed25519 note verifier (signature type ``0x01``, RFC 8032 over the note text)."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        """``SHA-256(name || 0x0A || 0x01 || public key)[:4]``."""
        return key_id(self.name, bytes([ED25519]), self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key text."""
        return format_vkey(self.name, bytes([ED25519]), self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``text``."""
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, slots=True)
class Ed25519Signer:
    """An Ed25519 note signer; ``seed`` is the 32-byte RFC 8032 private key."""

    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """A new random key called ``name``."""
        check_key_name(name)
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @property
    def public_key(self) -> bytes:
        """The 32-byte public key."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()

    @property
    def key_id(self) -> int:
        """The key ID of the matching verifier."""
        return self.verifier().key_id

    def verifier(self) -> Ed25519Verifier:
        """The matching public key."""
        return Ed25519Verifier(self.name, self.public_key)

    def sign(self, text: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``text`` (deterministic, RFC 8032 §5.1.6)."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(text)

    def encode(self) -> str:
        """The signer key text (keep it secret)."""
        return format_signer_key(self.name, bytes([ED25519]), self.public_key, self.seed)


def parse_ed25519_vkey(text: str) -> Ed25519Verifier:
    """An Ed25519 note verifier from its vkey text; NoteError for other types or bad IDs."""
    name, ident, material = parse_vkey_parts(text)
    if material[0] != ED25519 or len(material) != 33:
        raise NoteError("不是 Ed25519 验证公钥")
    verifier = Ed25519Verifier(name, material[1:])
    if verifier.key_id != ident:
        raise NoteError(f"验证公钥 {name} 的密钥编号与公钥不符")
    return verifier


def parse_ed25519_signer(text: str) -> Ed25519Signer:
    """An Ed25519 note signer from its ``PRIVATE+KEY+`` text; NoteError if malformed."""
    name, ident, material = parse_signer_key_parts(text)
    if material[0] != ED25519 or len(material) != 33:
        raise NoteError("不是 Ed25519 签名私钥")
    signer = Ed25519Signer(name, material[1:])
    if signer.key_id != ident:
        raise NoteError(f"签名私钥 {name} 的密钥编号与密钥不符")
    return signer


# ---------------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """``— <name> <base64(key ID || signature)>`` with its newline."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {b64(blob)}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed note: the signed text (with its final newline) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def format(self) -> str:
        """The note as it is served: text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signatures(self, extra: Iterable[NoteSignature]) -> Note:
        """The same text with more signature lines; a repeated (name, key ID) is replaced."""
        merged: dict[tuple[str, int], NoteSignature] = {
            (s.name, s.key_id): s for s in self.signatures
        }
        for sig in extra:
            merged[(sig.name, sig.key_id)] = sig
        return Note(self.text, tuple(merged.values()))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("签名文本必须以换行结尾")
    if _CONTROL.search(text):
        raise NoteError("签名文本含有换行以外的控制字符")


def parse_signature_line(line: str) -> NoteSignature:
    """Parse one ``— name base64`` line (with or without its newline)."""
    line = line[:-1] if line.endswith("\n") else line
    if not line.startswith(SIGNATURE_PREFIX) or "\n" in line:
        raise NoteError("签名行应以“— ”开头")
    name, sep, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not sep or " " in encoded:
        raise NoteError("签名行格式应为“— 名称 签名”")
    check_key_name(name)
    blob = unb64(encoded)
    if len(blob) < 5:
        raise NoteError("签名过短")
    return NoteSignature(name, int.from_bytes(blob[:4], "big"), blob[4:])


def parse_note(data: str | bytes) -> Note:
    """Split a signed note into its text and signature lines.

    The text runs to the last blank line (signed-note "Format"): everything before it, final
    newline included, is signed; everything after it must be signature lines, at least one and
    at most :data:`MAX_SIGNATURES`. Raises NoteError for invalid UTF-8, control characters
    other than newline, or malformed lines.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("签名文本不是有效的 UTF-8") from exc
    if _CONTROL.search(data):
        raise NoteError("签名文本含有换行以外的控制字符")
    split = data.rfind("\n\n")
    if split < 0:
        raise NoteError("缺少分隔正文与签名的空行")
    text, block = data[: split + 1], data[split + 2 :]
    if not text.strip("\n") or not block.endswith("\n"):
        raise NoteError("签名文本缺少正文或签名行")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"签名行过多（最多 {MAX_SIGNATURES} 行）")
    return Note(text, tuple(parse_signature_line(line) for line in lines))


def sign_note(text: str, signers: Sequence[Signer]) -> Note:
    """Sign ``text`` (which must end in a newline) with every signer, in order."""
    _check_text(text)
    if not signers:
        raise NoteError("至少需要一个签名密钥")
    message = text.encode("utf-8")
    return Note(text, tuple(NoteSignature(s.name, s.key_id, s.sign(message)) for s in signers))


def open_note(note: Note, verifiers: Iterable[Verifier]) -> list[Verifier]:
    """Verify ``note`` and return the known keys whose signatures verified, in note order.

    Signatures from unknown (name, key ID) pairs are ignored. Raises UnverifiedNote when a
    known key's signature fails (the spec says the whole note SHOULD then be rejected) or when
    no known key signed it (MUST be rejected).
    """
    known = {(v.name, v.key_id): v for v in verifiers}
    message = note.text.encode("utf-8")
    verified: list[Verifier] = []
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, sig.signature):
            raise UnverifiedNote(f"{sig.name} 的签名验证失败")
        if verifier not in verified:
            verified.append(verifier)
    if not verified:
        raise UnverifiedNote("没有来自可信密钥的有效签名")
    return verified
