"""The retrievers fused by :mod:`onewindow.guidance.engine.search`.

Each retriever answers one kind of evidence and returns documents with a score, best first:

* :class:`PhraseTable` — a name, alias or keyword appears in the query, or the query is part
  of one (what a clerk types into the picker);
* :class:`RuleMatcher` — a lexicon pattern (synonym or situation) matches;
* :class:`Bm25Index` — BM25 (``bm25s``) over character uni/bigrams and dictionary words, and
  a second one over fuzzy pinyin syllables (homophone typos, typed pinyin);
* :class:`InitialsIndex` — pinyin initials (gjjtq, lsfz);
* :func:`fuzzy_matches` — edit similarity (``rapidfuzz``) over the candidates the others found.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import bm25s
import numpy as np
from rapidfuzz import fuzz

from onewindow.guidance.engine.text import MAX_PHRASE_CHARS


class Field(StrEnum):
    """Where a phrase comes from; decides its weight and the reason shown."""

    NAME = "name"
    BASE = "base"  # the name without its bracketed qualifier: 户口迁入（购房落户） → 户口迁入
    ALIAS = "alias"
    KEYWORD = "keyword"
    BUNDLE = "bundle"
    CODE = "code"  # the catalog code, as clerks type it (SF-GAHZ-013)


@dataclass(frozen=True)
class Phrase:
    doc: int
    text: str  # compact normalised text
    field: Field
    label: str  # as written in the catalog, for the reason


@dataclass(frozen=True)
class Hit:
    """One retriever's evidence for a document: its score and the phrase or rule behind it."""

    doc: int
    score: float
    label: str = ""
    source: str = ""


def ranked(hits: Iterable[Hit]) -> list[Hit]:
    """Best hit per document, best first (ties by document order, which is code order)."""
    best: dict[int, Hit] = {}
    for hit in hits:
        if hit.score > 0 and (hit.doc not in best or hit.score > best[hit.doc].score):
            best[hit.doc] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.doc))


# --- phrases ----------------------------------------------------------------------------------

_FIELD_WEIGHT = {
    Field.NAME: 1.0,
    Field.ALIAS: 1.0,
    Field.BUNDLE: 1.0,
    Field.CODE: 1.0,
    Field.BASE: 0.8,
    Field.KEYWORD: 0.6,
}


class PhraseTable:
    """Exact phrase lookups in both directions, independent of the catalog's size.

    Phrases inside the query are found by looking up every query substring of 2 to
    ``MAX_PHRASE_CHARS`` characters in a dict; phrases that contain the query are found with
    one ``str.find`` pass over all phrases joined by a separator.
    """

    def __init__(self, phrases: Sequence[Phrase]) -> None:
        self.phrases = list(phrases)
        self._exact: dict[str, list[int]] = {}
        for i, phrase in enumerate(self.phrases):
            if phrase.text:
                self._exact.setdefault(phrase.text, []).append(i)
        # A phrase shared by many documents (the keyword 公积金 of 18 items) says little about
        # which one is meant: its weight falls with the square root of its document count.
        self._specificity: dict[str, float] = {
            key: 1.0 / len({self.phrases[i].doc for i in owners}) ** 0.5
            for key, owners in self._exact.items()
        }
        searchable = [i for i, p in enumerate(self.phrases) if p.field != Field.KEYWORD]
        self._starts: list[int] = []
        self._owners: list[int] = []
        parts: list[str] = []
        offset = 0
        for i in searchable:
            self._starts.append(offset)
            self._owners.append(i)
            parts.append(self.phrases[i].text)
            offset += len(self.phrases[i].text) + 1
        self._joined = "\x00".join(parts)

    def hits(self, query: str) -> list[Hit]:
        """Evidence from phrases equal to, inside, or containing the compact query."""
        if not query:
            return []
        out: list[Hit] = []
        n = len(query)
        for size in range(min(n, MAX_PHRASE_CHARS), 1, -1):
            for start in range(n - size + 1):
                key = query[start : start + size]
                for i in self._exact.get(key, ()):
                    phrase = self.phrases[i]
                    weight = _FIELD_WEIGHT[phrase.field] * self._specificity[key]
                    # The whole query is a name; otherwise the larger the share of the query
                    # the phrase explains, the surer.
                    score = 2.0 * weight if size == n else weight * (0.5 + size / n)
                    out.append(Hit(phrase.doc, score, phrase.label, phrase.field.value))
        if n <= 16 and not any(h.score >= 2.0 for h in out):
            out.extend(self._containing(query))
        return out

    def _containing(self, query: str, cap: int = 400) -> list[Hit]:
        out: list[Hit] = []
        pos = self._joined.find(query)
        while pos != -1 and len(out) < cap:
            slot = bisect.bisect_right(self._starts, pos) - 1
            phrase = self.phrases[self._owners[slot]]
            if len(phrase.text) > len(query):
                share = len(query) / len(phrase.text)
                score = _FIELD_WEIGHT[phrase.field] * (0.3 + share)
                out.append(Hit(phrase.doc, score, phrase.label, phrase.field.value))
            next_start = (
                self._starts[slot + 1] if slot + 1 < len(self._starts) else len(self._joined)
            )
            pos = self._joined.find(query, max(pos + 1, next_start))
        return out


# --- lexicon rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    groups: tuple[tuple[str, ...], ...]
    docs: tuple[int, ...]
    kind: str


def compile_pattern(pattern: str) -> tuple[tuple[str, ...], ...]:
    """``身份证 丢|掉`` → ((身份证,), (丢, 掉)); alternatives longest first."""
    groups: list[tuple[str, ...]] = []
    for word in pattern.split():
        alternatives = sorted({a for a in word.split("|") if a}, key=len, reverse=True)
        if alternatives:
            groups.append(tuple(alternatives))
    return tuple(groups)


PARTIAL_RULE = 0.7


def _coverage(query: str, words: Sequence[str]) -> tuple[float, int]:
    """How much of the query the matched words explain, each character once, and how many
    words added something. A lone character (开, 办) counts half: weak evidence."""
    seen: set[int] = set()
    covered = 0.0
    real = 0
    for word in dict.fromkeys(words):
        start = query.find(word)
        fresh = set(range(start, start + len(word))) - seen
        if not fresh:
            continue
        seen |= fresh
        covered += len(fresh) if len(word) > 1 else 0.5
        real += len(word) > 1
    return covered, real


class RuleMatcher:
    """Lexicon patterns: every group must have one alternative in the query."""

    @staticmethod
    def tolerance(rule: CompiledRule) -> int:
        return 1 if len(rule.groups) >= 3 else 0

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = [r for r in rules if r.groups and r.docs]
        # Rules are tried only when the first letter of their first group's alternatives
        # occurs in the query: a dict lookup per query character instead of a scan of every
        # rule, whatever the size of the lexicon.
        self._by_char: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for head in {alt[0] for alt in rule.groups[0]}:
                self._by_char.setdefault(head, []).append(i)

    def hits(self, query: str) -> list[Hit]:
        if not query:
            return []
        tried: set[int] = set()
        out: list[Hit] = []
        n = len(query)
        for ch in set(query):
            for i in self._by_char.get(ch, ()):
                if i in tried:
                    continue
                tried.add(i)
                rule = self.rules[i]
                words: list[str] = []
                missing = 0
                for position, group in enumerate(rule.groups):
                    # Every alternative present counts (过户 and 改名 both explain the
                    # question); the coverage below counts each character once.
                    found = [alt for alt in group if alt in query]
                    if found:
                        words.extend(found)
                        continue
                    # A pattern of three or more words still counts with one word missing
                    # (people leave things out), but never without its first word.
                    missing += 1
                    if position == 0 or missing > self.tolerance(rule):
                        break
                else:
                    covered, real = _coverage(query, words)
                    if missing and real < 2:
                        continue  # a partial match needs at least two real words
                    score = 0.6 + min(covered, n) / n + 0.15 * max(real - 1, 0)
                    if missing:
                        score *= PARTIAL_RULE
                    label = "＋".join(dict.fromkeys(words))
                    out.extend(Hit(doc, score, label, rule.kind) for doc in rule.docs)
        return out


# --- BM25 -------------------------------------------------------------------------------------


class Bm25Index:
    """BM25 over pre-tokenised documents (``bm25s``, scores precomputed at index time)."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.5):
        self._size = len(documents)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._bm25.index([list(doc) or [""] for doc in documents], show_progress=False)
        self.vocabulary = len(self._bm25.vocab_dict)

    def top(self, tokens: Sequence[str], k: int) -> list[Hit]:
        ids = self._bm25.get_tokens_ids(list(tokens))
        if not ids or self._size == 0:
            return []
        scores = np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float64)
        k = min(k, self._size)
        best = np.argpartition(-scores, k - 1)[:k]
        order = best[np.argsort(-scores[best], kind="stable")]
        return [Hit(int(i), float(scores[i])) for i in order if scores[i] > 0]

    @property
    def nbytes(self) -> int:
        data = self._bm25.scores
        return int(sum(getattr(data[key], "nbytes", 0) for key in ("data", "indices", "indptr")))


# --- initials ---------------------------------------------------------------------------------


class InitialsIndex:
    """Pinyin initials of names, aliases and lexicon phrases: exact, prefix or inside."""

    def __init__(self, entries: Iterable[tuple[str, int, str, float]]) -> None:
        """``entries`` are (initials, document, label, weight): a name or alias weighs more
        than a keyword that several items share."""
        self._exact: dict[str, list[tuple[int, str, float]]] = {}
        for initials, doc, label, weight in entries:
            if len(initials) >= 2:
                self._exact.setdefault(initials, []).append((doc, label, weight))
        self._keys = sorted(self._exact)
        self._joined = "\x00".join(self._keys)
        self._starts: list[int] = []
        offset = 0
        for key in self._keys:
            self._starts.append(offset)
            offset += len(key) + 1

    def hits(self, letters: str, cap: int = 300) -> list[Hit]:
        if len(letters) < 2:
            return []
        out = [
            Hit(doc, 2.0 * weight, label, "initials")
            for doc, label, weight in self._exact.get(letters, ())
        ]
        pos = self._joined.find(letters)
        seen = 0
        while pos != -1 and seen < cap:
            slot = bisect.bisect_right(self._starts, pos) - 1
            key = self._keys[slot]
            if key != letters:
                share = len(letters) / len(key)
                base = 0.7 if pos == self._starts[slot] else 0.4
                for doc, label, weight in self._exact[key]:
                    out.append(Hit(doc, (base + share) * weight, label, "initials"))
            seen += 1
            next_start = (
                self._starts[slot + 1] if slot + 1 < len(self._starts) else len(self._joined)
            )
            pos = self._joined.find(letters, next_start)
        return out


# --- fuzzy ------------------------------------------------------------------------------------


def fuzzy_matches(
    query: str,
    query_pinyin: str,
    candidates: Iterable[int],
    phrases_of: Sequence[Sequence[tuple[str, str, str]]],
    *,
    cutoff: float = 70.0,
) -> list[Hit]:
    """Edit similarity of the query to the candidates' phrases, on characters and on fuzzy
    pinyin (``phrases_of[doc]`` is ``(text, pinyin, label)``)."""
    out: list[Hit] = []
    for doc in candidates:
        best, label = 0.0, ""
        for text, pinyin, phrase_label in phrases_of[doc]:
            score = fuzz.ratio(query, text)
            if query_pinyin and pinyin:
                score = max(score, 0.95 * fuzz.ratio(query_pinyin, pinyin))
            if len(text) > len(query) >= 3:
                score = max(score, 0.85 * fuzz.partial_ratio(query, text))
            if score > best:
                best, label = score, phrase_label
        if best >= cutoff:
            out.append(Hit(doc, best / 100.0, label, "fuzzy"))
    return out
