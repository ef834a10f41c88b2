"""SM2 note signatures for 国密 deployments (optional; ``pip install onewindow[gm]``).

SM2 (GB/T 32918.2-2016) with SM3 over ``Z_A || M`` (GB/T 32918.2 §6.1, default user ID
``1234567812345678`` of GB/T 35276-2017 §5.4.3.2) signs the same note text an Ed25519 log key
signs. signed-note assigns SM2 no type byte, so its keys use the reserved byte ``0xff``
followed by a longer identifier, as the spec recommends for unassigned types::

    type  = 0xff || "cn-gm/sm2-sm3/v1" || 0x00
    vkey  = <name>+<key ID>+base64(type || 64-byte public key X || Y)
    sig   = 64 bytes r || s (each a 32-byte big-endian integer)

An SM2 line is an additional signature on the checkpoint: clients without SM2 ignore it as an
unknown key and still verify the Ed25519 line (ADR 0004).

The arithmetic comes from ``gmssl``, a pure-Python implementation. Its own nonce generator uses
:mod:`random`, which is not a cryptographic generator, and a predictable SM2 nonce reveals the
private key, so this module always draws the nonce from :mod:`secrets`. Its verifier does not
check that ``r`` and ``s`` lie in ``[1, n-1]`` (GB/T 32918.2 §7.1 B1-B2); this module does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Final

from onewindow.ledger import notes
from onewindow.ledger.notes import NoteError

__all__ = ["KEY_TYPE", "Sm2Signer", "Sm2Verifier", "available", "parse_signer", "parse_vkey"]

KEY_TYPE: Final = b"\xff" + b"cn-gm/sm2-sm3/v1" + b"\x00"
# The order n of the SM2 recommended curve (GB/T 32918.5-2017 §3).
_N: Final = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def available() -> bool:
    """Whether the ``gmssl`` package (the ``gm`` extra) is installed."""
    try:
        import gmssl.sm2  # noqa: F401
    except ImportError:
        return False
    return True


def _crypt(private_hex: str, public_hex: str) -> Any:
    try:
        from gmssl import sm2
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise NoteError("SM2 签名需要安装 gmssl（pip install 'onewindow[gm]'）") from exc
    return sm2.CryptSM2(private_key=private_hex, public_key=public_hex)


def _public_from_private(private: bytes) -> bytes:
    crypt = _crypt(private.hex(), "")
    point: str = crypt._kg(int.from_bytes(private, "big"), crypt.ecc_table["g"])
    return bytes.fromhex(point)


@dataclass(frozen=True, slots=True)
class Sm2Verifier:
    """An SM2 note verifier; ``public_key`` is X || Y, 64 bytes."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        """``SHA-256(name || 0x0A || type || public key)[:4]`` (signed-note key IDs)."""
        return notes.key_id(self.name, KEY_TYPE, self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key text."""
        return notes.format_vkey(self.name, KEY_TYPE, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (r || s) is this key's SM2-with-SM3 signature of ``text``."""
        if len(signature) != 64 or len(self.public_key) != 64:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        if not (0 < r < _N and 0 < s < _N):
            return False
        crypt = _crypt("", self.public_key.hex())
        try:
            return bool(crypt.verify_with_sm3(signature.hex(), text))
        except (ValueError, TypeError, ZeroDivisionError):
            return False


@dataclass(frozen=True, slots=True)
class Sm2Signer:
    """An SM2 note signer; ``private_key`` is the 32-byte scalar d."""

    name: str
    private_key: bytes

    @classmethod
    def generate(cls, name: str) -> Sm2Signer:
        """A new random key called ``name`` (d uniform in [1, n-2], GB/T 32918.1 §6.1)."""
        notes.check_key_name(name)
        d = secrets.randbelow(_N - 2) + 1
        return cls(name, d.to_bytes(32, "big"))

    @property
    def public_key(self) -> bytes:
        """X || Y of ``d·G``."""
        return _public_from_private(self.private_key)

    @property
    def key_id(self) -> int:
        """The key ID of the matching verifier."""
        return self.verifier().key_id

    def verifier(self) -> Sm2Verifier:
        """The matching public key."""
        return Sm2Verifier(self.name, self.public_key)

    def sign(self, text: bytes) -> bytes:
        """The SM2-with-SM3 signature r || s of ``text``, with a fresh secret nonce."""
        crypt = _crypt(self.private_key.hex(), self.public_key.hex())
        while True:
            nonce = secrets.randbelow(_N - 1) + 1
            result = crypt.sign_with_sm3(text, f"{nonce:064x}")
            # The algorithm asks for a new nonce when r = 0, r + k = n or s = 0.
            if result:
                return bytes.fromhex(result)

    def encode(self) -> str:
        """The signer key text (keep it secret)."""
        return notes.format_signer_key(self.name, KEY_TYPE, self.public_key, self.private_key)


def parse_vkey(text: str) -> Sm2Verifier:
    """An SM2 verifier from its vkey text; NoteError when malformed."""
    name, ident, material = notes.parse_vkey_parts(text)
    if not material.startswith(KEY_TYPE) or len(material) != len(KEY_TYPE) + 64:
        raise NoteError("不是 SM2 验证公钥")
    verifier = Sm2Verifier(name, material[len(KEY_TYPE) :])
    if verifier.key_id != ident:
        raise NoteError(f"验证公钥 {name} 的密钥编号与公钥不符")
    return verifier


def parse_signer(text: str) -> Sm2Signer:
    """An SM2 signer from its ``PRIVATE+KEY+`` text; NoteError when malformed."""
    name, ident, material = notes.parse_signer_key_parts(text)
    if not material.startswith(KEY_TYPE) or len(material) != len(KEY_TYPE) + 32:
        raise NoteError("不是 SM2 签名私钥")
    d = int.from_bytes(material[len(KEY_TYPE) :], "big")
    if not 0 < d < _N - 1:
        raise NoteError("SM2 私钥超出范围")
    signer = Sm2Signer(name, material[len(KEY_TYPE) :])
    if signer.key_id != ident:
        raise NoteError(f"签名私钥 {name} 的密钥编号与密钥不符")
    return signer
