"""The retrievers fused by :mod:`onewindow.guidance.engine.search`.

Each retriever answers one kind of evidence and returns documents with a score, best first:

* :class:`PhraseTable` — a name, alias or keyword appears in the query, or the query is part
  of one (what a clerk types into the picker);
* :class:`RuleMatcher` — a lexicon pattern (synonym or situation) matches;
* :class:`Bm25Index` — BM25 (``bm25s``) over character uni/bigrams and dictionary words, and
  a second one over fuzzy pinyin syllables (homophone typos, typed pinyin);
* :class:`InitialsIndex` — pinyin initials (gjjtq, lsfz);
* :func:`fuzzy_matches` — edit similarity (``rapidfuzz``) over the candidates the others found;
* :class:`ExampleIndex` — questions people asked (常见问法), compared with the query as a whole
  by cosine similarity of TF-IDF weighted character tokens: a new wording of a known situation
  finds the item even when no curated pattern names its words.

A provincial catalog has hundreds of thousands of phrases, so the indexes keep them in compact
form: phrases are rows of parallel ``array`` columns, every distinct text and label is stored
once in a :class:`Vocabulary`, documents are arrays of token ids, and lookups go through
compressed postings (a start offset per key into one array of members) instead of a Python
list per key.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
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
    # A Latin word inside a name, alias or keyword (KTV in KTV许可证, UKey in 税务UKey发放):
    # literal evidence on its own, since such words are rarely shared.
    LATIN = "latin"


FIELDS: tuple[Field, ...] = tuple(Field)
_FIELD_INDEX = {field: i for i, field in enumerate(FIELDS)}
_FIELD_VALUES = [field.value for field in FIELDS]


@dataclass(frozen=True)
class Hit:
    """One retriever's evidence for a document: its score and the phrase or rule behind it."""

    doc: int
    score: float
    label: str = ""
    source: str = ""
    # The characters of the compact query this evidence rests on, as a bit mask (bit i for
    # character i); 0 when the retriever cannot tell (BM25, pinyin, semantic).
    span: int = 0


def ranked(hits: Iterable[Hit]) -> list[Hit]:
    """Best hit per document, best first (ties by document order, which is code order)."""
    best: dict[int, Hit] = {}
    for hit in hits:
        if hit.score > 0 and (hit.doc not in best or hit.score > best[hit.doc].score):
            best[hit.doc] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.doc))


# --- compact storage ------------------------------------------------------------------------


class Vocabulary:
    """Distinct strings numbered in order of arrival, each stored once."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.items: list[str] = []

    def add(self, item: str) -> int:
        found = self.ids.get(item)
        if found is None:
            found = self.ids[item] = len(self.items)
            self.items.append(item)
        return found

    def __len__(self) -> int:
        return len(self.items)


class Postings:
    """Members grouped by key: ``members[starts[k]:starts[k + 1]]`` belong to key ``k``."""

    def __init__(self, groups: Sequence[Sequence[int]]) -> None:
        self.starts = array("i", [0])
        self.members = array("i")
        for group in groups:
            self.members.extend(group)
            self.starts.append(len(self.members))

    @classmethod
    def grouped(cls, keys: Sequence[int], size: int) -> Postings:
        """Postings of ``range(len(keys))`` by their key ids (``0 ≤ key < size``; −1 skips)."""
        counts = [0] * (size + 1)
        for key in keys:
            if key >= 0:
                counts[key + 1] += 1
        for k in range(size):
            counts[k + 1] += counts[k]
        out = cls(())
        out.starts = array("i", counts)
        out.members = array("i", bytes(4 * counts[-1]))
        fill = counts[:-1]
        for row, key in enumerate(keys):
            if key >= 0:
                out.members[fill[key]] = row
                fill[key] += 1
        return out

    def __getitem__(self, key: int) -> Sequence[int]:
        return self.members[self.starts[key] : self.starts[key + 1]]

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def nbytes(self) -> int:
        return len(self.starts) * 4 + len(self.members) * 4


class PhraseStore:
    """Every phrase of every document as a row: document, field, text and label, the last two
    as ids into shared vocabularies (the keyword 公积金 of 18 items is one string)."""

    def __init__(self) -> None:
        self.docs = array("i")
        self.fields = bytearray()
        self.text_of = array("i")
        self.label_of = array("i")
        self.texts = Vocabulary()
        self.labels = Vocabulary()

    def add(self, doc: int, text: str, field: Field, label: str) -> None:
        self.docs.append(doc)
        self.fields.append(_FIELD_INDEX[field])
        self.text_of.append(self.texts.add(text))
        self.label_of.append(self.labels.add(label))

    def __len__(self) -> int:
        return len(self.docs)

    def field(self, row: int) -> Field:
        return FIELDS[self.fields[row]]

    def text(self, row: int) -> str:
        return self.texts.items[self.text_of[row]]

    def label(self, row: int) -> str:
        return self.labels.items[self.label_of[row]]

    def by_doc(self, documents: int, keep: Callable[[int], bool]) -> Postings:
        """The rows ``keep`` accepts, grouped by document."""
        return Postings.grouped(
            [self.docs[row] if keep(row) else -1 for row in range(len(self))], documents
        )


# --- phrases ----------------------------------------------------------------------------------

FIELD_WEIGHT = {
    Field.NAME: 1.0,
    Field.ALIAS: 1.0,
    Field.BUNDLE: 1.0,
    Field.CODE: 1.0,
    Field.BASE: 0.8,
    Field.LATIN: 0.8,
    Field.KEYWORD: 0.6,
}
_WEIGHT_BY_INDEX = [FIELD_WEIGHT[f] for f in FIELDS]
_KEYWORD = _FIELD_INDEX[Field.KEYWORD]


class PhraseTable:
    """Exact phrase lookups in both directions, independent of the catalog's size.

    ``keys[text_id]`` is the form a phrase is looked up by (its text, or its text spelled as
    syllables for homophones; "" leaves the phrase out). Phrases inside the query are found by
    looking up every query substring of 2 to ``MAX_PHRASE_CHARS`` characters in a dict;
    phrases that contain the query are found with one ``str.find`` pass over the distinct keys
    joined by a separator.
    """

    def __init__(self, store: PhraseStore, keys: Sequence[str]) -> None:
        self.store = store
        vocabulary = Vocabulary()
        key_of_text = array("i", (vocabulary.add(k) if k else -1 for k in keys))
        self._keys: dict[str, int] = vocabulary.ids
        self._owners = Postings.grouped(
            [key_of_text[t] for t in store.text_of], len(vocabulary.items)
        )
        # A phrase shared by many documents (the keyword 公积金 of 18 items) says little about
        # which one is meant: its weight falls with the square root of its document count.
        self._specificity = array(
            "f",
            (
                1.0 / len({store.docs[row] for row in self._owners[k]}) ** 0.5
                for k in range(len(self._owners))
            ),
        )
        # Only keys some non-keyword phrase has are searched for the query inside them.
        searchable = [
            k
            for k in range(len(self._owners))
            if any(store.fields[row] != _KEYWORD for row in self._owners[k])
        ]
        self._starts = array("i")
        self._slots = array("i", searchable)
        offset = 0
        for k in searchable:
            self._starts.append(offset)
            offset += len(vocabulary.items[k]) + 1
        self._joined = "\x00".join(vocabulary.items[k] for k in searchable)

    def hits(
        self, query: str, content: int | None = None, *, unless_in: str | None = None
    ) -> list[Hit]:
        """Evidence from phrases equal to, inside, or containing the compact query.

        ``content`` is how many characters of the query carry meaning (the query without its
        question words such as 怎么办理, 要带什么); a phrase is judged by its share of that.
        Phrases whose text occurs in ``unless_in`` are left out (a homophone written exactly
        as in the question is the plain phrase table's evidence already).
        """
        if not query:
            return []
        store = self.store
        out: list[Hit] = []
        n = len(query)
        meaning = n if content is None else max(min(content, n), 1)
        keep = self._filter(unless_in)
        for size in range(min(n, MAX_PHRASE_CHARS), 1, -1):
            for start in range(n - size + 1):
                key = self._keys.get(query[start : start + size])
                if key is None:
                    continue
                specificity = self._specificity[key]
                for row in self._owners[key]:
                    if not keep(row):
                        continue
                    field = store.fields[row]
                    weight = _WEIGHT_BY_INDEX[field] * specificity
                    # The whole query is a name; otherwise the larger the share of the query
                    # the phrase explains, the surer.
                    score = 2.0 * weight if size >= meaning else weight * (0.5 + size / meaning)
                    span = ((1 << size) - 1) << start
                    out.append(
                        Hit(store.docs[row], score, store.label(row), _FIELD_VALUES[field], span)
                    )
        if n <= 16 and not any(h.score >= 2.0 for h in out):
            out.extend(self._containing(query, keep))
        return out

    def _filter(self, unless_in: str | None) -> Callable[[int], bool]:
        if not unless_in:
            return lambda row: True
        store, verdicts = self.store, dict[int, bool]()

        def keep(row: int) -> bool:
            text_id = store.text_of[row]
            verdict = verdicts.get(text_id)
            if verdict is None:
                verdict = verdicts[text_id] = store.texts.items[text_id] not in unless_in
            return verdict

        return keep

    def _containing(self, query: str, keep: Callable[[int], bool], cap: int = 400) -> list[Hit]:
        store = self.store
        out: list[Hit] = []
        pos = self._joined.find(query)
        while pos != -1 and len(out) < cap:
            slot = bisect.bisect_right(self._starts, pos) - 1
            key = self._slots[slot]
            next_start = (
                self._starts[slot + 1] if slot + 1 < len(self._starts) else len(self._joined)
            )
            length = next_start - self._starts[slot] - 1
            if length > len(query):
                share = len(query) / length
                for row in self._owners[key]:
                    field = store.fields[row]
                    if field == _KEYWORD or not keep(row):
                        continue
                    score = _WEIGHT_BY_INDEX[field] * (0.3 + share)
                    out.append(Hit(store.docs[row], score, store.label(row), _FIELD_VALUES[field]))
            pos = self._joined.find(query, max(pos + 1, next_start))
        return out

    @property
    def nbytes(self) -> int:
        return self._owners.nbytes + len(self._specificity) * 4 + len(self._starts) * 8


# --- lexicon rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    groups: tuple[tuple[str, ...], ...]
    docs: tuple[int, ...]
    kind: str


def compile_pattern(pattern: str) -> tuple[tuple[str, ...], ...]:
    """``身份证 丢|掉`` → ((身份证,), (丢, 掉)); alternatives longest first, then as written
    (so that reasons read the same in every process)."""
    groups: list[tuple[str, ...]] = []
    for word in pattern.split():
        unique = dict.fromkeys(a for a in word.split("|") if a)
        alternatives = sorted(unique, key=len, reverse=True)
        if alternatives:
            groups.append(tuple(alternatives))
    return tuple(groups)


PARTIAL_RULE = 0.7


def _coverage(query: str, words: Sequence[str]) -> tuple[float, int, int]:
    """How much of the query the matched words explain, each character once (longer words
    first); how many words added something; and how many separate stretches of the query
    the words of two or more characters cover — 加装 and 电梯 side by side are one
    stretch, one idea. A lone character (开, 办) counts half: weak evidence."""
    seen: set[int] = set()
    solid: set[int] = set()
    covered = 0.0
    real = 0
    for word in sorted(dict.fromkeys(words), key=len, reverse=True):
        start = query.find(word)
        fresh = set(range(start, start + len(word))) - seen
        if not fresh:
            continue
        seen |= fresh
        if len(word) > 1:
            covered += len(fresh)
            real += 1
            solid |= fresh
        else:
            covered += 0.5
    stretches = sum(1 for i in solid if i - 1 not in solid)
    return covered, real, stretches


def _span(query: str, words: Sequence[str]) -> int:
    """Bit mask of the query characters the words of two or more characters occupy (first
    occurrence of each); lone characters (开, 办) say too little to locate a matter."""
    mask = 0
    for word in words:
        start = query.find(word) if len(word) > 1 else -1
        if start >= 0:
            mask |= ((1 << len(word)) - 1) << start
    return mask


_NEGATION = frozenset("不没未别无")


def _present(word: str, query: str) -> bool:
    """A word occurs in the query; a one-character word not only right after a negation
    (开 in 不开了 says the opposite)."""
    if len(word) > 1:
        return word in query
    start = query.find(word)
    while start != -1:
        if start == 0 or query[start - 1] not in _NEGATION:
            return True
        start = query.find(word, start + 1)
    return False


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

    def hits(self, query: str, content: int | None = None) -> list[Hit]:
        """Rules matching the compact query; ``content`` as in :meth:`PhraseTable.hits`."""
        if not query:
            return []
        tried: set[int] = set()
        out: list[Hit] = []
        n = len(query) if content is None else max(min(content, len(query)), 1)
        for ch in dict.fromkeys(query):
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
                    found = [alt for alt in group if _present(alt, query)]
                    if found:
                        words.extend(found)
                        continue
                    # A pattern of three or more words still counts with one word missing
                    # (people leave things out), but never without its first word.
                    missing += 1
                    if position == 0 or missing > self.tolerance(rule):
                        break
                else:
                    covered, real, stretches = _coverage(query, words)
                    if missing and real < 2:
                        continue  # a partial match needs at least two real words
                    score = 0.6 + min(covered, n) / n + 0.15 * max(stretches - 1, 0)
                    if missing:
                        score *= PARTIAL_RULE
                    label = "＋".join(dict.fromkeys(words))
                    span = _span(query, words)
                    out.extend(Hit(doc, score, label, rule.kind, span) for doc in rule.docs)
        return out


# --- BM25 -------------------------------------------------------------------------------------


class Bm25Index:
    """BM25 over documents given as arrays of token ids (``bm25s``, scores precomputed at
    index time). ``vocabulary`` maps each token to its id; the index keeps it for queries."""

    def __init__(
        self,
        documents: list[array[int]],
        vocabulary: dict[str, int],
        *,
        k1: float = 1.2,
        b: float = 0.5,
    ) -> None:
        self._size = len(documents)
        self._ids = vocabulary
        empty = vocabulary.setdefault("", len(vocabulary))  # a document needs one token
        for doc in documents:
            if not doc:
                doc.append(empty)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._bm25.index((documents, vocabulary), show_progress=False)
        # bm25s keeps a set of every token id for its own retrieval API, which is not used.
        self._bm25.unique_token_ids_set = set()
        self.vocabulary = len(vocabulary)

    def top(self, tokens: Sequence[str], k: int) -> list[Hit]:
        ids = [self._ids[t] for t in tokens if t in self._ids]
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
        keys = Vocabulary()
        self.labels = Vocabulary()
        key_of: list[int] = []
        self._docs = array("i")
        self._labels = array("i")
        self._weights = array("f")
        for initials, doc, label, weight in entries:
            if len(initials) >= 2:
                key_of.append(keys.add(initials))
                self._docs.append(doc)
                self._labels.append(self.labels.add(label))
                self._weights.append(weight)
        # Keys in sorted order, so that one joined string serves the substring search.
        order = sorted(range(len(keys.items)), key=keys.items.__getitem__)
        rank = array("i", bytes(4 * len(order)))
        for position, k in enumerate(order):
            rank[k] = position
        self._keys = [keys.items[k] for k in order]
        self._slot = {key: i for i, key in enumerate(self._keys)}
        # People typing initials often type a doubled letter once (lsfz for 临时身份证, lssfz):
        # keys with a doubled letter are also found by their collapsed form.
        self._collapsed: dict[str, list[int]] = {}
        for i, key in enumerate(self._keys):
            short = _collapse(key)
            if short != key:
                self._collapsed.setdefault(short, []).append(i)
        self._entries = Postings.grouped([rank[k] for k in key_of], len(order))
        self._joined = "\x00".join(self._keys)
        self._starts = array("i")
        offset = 0
        for key in self._keys:
            self._starts.append(offset)
            offset += len(key) + 1

    def _hits_of(self, slot: int, factor: float) -> list[Hit]:
        labels = self.labels.items
        return [
            Hit(self._docs[e], factor * self._weights[e], labels[self._labels[e]], "initials")
            for e in self._entries[slot]
        ]

    def exact(self, letters: str, factor: float) -> list[Hit]:
        """The entries whose initials are exactly ``letters``, scored ``factor`` × weight."""
        slot = self._slot.get(letters)
        return [] if slot is None else self._hits_of(slot, factor)

    def hits(self, letters: str, cap: int = 300) -> list[Hit]:
        if len(letters) < 2:
            return []
        out: list[Hit] = []
        exact = self._slot.get(letters)
        if exact is not None:
            out.extend(self._hits_of(exact, 2.0))
        else:
            short = _collapse(letters)
            slots = [*self._collapsed.get(short, ()), *filter(None, [self._slot.get(short)])]
            for slot in slots:
                out.extend(self._hits_of(slot, COLLAPSED_INITIALS))
        pos = self._joined.find(letters)
        seen = 0
        while pos != -1 and seen < cap:
            slot = bisect.bisect_right(self._starts, pos) - 1
            key = self._keys[slot]
            if key != letters:
                share = len(letters) / len(key)
                base = 0.7 if pos == self._starts[slot] else 0.4
                out.extend(self._hits_of(slot, base + share))
            seen += 1
            next_start = (
                self._starts[slot + 1] if slot + 1 < len(self._starts) else len(self._joined)
            )
            pos = self._joined.find(letters, next_start)
        return out


COLLAPSED_INITIALS = 1.8


def _collapse(letters: str) -> str:
    """Initials with every run of one letter typed once (lssfz → lsfz, gjjtq → gjtq)."""
    return "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])


# --- fuzzy ------------------------------------------------------------------------------------


def fuzzy_matches(
    query: str,
    query_pinyin: str,
    candidates: Iterable[int],
    store: PhraseStore,
    rows_of: Postings,
    pinyin_of_text: Sequence[str],
    *,
    cutoff: float = 70.0,
) -> list[Hit]:
    """Edit similarity of the query to the candidates' phrases (``rows_of[doc]``), on
    characters and on fuzzy pinyin (``pinyin_of_text[text_id]``)."""
    out: list[Hit] = []
    texts = store.texts.items
    for doc in candidates:
        best, label = 0.0, ""
        for row in rows_of[doc]:
            text_id = store.text_of[row]
            text = texts[text_id]
            pinyin = pinyin_of_text[text_id]
            score = fuzz.ratio(query, text)
            if query_pinyin and pinyin:
                score = max(score, 0.95 * fuzz.ratio(query_pinyin, pinyin))
            if len(text) > len(query) >= 3:
                score = max(score, 0.85 * fuzz.partial_ratio(query, text))
            if score > best:
                best, label = score, store.label(row)
        if best >= cutoff:
            out.append(Hit(doc, best / 100.0, label, "fuzzy"))
    return out


# --- example questions ------------------------------------------------------------------------


class ExampleIndex:
    """Example questions, each pointing at documents, as unit TF-IDF vectors of their tokens.

    A query's similarity to every example is one sparse dot product (the postings of the
    query's tokens, summed with ``numpy.bincount``); a document scores the similarity of its
    closest example plus half (``SUPPORT``) of its second closest, so that a situation several
    examples describe outweighs one lucky wording. Tokens the examples never use still count
    in the query's length: a question mostly about something else is not similar.
    """

    SUPPORT = 0.5

    def __init__(self, examples: Sequence[tuple[Sequence[str], Sequence[int], str]]) -> None:
        """``examples`` are (tokens, documents, label)."""
        self.labels = Vocabulary()
        self._label_of = array("i")
        self._docs = Postings([docs for _, docs, _ in examples])
        counts = [Counter(tokens) for tokens, _, _ in examples]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        size = len(examples)
        self._idf = {t: math.log((size + 1) / (n + 1)) + 1.0 for t, n in df.items()}
        self._unknown_idf = math.log(size + 1) + 1.0
        ids = {t: i for i, t in enumerate(sorted(df))}
        self._ids = ids
        rows: list[list[tuple[int, float]]] = [[] for _ in ids]
        for e, c in enumerate(counts):
            weights = {t: (1.0 + math.log(n)) * self._idf[t] for t, n in c.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                rows[ids[t]].append((e, w / norm))
        starts = np.zeros(len(rows) + 1, dtype=np.int64)
        starts[1:] = np.cumsum([len(r) for r in rows])
        self._starts = starts
        self._members = np.fromiter((e for r in rows for e, _ in r), dtype=np.int32)
        self._weights = np.fromiter((w for r in rows for _, w in r), dtype=np.float32)
        for _, _, label in examples:
            self._label_of.append(self.labels.add(label))
        self._size = size

    def __len__(self) -> int:
        return self._size

    def hits(self, tokens: Sequence[str], depth: int = 30) -> list[Hit]:
        """Documents by the similarity of their closest examples, best first."""
        return self.search(tokens, depth)[0]

    def search(self, tokens: Sequence[str], depth: int = 30) -> tuple[list[Hit], dict[int, float]]:
        """:meth:`hits`, and for each of their documents the cosine of its closest example
        alone (without the second example's support)."""
        if not self._size or not tokens:
            return [], {}
        counts = Counter(tokens)
        query: list[tuple[int, float]] = []
        norm = 0.0
        for t, n in counts.items():
            weight = (1.0 + math.log(n)) * self._idf.get(t, self._unknown_idf)
            norm += weight * weight
            if t in self._ids:
                query.append((self._ids[t], weight))
        if not query:
            return [], {}
        slices = [(int(self._starts[i]), int(self._starts[i + 1]), w) for i, w in query]
        members = np.concatenate([self._members[a:b] for a, b, _ in slices])
        weights = np.concatenate([self._weights[a:b] * w for a, b, w in slices])
        dot = np.bincount(members, weights=weights, minlength=self._size)
        similarity = dot.astype(np.float64) / math.sqrt(norm)
        k = min(self._size, depth * 4)
        best = np.argpartition(-similarity, k - 1)[:k]
        best = best[np.argsort(-similarity[best], kind="stable")]
        first: dict[int, tuple[float, int]] = {}
        second: dict[int, float] = {}
        for e in best.tolist():
            score = float(similarity[e])
            if score <= 0:
                break
            for doc in self._docs[e]:
                if doc not in first:
                    first[doc] = (score, e)
                elif doc not in second:
                    second[doc] = score
        labels = self.labels.items
        support = self.SUPPORT
        hits = [
            Hit(doc, score + support * second.get(doc, 0.0), labels[self._label_of[e]], "example")
            for doc, (score, e) in first.items()
        ]
        ordered = sorted(hits, key=lambda h: (-h.score, h.doc))[:depth]
        return ordered, {h.doc: first[h.doc][0] for h in ordered}

    @property
    def nbytes(self) -> int:
        return int(self._members.nbytes + self._weights.nbytes + self._starts.nbytes)
