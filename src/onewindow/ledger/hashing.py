"""The hash functions a log can be built on, and the one this deployment is configured for.

RFC 9162 §2.1 leaves the hash algorithm to the log's parameters; RFC 6962 and C2SP
tlog-checkpoint use SHA-256, which is the default. 国密 deployments may choose SM3
(GB/T 32905-2016, also ISO/IEC 10118-3:2018): its digests are 32 bytes like SHA-256's, so the
tree, the stored nodes, the checkpoint format and the proofs are unchanged; only the function
differs (ADR 0004).

SM3 comes from ``cryptography``, which ships OpenSSL with SM3 built in on every platform it
publishes wheels for, so no extra package is needed and the speed is native. The hash of a log
is fixed when its first entry is written (``LedgerHead.hash_algorithm``) and can never change
afterwards: every stored leaf and node, every signed checkpoint depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from onewindow.ledger.merkle import SHA256, Hasher

__all__ = ["ALGORITHMS", "SHA256", "SM3", "Hasher", "configured", "get"]


@dataclass(frozen=True, slots=True)
class CryptographyHasher:
    """A :class:`~onewindow.ledger.merkle.Hasher` backed by a ``cryptography`` hash algorithm."""

    name: str
    algorithm: hashes.HashAlgorithm

    def digest(self, data: bytes) -> bytes:
        """Return the digest of ``data``."""
        context = hashes.Hash(self.algorithm)
        context.update(data)
        return context.finalize()


SM3: Final[Hasher] = CryptographyHasher("sm3", hashes.SM3())
"""SM3 (GB/T 32905-2016), the Chinese commercial-cryptography hash, 256-bit digests."""

ALGORITHMS: Final[dict[str, Hasher]] = {"sha256": SHA256, "sm3": SM3}


def get(name: str) -> Hasher:
    """Return the hasher called ``name`` (``sha256`` or ``sm3``); ValueError for others."""
    try:
        return ALGORITHMS[name.strip().lower()]
    except KeyError:
        raise ValueError(
            f"不支持的账本哈希算法：{name!r}（可选 {', '.join(sorted(ALGORITHMS))}）"
        ) from None


def configured() -> Hasher:
    """Return the hasher of ``settings.LEDGER["HASH"]`` (default SHA-256).

    Raises ImproperlyConfigured for an unknown name, so a typo fails at the first append
    rather than producing a log nobody can verify.
    """
    name = str(getattr(settings, "LEDGER", {}).get("HASH", "sha256"))
    try:
        return get(name)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
