"""Tests for the RFC 9162 §2.1 Merkle tree hashes and proofs.

Three independent checks hold the module in place: published test vectors of the standard
8-leaf tree, a naive reference written directly from the RFC's recursive definitions, and the
RFC's own verification algorithms accepting every proof and rejecting tampered ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.ledger.merkle import (
    SHA256,
    Coord,
    Hasher,
    HashlibHasher,
    complete_nodes_after_append,
    consistency_proof,
    consistency_proof_from_nodes,
    inclusion_proof,
    inclusion_proof_from_nodes,
    leaf_hash,
    node_hash,
    nodes_completed_by_append,
    nodes_for_append,
    nodes_for_consistency,
    nodes_for_inclusion,
    nodes_for_root,
    root,
    root_from_nodes,
    verify_consistency,
    verify_inclusion,
)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "merkle_rfc6962.json").read_text(encoding="utf-8")
)
LEAVES: list[bytes] = [bytes.fromhex(h) for h in VECTORS["leaf_inputs_hex"]]


def unhex(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


# ---------------------------------------------------------------------------------------------
# Reference: the recursive definitions of RFC 9162 §2.1, written as literally as possible with
# hashlib and no code shared with the module under test.
# ---------------------------------------------------------------------------------------------


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = ref_k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = ref_k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if complete else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], complete), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


class RecordingMapping(Mapping[Coord, bytes]):
    """A read-only view of a node store that remembers which keys were read."""

    def __init__(self, store: Mapping[Coord, bytes]) -> None:
        self._store = store
        self.read: set[Coord] = set()

    def __getitem__(self, key: Coord) -> bytes:
        self.read.add(key)
        return self._store[key]

    def __iter__(self) -> Iterator[Coord]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)


def build_store(leaves: list[bytes], hasher: Hasher = SHA256) -> dict[Coord, bytes]:
    """Simulate a database-backed log: append leaves one at a time and keep the new rows."""
    store: dict[Coord, bytes] = {}
    asked: list[Coord] = []

    def get(level: int, index: int) -> bytes:
        asked.append((level, index))
        return store[(level, index)]

    for i, leaf in enumerate(leaves):
        asked.clear()
        rows = complete_nodes_after_append(i, leaf_hash(leaf, hasher), get, hasher)
        assert asked == nodes_for_append(i)
        assert [(lv, ix) for lv, ix, _ in rows] == [(0, i), *nodes_completed_by_append(i)]
        for level, index, digest in rows:
            assert (level, index) not in store, "a complete node is written once"
            store[(level, index)] = digest
    return store


def log_bound(size: int) -> int:
    return 2 * size.bit_length() + 2


def is_complete_in(coord: Coord, size: int) -> bool:
    level, index = coord
    return (index + 1) << level <= size


def flip(data: bytes, position: int, bit: int = 0) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 1 << bit
    return bytes(changed)


def tampered_lists(proof: list[bytes], extra: bytes) -> Iterator[list[bytes]]:
    """Every proof obtained by dropping one hash or adding one at any position."""
    for i in range(len(proof)):
        yield proof[:i] + proof[i + 1 :]
    for i in range(len(proof) + 1):
        yield [*proof[:i], extra, *proof[i:]]


def leaf_lists(min_size: int = 0, *, unique: bool = False) -> st.SearchStrategy[list[bytes]]:
    """Lists of leaves whose length is drawn uniformly, so large trees are as common as small.

    Distinct leaves make a proof for one index unusable at another; equal leaves legitimately
    would not be, so the tampering tests ask for them.
    """
    return st.integers(min_size, 70).flatmap(
        lambda n: st.lists(st.binary(max_size=12), min_size=n, max_size=n, unique=unique)
    )


FAST = settings(deadline=None, max_examples=100)


# ---------------------------------------------------------------------------------------------
# Published vectors
# ---------------------------------------------------------------------------------------------


def test_vector_file_is_the_standard_tree() -> None:
    assert VECTORS["hash"] == "SHA-256"
    assert len(LEAVES) == 8
    assert [r["tree_size"] for r in VECTORS["roots"]] == list(range(9))


@pytest.mark.parametrize(
    ("data", "expected"), list(zip(LEAVES, VECTORS["leaf_hashes_hex"], strict=True))
)
def test_leaf_hash_vectors(data: bytes, expected: str) -> None:
    assert leaf_hash(data) == bytes.fromhex(expected)
    assert leaf_hash(data, SHA256) == bytes.fromhex(expected)


def test_node_hash_is_prefixed() -> None:
    left, right = b"\x11" * 32, b"\x22" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


@pytest.mark.parametrize("entry", VECTORS["roots"], ids=lambda e: f"size{e['tree_size']}")
def test_root_vectors(entry: dict[str, Any]) -> None:
    size, expected = entry["tree_size"], bytes.fromhex(entry["root_hex"])
    assert root(LEAVES[:size]) == expected
    assert ref_mth(LEAVES[:size]) == expected
    store = build_store(LEAVES)
    assert root_from_nodes(size, store) == expected


@pytest.mark.parametrize(
    "entry", VECTORS["inclusion_proofs"], ids=lambda e: f"{e['leaf_index']}of{e['tree_size']}"
)
def test_inclusion_vectors(entry: dict[str, Any]) -> None:
    index, size = entry["leaf_index"], entry["tree_size"]
    leaves = LEAVES[:size]
    expected = unhex(entry["proof_hex"])
    digest = bytes.fromhex(entry["leaf_hash_hex"])
    tree_root = bytes.fromhex(entry["root_hex"])
    assert leaves[index] == bytes.fromhex(entry["leaf_input_hex"])
    assert leaf_hash(leaves[index]) == digest
    assert root(leaves) == tree_root

    assert inclusion_proof(leaves, index) == expected
    assert inclusion_proof_from_nodes(index, size, build_store(leaves)) == expected
    assert verify_inclusion(digest, index, size, expected, tree_root)

    # Every single-bit change anywhere in the proof, the leaf hash or the root is caught.
    for i, node in enumerate(expected):
        for position in range(len(node)):
            bad = [*expected[:i], flip(node, position, position % 8), *expected[i + 1 :]]
            assert not verify_inclusion(digest, index, size, bad, tree_root)
    for position in range(32):
        assert not verify_inclusion(flip(digest, position), index, size, expected, tree_root)
        assert not verify_inclusion(digest, index, size, expected, flip(tree_root, position))
    for bad_proof in tampered_lists(expected, digest):
        assert not verify_inclusion(digest, index, size, bad_proof, tree_root)
    for other in range(size):
        if other != index:
            assert not verify_inclusion(digest, other, size, expected, tree_root)
    assert not verify_inclusion(digest, index, index, expected, tree_root)


@pytest.mark.parametrize(
    "entry", VECTORS["consistency_proofs"], ids=lambda e: f"{e['size1']}to{e['size2']}"
)
def test_consistency_vectors(entry: dict[str, Any]) -> None:
    old_size, new_size = entry["size1"], entry["size2"]
    old_root, new_root = bytes.fromhex(entry["root1_hex"]), bytes.fromhex(entry["root2_hex"])
    expected = unhex(entry["proof_hex"])
    leaves = LEAVES[:new_size]
    assert root(LEAVES[:old_size]) == old_root
    assert root(leaves) == new_root

    assert consistency_proof(leaves, old_size) == expected
    assert consistency_proof_from_nodes(old_size, new_size, build_store(leaves)) == expected
    assert verify_consistency(old_size, new_size, expected, old_root, new_root)

    for i, node in enumerate(expected):
        for position in range(len(node)):
            bad = [*expected[:i], flip(node, position, position % 8), *expected[i + 1 :]]
            assert not verify_consistency(old_size, new_size, bad, old_root, new_root)
    for position in range(32):
        assert not verify_consistency(
            old_size, new_size, expected, flip(old_root, position), new_root
        )
        assert not verify_consistency(
            old_size, new_size, expected, old_root, flip(new_root, position)
        )
    for bad_proof in tampered_lists(expected, new_root):
        assert not verify_consistency(old_size, new_size, bad_proof, old_root, new_root)
    # Swapping the roots claims the trees in the wrong order.
    if old_root != new_root:
        assert not verify_consistency(old_size, new_size, expected, new_root, old_root)


def test_vector_proofs_match_the_reference() -> None:
    for entry in VECTORS["inclusion_proofs"]:
        leaves = LEAVES[: entry["tree_size"]]
        assert ref_path(entry["leaf_index"], leaves) == unhex(entry["proof_hex"])
    for entry in VECTORS["consistency_proofs"]:
        leaves = LEAVES[: entry["size2"]]
        assert ref_proof(entry["size1"], leaves) == unhex(entry["proof_hex"])


def test_every_proof_of_the_vector_tree_verifies() -> None:
    roots = [bytes.fromhex(r["root_hex"]) for r in VECTORS["roots"]]
    hashes = unhex(VECTORS["leaf_hashes_hex"])
    for size in range(1, 9):
        for index in range(size):
            proof = inclusion_proof(LEAVES[:size], index)
            assert verify_inclusion(hashes[index], index, size, proof, roots[size])
        for old_size in range(1, size + 1):
            proof = consistency_proof(LEAVES[:size], old_size)
            assert verify_consistency(old_size, size, proof, roots[old_size], roots[size])


# ---------------------------------------------------------------------------------------------
# Properties against the reference
# ---------------------------------------------------------------------------------------------


@FAST
@given(leaf_lists())
def test_builders_equal_reference(leaves: list[bytes]) -> None:
    assert root(leaves) == ref_mth(leaves)
    for index in range(len(leaves)):
        assert inclusion_proof(leaves, index) == ref_path(index, leaves)
    for old_size in range(1, len(leaves) + 1):
        assert consistency_proof(leaves, old_size) == ref_proof(old_size, leaves)


@FAST
@given(leaf_lists())
def test_every_proof_verifies(leaves: list[bytes]) -> None:
    size = len(leaves)
    roots = [root(leaves[:s]) for s in range(size + 1)]
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(leaves, index)
        assert verify_inclusion(leaf_hash(leaf), index, size, proof, roots[size])
    for old_size in range(1, size + 1):
        proof = consistency_proof(leaves, old_size)
        assert verify_consistency(old_size, size, proof, roots[old_size], roots[size])
    # The empty tree is a prefix of every tree.
    assert verify_consistency(0, size, [], roots[0], roots[size])


@FAST
@given(leaf_lists(1, unique=True), st.data())
def test_tampered_inclusion_fails(leaves: list[bytes], data: st.DataObject) -> None:
    size = len(leaves)
    tree_root = root(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    digest = leaf_hash(leaves[index])
    proof = inclusion_proof(leaves, index)
    assert verify_inclusion(digest, index, size, proof, tree_root)

    for i, node in enumerate(proof):
        position = data.draw(st.integers(0, len(node) - 1), label="position")
        bit = data.draw(st.integers(0, 7), label="bit")
        bad = [*proof[:i], flip(node, position, bit), *proof[i + 1 :]]
        assert not verify_inclusion(digest, index, size, bad, tree_root)
    position = data.draw(st.integers(0, 31), label="root position")
    assert not verify_inclusion(digest, index, size, proof, flip(tree_root, position))
    assert not verify_inclusion(flip(digest, position), index, size, proof, tree_root)
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    for bad_proof in tampered_lists(proof, extra):
        assert not verify_inclusion(digest, index, size, bad_proof, tree_root)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index), label="other")
        assert not verify_inclusion(digest, other, size, proof, tree_root)
        assert not verify_inclusion(leaf_hash(leaves[other]), index, size, proof, tree_root)


@FAST
@given(leaf_lists(2, unique=True), st.data())
def test_tampered_consistency_fails(leaves: list[bytes], data: st.DataObject) -> None:
    new_size = len(leaves)
    old_size = data.draw(st.integers(1, new_size - 1), label="old size")
    old_root, new_root = root(leaves[:old_size]), root(leaves)
    proof = consistency_proof(leaves, old_size)
    assert verify_consistency(old_size, new_size, proof, old_root, new_root)

    for i, node in enumerate(proof):
        position = data.draw(st.integers(0, len(node) - 1), label="position")
        bit = data.draw(st.integers(0, 7), label="bit")
        bad = [*proof[:i], flip(node, position, bit), *proof[i + 1 :]]
        assert not verify_consistency(old_size, new_size, bad, old_root, new_root)
    position = data.draw(st.integers(0, 31), label="root position")
    assert not verify_consistency(old_size, new_size, proof, flip(old_root, position), new_root)
    assert not verify_consistency(old_size, new_size, proof, old_root, flip(new_root, position))
    extra = data.draw(st.binary(min_size=32, max_size=32), label="extra")
    for bad_proof in tampered_lists(proof, extra):
        assert not verify_consistency(old_size, new_size, bad_proof, old_root, new_root)
    assert not verify_consistency(old_size, new_size, [], old_root, new_root)
    # A different log that shares no prefix: change the first leaf.
    forked = [leaves[0] + b"!", *leaves[1:]]
    assert not verify_consistency(old_size, new_size, proof, root(forked[:old_size]), new_root)
    assert not verify_consistency(old_size, new_size, proof, old_root, root(forked))


# ---------------------------------------------------------------------------------------------
# Stored complete subtrees
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size_before", "expected"),
    [
        (0, []),
        (1, [(1, 0)]),
        (2, []),
        (3, [(1, 1), (2, 0)]),
        (5, [(1, 2)]),
        (7, [(1, 3), (2, 1), (3, 0)]),
        (11, [(1, 5), (2, 2)]),
        (15, [(1, 7), (2, 3), (3, 1), (4, 0)]),
    ],
)
def test_nodes_completed_by_append(size_before: int, expected: list[Coord]) -> None:
    assert nodes_completed_by_append(size_before) == expected
    assert nodes_for_append(size_before) == [(lv - 1, 2 * ix) for lv, ix in expected]


@FAST
@given(leaf_lists())
def test_store_holds_exactly_the_complete_subtrees(leaves: list[bytes]) -> None:
    store = build_store(leaves)
    size = len(leaves)
    expected = {(lv, ix) for lv in range(size.bit_length()) for ix in range(size >> lv)}
    assert set(store) == expected
    for (level, index), digest in store.items():
        assert digest == ref_mth(leaves[index << level : (index + 1) << level])


@FAST
@given(leaf_lists())
def test_stored_nodes_give_the_same_roots_and_proofs(leaves: list[bytes]) -> None:
    store = build_store(leaves)
    size = len(leaves)

    # Every earlier size can be served from the same store, since complete nodes never change.
    for s in range(size + 1):
        wanted = nodes_for_root(s)
        assert len(wanted) == len(set(wanted)) <= log_bound(s)
        assert all(is_complete_in(c, s) for c in wanted)
        view = RecordingMapping(store)
        assert root_from_nodes(s, view) == root(leaves[:s])
        assert view.read == set(wanted)
        assert root_from_nodes(s, {c: store[c] for c in wanted}) == root(leaves[:s])

    for index in range(size):
        wanted = nodes_for_inclusion(index, size)
        assert len(wanted) == len(set(wanted)) <= log_bound(size)
        assert all(is_complete_in(c, size) for c in wanted)
        view = RecordingMapping(store)
        proof = inclusion_proof_from_nodes(index, size, view)
        assert proof == inclusion_proof(leaves, index)
        assert view.read == set(wanted)
        assert inclusion_proof_from_nodes(index, size, {c: store[c] for c in wanted}) == proof

    for old_size in range(1, size + 1):
        wanted = nodes_for_consistency(old_size, size)
        assert len(wanted) == len(set(wanted)) <= log_bound(size)
        assert all(is_complete_in(c, size) for c in wanted)
        view = RecordingMapping(store)
        proof = consistency_proof_from_nodes(old_size, size, view)
        assert proof == consistency_proof(leaves, old_size)
        assert view.read == set(wanted)
        subset = {c: store[c] for c in wanted}
        assert consistency_proof_from_nodes(old_size, size, subset) == proof


@settings(deadline=None, max_examples=200)
@given(st.integers(1, 2**40), st.data())
def test_node_lists_stay_logarithmic_for_large_trees(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    old_size = data.draw(st.integers(1, size), label="old size")
    for wanted in (
        nodes_for_root(size),
        nodes_for_inclusion(index, size),
        nodes_for_consistency(old_size, size),
    ):
        assert len(wanted) <= log_bound(size)
        assert all(is_complete_in(c, size) for c in wanted)
    # Appending touches one node per completed level.
    assert len(nodes_completed_by_append(size)) <= size.bit_length() + 1


def test_missing_node_is_a_key_error() -> None:
    store = build_store(LEAVES)
    del store[(3, 0)]
    with pytest.raises(KeyError):
        root_from_nodes(8, store)
    inclusion_proof_from_nodes(5, 8, store)
    del store[(2, 0)]
    with pytest.raises(KeyError):
        inclusion_proof_from_nodes(5, 8, store)


# ---------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: inclusion_proof(LEAVES, -1),
        lambda: inclusion_proof(LEAVES, 8),
        lambda: inclusion_proof([], 0),
        lambda: consistency_proof(LEAVES, 0),
        lambda: consistency_proof(LEAVES, -1),
        lambda: consistency_proof(LEAVES, 9),
        lambda: consistency_proof([], 0),
        lambda: nodes_for_root(-1),
        lambda: nodes_for_inclusion(-1, 5),
        lambda: nodes_for_inclusion(5, 5),
        lambda: nodes_for_inclusion(0, 0),
        lambda: nodes_for_consistency(0, 5),
        lambda: nodes_for_consistency(6, 5),
        lambda: nodes_completed_by_append(-1),
        lambda: nodes_for_append(-1),
        lambda: complete_nodes_after_append(-1, b"\x00" * 32, lambda lv, ix: b""),
        lambda: root_from_nodes(-1, {}),
        lambda: inclusion_proof_from_nodes(3, 3, {}),
        lambda: inclusion_proof_from_nodes(-1, 3, {}),
        lambda: consistency_proof_from_nodes(0, 3, {}),
        lambda: consistency_proof_from_nodes(4, 3, {}),
    ],
)
def test_bad_builder_arguments_raise(call: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies per argument
        call()


def test_degenerate_trees() -> None:
    empty = hashlib.sha256(b"").digest()
    assert root([]) == empty
    assert root_from_nodes(0, {}) == empty
    assert nodes_for_root(0) == []
    assert inclusion_proof([b"x"], 0) == []
    assert verify_inclusion(leaf_hash(b"x"), 0, 1, [], leaf_hash(b"x"))
    assert consistency_proof(LEAVES, 8) == []
    assert nodes_for_consistency(8, 8) == []
    one = root(LEAVES[:1])
    assert verify_consistency(1, 1, [], one, one)
    assert verify_consistency(0, 0, [], empty, empty)
    assert verify_consistency(0, 1, [], empty, one)


def test_malformed_inclusion_input_is_rejected() -> None:
    size, index = 8, 5
    digest = leaf_hash(LEAVES[index])
    proof = inclusion_proof(LEAVES, index)
    tree_root = root(LEAVES)
    assert verify_inclusion(digest, index, size, proof, tree_root)
    # Binary columns may come back as memoryview or bytearray.
    from_driver: tuple[Any, ...] = (bytearray(digest), [memoryview(p) for p in proof])
    assert verify_inclusion(from_driver[0], index, size, from_driver[1], tree_root)
    bad: list[tuple[Any, Any, Any, Any, Any]] = [
        (digest, -1, size, proof, tree_root),
        (digest, index, 0, proof, tree_root),
        (digest, index, -3, proof, tree_root),
        (digest, size, size, proof, tree_root),
        (digest, True, size, proof, tree_root),
        (digest, "5", size, proof, tree_root),
        (digest, 5.0, size, proof, tree_root),
        (digest, index, None, proof, tree_root),
        (digest, index, size, None, tree_root),
        (digest, index, size, b"".join(proof), tree_root),
        (digest, index, size, "".join(p.hex() for p in proof), tree_root),
        (digest, index, size, iter(proof), tree_root),
        (digest, index, size, [*proof[:2], proof[2][:31]], tree_root),
        (digest, index, size, [*proof[:2], proof[2] + b"\x00"], tree_root),
        (digest, index, size, [*proof[:2], proof[2].hex()], tree_root),
        (digest, index, size, [*proof[:2], None], tree_root),
        (digest[:31], index, size, proof, tree_root),
        (digest.hex(), index, size, proof, tree_root),
        (None, index, size, proof, tree_root),
        (digest, index, size, proof, tree_root[:31]),
        (digest, index, size, proof, None),
        (digest, index, size, [], tree_root),
        (digest, index, size, proof * 40, tree_root),
    ]
    for args in bad:
        assert verify_inclusion(*args) is False, args


def test_malformed_consistency_input_is_rejected() -> None:
    roots = [root(LEAVES[:s]) for s in range(9)]
    proof = consistency_proof(LEAVES, 6)
    assert verify_consistency(6, 8, proof, roots[6], roots[8])
    bad: list[tuple[Any, Any, Any, Any, Any]] = [
        (8, 6, proof, roots[8], roots[6]),
        (-1, 8, proof, roots[6], roots[8]),
        (6, -8, proof, roots[6], roots[8]),
        (True, 8, proof, roots[6], roots[8]),
        ("6", 8, proof, roots[6], roots[8]),
        (6, 8.0, proof, roots[6], roots[8]),
        (6, 8, None, roots[6], roots[8]),
        (6, 8, b"".join(proof), roots[6], roots[8]),
        (6, 8, [], roots[6], roots[8]),
        (6, 8, [*proof[:2], proof[2][:16]], roots[6], roots[8]),
        (6, 8, [*proof[:2], 7], roots[6], roots[8]),
        (6, 8, proof, roots[6][:31], roots[8]),
        (6, 8, proof, roots[6], None),
        (6, 8, proof * 40, roots[6], roots[8]),
        # Equal sizes: the proof must be empty and the roots equal.
        (8, 8, [], roots[7], roots[8]),
        (8, 8, [roots[8]], roots[8], roots[8]),
        # The empty tree: no proof, and its root is the hash of the empty string.
        (0, 8, [roots[8]], roots[0], roots[8]),
        (0, 8, [], roots[1], roots[8]),
        (0, 0, [], roots[0], roots[1]),
    ]
    for args in bad:
        assert verify_consistency(*args) is False, args


# ---------------------------------------------------------------------------------------------
# Pluggable hash function
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blake2s:
    """A hasher that is not backed by HashlibHasher, to show any Hasher-shaped object works."""

    name: str = "blake2s"

    def digest(self, data: bytes) -> bytes:
        return hashlib.blake2s(data).digest()


def test_sha256_hasher() -> None:
    assert SHA256.name == "sha256"
    assert SHA256.digest(b"abc") == hashlib.sha256(b"abc").digest()
    with pytest.raises(ValueError, match="unsupported"):
        HashlibHasher("no-such-hash")


@pytest.mark.parametrize("hasher", [HashlibHasher("sha512"), Blake2s()], ids=lambda h: h.name)
def test_other_hashers_are_used_throughout(hasher: Hasher) -> None:
    leaves = [bytes([i]) * i for i in range(13)]
    size = len(leaves)
    assert leaf_hash(b"a", hasher) == hasher.digest(b"\x00a")
    assert node_hash(b"l", b"r", hasher=hasher) == hasher.digest(b"\x01lr")
    assert root([], hasher) == hasher.digest(b"")
    tree_root = root(leaves, hasher=hasher)
    assert tree_root != root(leaves)
    store = build_store(leaves, hasher)
    assert root_from_nodes(size, store, hasher) == tree_root
    for index in range(size):
        proof = inclusion_proof(leaves, index, hasher=hasher)
        assert proof == inclusion_proof_from_nodes(index, size, store, hasher=hasher)
        assert verify_inclusion(
            leaf_hash(leaves[index], hasher), index, size, proof, tree_root, hasher
        )
        assert not verify_inclusion(leaf_hash(leaves[index]), index, size, proof, tree_root, hasher)
    for old_size in range(1, size + 1):
        old_root = root(leaves[:old_size], hasher)
        proof = consistency_proof(leaves, old_size, hasher=hasher)
        assert proof == consistency_proof_from_nodes(old_size, size, store, hasher=hasher)
        assert verify_consistency(old_size, size, proof, old_root, tree_root, hasher=hasher)
        if old_size < size:
            assert not verify_consistency(old_size, size, proof, old_root, tree_root)
    assert verify_consistency(0, size, [], hasher.digest(b""), tree_root, hasher=hasher)


@dataclass(frozen=True)
class Constant:
    """A hasher where everything collides, leaving only the verifiers' structural checks."""

    name: str = "constant"

    def digest(self, data: bytes) -> bytes:
        return bytes(32)


def test_proof_length_is_checked_without_relying_on_hashes() -> None:
    hasher, zero = Constant(), bytes(32)
    for size in range(1, 40):
        for index in range(size):
            length = len(inclusion_proof([b""] * size, index))
            assert verify_inclusion(zero, index, size, [zero] * length, zero, hasher)
            assert not verify_inclusion(zero, index, size, [zero] * (length + 1), zero, hasher)
            if length:
                assert not verify_inclusion(zero, index, size, [zero] * (length - 1), zero, hasher)
        for old_size in range(1, size):
            length = len(consistency_proof([b""] * size, old_size))
            assert verify_consistency(old_size, size, [zero] * length, zero, zero, hasher)
            for wrong in (length - 1, length + 1):
                assert not verify_consistency(old_size, size, [zero] * wrong, zero, zero, hasher)
