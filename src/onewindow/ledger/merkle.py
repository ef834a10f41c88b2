"""Merkle tree hashes and proofs of RFC 9162 §2.1 (Certificate Transparency 2.0).

The tree is the one RFC 6962 defined and RFC 9162 restates:

* a leaf hashes as ``HASH(0x00 || data)`` and an inner node as ``HASH(0x01 || left || right)``
  (§2.1.1); the two prefixes keep a leaf from ever being mistaken for an inner node;
* a tree of ``n > 1`` leaves splits at ``k``, the largest power of two strictly smaller than
  ``n``: the left subtree holds ``D[0:k]`` and the right one ``D[k:n]``;
* the empty tree hashes as ``HASH()`` of the empty string.

Two families of functions are provided.

**List functions** (:func:`root`, :func:`inclusion_proof`, :func:`consistency_proof`) take the
raw leaf inputs and cost O(n). They are the direct statement of the RFC, used by the ``verify``
command that re-derives the whole log and by tests.

**Stored-node functions** serve a database-backed log. The log keeps, for every *complete
aligned* subtree, its hash at coordinate ``(level, index)``: level 0 index ``i`` is the leaf
hash of leaf ``i``, and level ``k`` index ``j`` covers leaves ``[j * 2**k, (j + 1) * 2**k)``.
Such nodes never change once complete, so they can be written once at append time. Every hash
the RFC needs — a root, a sibling in an inclusion path, a node of a consistency proof — is the
hash of a leaf range ``[a, b)`` where ``a`` is a multiple of the smallest power of two not below
``b - a``. Such a range is the concatenation of at most ``bit_length(b - a)`` stored nodes (one
per set bit of ``b - a``, largest first), and its hash is those nodes folded right to left
with :func:`node_hash`. The ``nodes_for_*`` functions list the coordinates a request needs so a
caller can fetch all of them in one query; the ``*_from_nodes`` functions then compute the
answer from the fetched mapping. Each request needs O(log n) nodes.

The verifiers follow the bit-operation algorithms of §2.1.3.2 and §2.1.4.2 and answer
``False`` rather than raising on any malformed input, because their input comes from outside.
The proof builders raise :class:`ValueError` on impossible arguments, which are caller bugs.

The hash function is pluggable (``hasher``) so a 国密 deployment can use SM3 in place of
SHA-256; a :class:`Hasher` needs only a ``name`` and a ``digest`` method.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeAlias

__all__ = [
    "SHA256",
    "Coord",
    "Hasher",
    "HashlibHasher",
    "complete_nodes_after_append",
    "consistency_proof",
    "consistency_proof_from_nodes",
    "inclusion_proof",
    "inclusion_proof_from_nodes",
    "leaf_hash",
    "node_hash",
    "nodes_completed_by_append",
    "nodes_for_append",
    "nodes_for_consistency",
    "nodes_for_inclusion",
    "nodes_for_root",
    "root",
    "root_from_nodes",
    "verify_consistency",
    "verify_inclusion",
]

# Domain-separation prefixes of RFC 9162 §2.1.1.
_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"

Coord: TypeAlias = tuple[int, int]
"""A stored node ``(level, index)``: it covers leaves ``[index << level, (index + 1) << level)``."""

_Range: TypeAlias = tuple[int, int]


class Hasher(Protocol):
    """The hash function of a tree (RFC 9162 §2.1 leaves it to the log's parameters).

    ``name`` identifies the function in stored data and checkpoints; ``digest`` hashes a byte
    string in one call. Implementations must be deterministic and return fixed-size digests.
    """

    @property
    def name(self) -> str:
        """A stable identifier of the function, such as ``"sha256"``."""
        ...

    def digest(self, data: bytes) -> bytes:
        """Return the hash of ``data``."""
        ...


@dataclass(frozen=True, slots=True)
class HashlibHasher:
    """A :class:`Hasher` backed by :func:`hashlib.new` under the given algorithm name."""

    name: str

    def __post_init__(self) -> None:
        # Fail when the hasher is configured, not on the first append.
        hashlib.new(self.name)

    def digest(self, data: bytes) -> bytes:
        """Return the ``name`` digest of ``data``."""
        return hashlib.new(self.name, data).digest()


SHA256: Final[Hasher] = HashlibHasher("sha256")
"""SHA-256, the hash algorithm of RFC 6962 and the default of this module."""


# ---------------------------------------------------------------------------------------------
# Hashing (§2.1.1)
# ---------------------------------------------------------------------------------------------


def leaf_hash(data: bytes, hasher: Hasher = SHA256) -> bytes:
    """Return the hash of one leaf, ``HASH(0x00 || data)`` (RFC 9162 §2.1.1)."""
    return hasher.digest(_LEAF_PREFIX + data)


def node_hash(left: bytes, right: bytes, hasher: Hasher = SHA256) -> bytes:
    """Return the hash of an inner node, ``HASH(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return hasher.digest(_NODE_PREFIX + left + right)


def _split(n: int) -> int:
    """Return ``k``, the largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree_hash(hashes: Sequence[bytes], a: int, b: int, hasher: Hasher) -> bytes:
    """Return MTH(D[a:b]) from the leaf hashes (RFC 9162 §2.1.1), for ``a < b``."""
    if b - a == 1:
        return hashes[a]
    k = _split(b - a)
    # The recursion depth is the tree height, so it stays small for any realistic log.
    return node_hash(
        _subtree_hash(hashes, a, a + k, hasher), _subtree_hash(hashes, a + k, b, hasher), hasher
    )


def root(leaves: Sequence[bytes], hasher: Hasher = SHA256) -> bytes:
    """Return the Merkle Tree Hash MTH(D[n]) of the raw leaf inputs (RFC 9162 §2.1.1).

    The empty tree hashes as ``HASH()`` of the empty string.
    """
    if not leaves:
        return hasher.digest(b"")
    hashes = [leaf_hash(leaf, hasher) for leaf in leaves]
    return _subtree_hash(hashes, 0, len(hashes), hasher)


# ---------------------------------------------------------------------------------------------
# Which leaf ranges a proof consists of (§2.1.3.1, §2.1.4.1)
# ---------------------------------------------------------------------------------------------


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")


def _check_sizes(old_size: int, new_size: int) -> None:
    # §2.1.4.1 defines PROOF(m, D[n]) for 0 < m < n; m == n is the trivial empty proof.
    if not 0 < old_size <= new_size:
        raise ValueError(
            f"old size {old_size} must be at least 1 and at most the new size {new_size}"
        )


def _inclusion_ranges(index: int, size: int) -> list[_Range]:
    """Leaf ranges whose hashes form PATH(index, D[size]) (RFC 9162 §2.1.3.1), in proof order.

    Walking down from the root, each step keeps the half holding ``index`` and records the
    other half; PATH lists the siblings from the leaf upwards, hence the final reversal.
    """
    a, b = 0, size
    siblings: list[_Range] = []
    while b - a > 1:
        k = _split(b - a)
        if index < a + k:
            siblings.append((a + k, b))
            b = a + k
        else:
            siblings.append((a, a + k))
            a += k
    siblings.reverse()
    return siblings


def _consistency_ranges(old_size: int, new_size: int) -> list[_Range]:
    """Leaf ranges whose hashes form PROOF(old_size, D[new_size]) (RFC 9162 §2.1.4.1).

    This unrolls SUBPROOF(m, D[a:b], complete): while the old tree ends strictly inside
    ``[a, b)``, record the half it does not need to descend into and descend into the other.
    Once it ends exactly at ``b``, MTH(D[a:b]) is an old subtree; it is part of the proof
    unless it is the whole old tree, which the verifier already has as the old root.
    """
    if old_size == new_size:
        return []
    a, b = 0, new_size
    complete = True
    ranges: list[_Range] = []
    while old_size != b:
        k = _split(b - a)
        if old_size - a <= k:
            ranges.append((a + k, b))
            b = a + k
        else:
            ranges.append((a, a + k))
            a += k
            # From here on the subtree being described is no longer a prefix of the old tree.
            complete = False
    if not complete:
        ranges.append((a, b))
    ranges.reverse()
    return ranges


def inclusion_proof(leaves: Sequence[bytes], index: int, hasher: Hasher = SHA256) -> list[bytes]:
    """Return the inclusion proof PATH(index, D[n]) of RFC 9162 §2.1.3.1.

    ``leaves`` are the raw leaf inputs of the whole tree. Raises :class:`ValueError` unless
    ``0 <= index < len(leaves)``.
    """
    _check_index(index, len(leaves))
    hashes = [leaf_hash(leaf, hasher) for leaf in leaves]
    return [_subtree_hash(hashes, a, b, hasher) for a, b in _inclusion_ranges(index, len(leaves))]


def consistency_proof(
    leaves: Sequence[bytes], old_size: int, hasher: Hasher = SHA256
) -> list[bytes]:
    """Return the consistency proof PROOF(old_size, D[n]) of RFC 9162 §2.1.4.1.

    ``leaves`` are the raw leaf inputs of the newer tree; the older tree is its first
    ``old_size`` leaves. ``old_size == len(leaves)`` gives the empty proof. Raises
    :class:`ValueError` unless ``1 <= old_size <= len(leaves)``.
    """
    _check_sizes(old_size, len(leaves))
    hashes = [leaf_hash(leaf, hasher) for leaf in leaves]
    return [
        _subtree_hash(hashes, a, b, hasher) for a, b in _consistency_ranges(old_size, len(leaves))
    ]


# ---------------------------------------------------------------------------------------------
# Verification (§2.1.3.2, §2.1.4.2)
# ---------------------------------------------------------------------------------------------


def _is_size(value: object) -> bool:
    # bool is an int subclass, but True as a tree size is a caller mix-up, not a number.
    return isinstance(value, int) and not isinstance(value, bool)


def _as_digest(value: object, digest_size: int) -> bytes | None:
    """Return ``value`` as bytes when it is a digest of the right size, else ``None``.

    bytearray and memoryview are accepted because database drivers return binary columns in
    those forms.
    """
    if not isinstance(value, bytes | bytearray | memoryview):
        return None
    data = bytes(value)
    return data if len(data) == digest_size else None


def _as_digests(proof: object, digest_size: int) -> list[bytes] | None:
    """Return the proof as a list of digests, or ``None`` when any element is malformed."""
    # A bare bytes value is a Sequence too, but never a list of hashes.
    if not isinstance(proof, Sequence) or isinstance(proof, bytes | bytearray | str):
        return None
    digests: list[bytes] = []
    for item in proof:
        digest = _as_digest(item, digest_size)
        if digest is None:
            return None
        digests.append(digest)
    return digests


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    hasher: Hasher = SHA256,
) -> bool:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root``.

    Implements the algorithm of RFC 9162 §2.1.3.2. Returns ``False``, never raises, when any
    argument is malformed (wrong types, hash sizes or an index outside the tree).
    """
    digest_size = len(hasher.digest(b""))
    if not (_is_size(index) and _is_size(size)) or not 0 <= index < size:
        return False
    path = _as_digests(proof, digest_size)
    leaf = _as_digest(leaf_hash, digest_size)
    expected = _as_digest(root, digest_size)
    if path is None or leaf is None or expected is None:
        return False

    # fn is the index of the node being computed at the current level and sn the index of the
    # last node of that level; they meet when the node is the rightmost one of its level.
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            # The path is longer than the tree is high.
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r, hasher)
            if not fn & 1:
                # A rightmost node without a sibling is carried up unchanged until it becomes
                # a right child.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p, hasher)
        fn >>= 1
        sn >>= 1
    # sn == 0 means the path reached the root, i.e. it was not too short.
    return sn == 0 and hmac.compare_digest(r, expected)


def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
    hasher: Hasher = SHA256,
) -> bool:
    """Check that the tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    Implements the algorithm of RFC 9162 §2.1.4.2, which covers ``0 < old_size < new_size``.
    Outside that range the answer follows from the definitions: equal sizes need an empty
    proof and equal roots; an empty old tree is a prefix of every tree, so it needs an empty
    proof and its root must be the empty-tree hash of §2.1.1. Returns ``False``, never raises,
    when any argument is malformed.
    """
    digest_size = len(hasher.digest(b""))
    if not (_is_size(old_size) and _is_size(new_size)) or not 0 <= old_size <= new_size:
        return False
    path = _as_digests(proof, digest_size)
    first = _as_digest(old_root, digest_size)
    second = _as_digest(new_root, digest_size)
    if path is None or first is None or second is None:
        return False
    if old_size == new_size:
        return not path and hmac.compare_digest(first, second)
    if old_size == 0:
        return not path and hmac.compare_digest(first, hasher.digest(b""))

    # Step 1: a proof between different sizes is never empty.
    if not path:
        return False
    # Step 2: when the old tree is a complete subtree, the proof omits its hash (the verifier
    # has it as the old root), so put it back to start both computations from it.
    if old_size & (old_size - 1) == 0:
        path = [first, *path]
    # Steps 3-4: skip the levels where the old tree's last node is a right child, because the
    # proof starts at the first level where it is a left child or the rightmost node.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Step 5: fr rebuilds the old root and sr the new one, from the same starting node.
    fr = sr = path[0]
    # Step 6.
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            # c is a left sibling, so it belongs to both trees.
            fr = node_hash(c, fr, hasher)
            sr = node_hash(c, sr, hasher)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            # c is a right sibling: only in the new tree.
            sr = node_hash(sr, c, hasher)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return sn == 0 and hmac.compare_digest(fr, first) and hmac.compare_digest(sr, second)


# ---------------------------------------------------------------------------------------------
# Stored complete subtrees
# ---------------------------------------------------------------------------------------------


def nodes_completed_by_append(size_before: int) -> list[Coord]:
    """Return the inner nodes (level >= 1) completed by appending leaf number ``size_before``.

    Node ``(k, j)`` is complete once the tree holds ``(j + 1) * 2**k`` leaves, so appending
    leaf ``s`` completes one node per level ``k`` with ``2**k`` dividing ``s + 1``, each
    ``(k, s >> k)``. They are listed in increasing level order, which is the order they can be
    hashed in. These are MTH(D[a:b]) of RFC 9162 §2.1.1 for aligned power-of-two ranges.
    Raises :class:`ValueError` when ``size_before`` is negative.
    """
    if size_before < 0:
        raise ValueError(f"tree size {size_before} is negative")
    completed: list[Coord] = []
    level = 1
    while (size_before + 1) % (1 << level) == 0:
        completed.append((level, size_before >> level))
        level += 1
    return completed


def nodes_for_append(size_before: int) -> list[Coord]:
    """Return the stored nodes that appending leaf number ``size_before`` needs to read.

    They are the left children of :func:`nodes_completed_by_append` (RFC 9162 §2.1.1 inner
    nodes), in the order :func:`complete_nodes_after_append` asks for them, so a caller can
    fetch them in one query and serve ``get`` from the result.
    Raises :class:`ValueError` when ``size_before`` is negative.
    """
    return [(level - 1, 2 * index) for level, index in nodes_completed_by_append(size_before)]


def complete_nodes_after_append(
    size_before: int,
    new_leaf_hash: bytes,
    get: Callable[[int, int], bytes],
    hasher: Hasher = SHA256,
) -> list[tuple[int, int, bytes]]:
    """Return the ``(level, index, hash)`` rows to store when leaf ``size_before`` is appended.

    The first row is the new leaf itself at level 0; then come the nodes of
    :func:`nodes_completed_by_append`, each ``HASH(0x01 || left || right)`` of RFC 9162
    §2.1.1 with its right child being the row just computed and its left child read with
    ``get(level, index)`` (see :func:`nodes_for_append`).
    Raises :class:`ValueError` when ``size_before`` is negative.
    """
    rows: list[tuple[int, int, bytes]] = [(0, size_before, new_leaf_hash)]
    current = new_leaf_hash
    for level, index in nodes_completed_by_append(size_before):
        current = node_hash(get(level - 1, 2 * index), current, hasher)
        rows.append((level, index, current))
    return rows


def _range_nodes(a: int, b: int) -> list[Coord]:
    """Return the stored nodes that make up leaf range ``[a, b)``, largest first.

    Valid for the ranges that occur in RFC 9162 proofs: ``a`` is a multiple of every power of
    two not above ``b - a``, so taking one aligned node per set bit of ``b - a`` from the
    highest bit down tiles the range exactly.
    """
    nodes: list[Coord] = []
    start, width = a, b - a
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def _range_hash(a: int, b: int, nodes: Mapping[Coord, bytes], hasher: Hasher) -> bytes:
    """Return MTH(D[a:b]) (RFC 9162 §2.1.1) from stored nodes.

    The RFC splits off the largest power of two on the left at every step, so the hash is the
    tiling nodes folded from the right: ``node(N1, node(N2, ... node(N_{m-1}, N_m)))``.
    """
    parts = [nodes[coord] for coord in _range_nodes(a, b)]
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result, hasher)
    return result


def _unique(coords: list[Coord]) -> list[Coord]:
    # Proof ranges are disjoint, so duplicates cannot occur; this only guards the contract
    # that each coordinate is listed once.
    return list(dict.fromkeys(coords))


def nodes_for_root(size: int) -> list[Coord]:
    """Return the stored nodes needed for the root of a tree of ``size`` leaves.

    The root MTH(D[size]) of RFC 9162 §2.1.1 is a fold of one complete subtree per set bit of
    ``size``. The empty tree needs none. Raises :class:`ValueError` when ``size`` is negative.
    """
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    return _range_nodes(0, size)


def nodes_for_inclusion(index: int, size: int) -> list[Coord]:
    """Return the stored nodes needed for the inclusion proof of RFC 9162 §2.1.3.1.

    Raises :class:`ValueError` unless ``0 <= index < size``.
    """
    _check_index(index, size)
    return _unique([c for a, b in _inclusion_ranges(index, size) for c in _range_nodes(a, b)])


def nodes_for_consistency(old_size: int, new_size: int) -> list[Coord]:
    """Return the stored nodes needed for the consistency proof of RFC 9162 §2.1.4.1.

    Raises :class:`ValueError` unless ``1 <= old_size <= new_size``.
    """
    _check_sizes(old_size, new_size)
    return _unique(
        [c for a, b in _consistency_ranges(old_size, new_size) for c in _range_nodes(a, b)]
    )


def root_from_nodes(size: int, nodes: Mapping[Coord, bytes], hasher: Hasher = SHA256) -> bytes:
    """Return the root MTH(D[size]) (RFC 9162 §2.1.1) from stored nodes.

    ``nodes`` must hold at least the coordinates of :func:`nodes_for_root`; a missing one
    raises :class:`KeyError`. Raises :class:`ValueError` when ``size`` is negative.
    """
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    if size == 0:
        return hasher.digest(b"")
    return _range_hash(0, size, nodes, hasher)


def inclusion_proof_from_nodes(
    index: int, size: int, nodes: Mapping[Coord, bytes], hasher: Hasher = SHA256
) -> list[bytes]:
    """Return PATH(index, D[size]) of RFC 9162 §2.1.3.1 from stored nodes.

    ``nodes`` must hold at least the coordinates of :func:`nodes_for_inclusion`; a missing one
    raises :class:`KeyError`. Raises :class:`ValueError` unless ``0 <= index < size``.
    """
    _check_index(index, size)
    return [_range_hash(a, b, nodes, hasher) for a, b in _inclusion_ranges(index, size)]


def consistency_proof_from_nodes(
    old_size: int, new_size: int, nodes: Mapping[Coord, bytes], hasher: Hasher = SHA256
) -> list[bytes]:
    """Return PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 from stored nodes.

    ``nodes`` must hold at least the coordinates of :func:`nodes_for_consistency`; a missing
    one raises :class:`KeyError`. Raises :class:`ValueError` unless
    ``1 <= old_size <= new_size``.
    """
    _check_sizes(old_size, new_size)
    return [_range_hash(a, b, nodes, hasher) for a, b in _consistency_ranges(old_size, new_size)]
