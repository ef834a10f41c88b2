"""The guidance engine: one immutable index over items, bundles and the lexicon.

A query goes through every retriever of :mod:`~onewindow.guidance.engine.indexes`; their
rankings are fused by weighted reciprocal rank (RRF), so that no retriever's raw score scale
dominates and a document found by several kinds of evidence rises. The reason shown for a
result is the most specific evidence behind it.

An engine is built once and then only read, so one instance serves every thread of a
process; a changed lexicon or catalog builds a new engine that replaces the old one whole.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from onewindow.guidance.engine import text
from onewindow.guidance.engine.clarify import Clarify, FamilyIndex, derive_families, merge_families
from onewindow.guidance.engine.corpus import Corpus, DocKind, RuleKind
from onewindow.guidance.engine.indexes import (
    Bm25Index,
    CompiledRule,
    Field,
    Hit,
    InitialsIndex,
    Phrase,
    PhraseTable,
    RuleMatcher,
    compile_pattern,
    fuzzy_matches,
    ranked,
)
from onewindow.guidance.engine.semantic import Embedder, SemanticIndex

MAX_QUERY_CHARS = 200
DEPTH = 30  # how deep each retriever's ranking is fused

# Weight of each retriever in the fusion. Exact phrases and curated rules are the most
# precise evidence; BM25 on characters carries the long tail; pinyin, initials and edit
# similarity rescue typed pinyin and typos.
WEIGHTS: dict[str, float] = {
    "rule": 3.0,
    "phrase": 2.4,
    "initials": 2.0,
    "homophone": 2.0,
    "bm25": 1.4,
    "pinyin": 1.0,
    "fuzzy": 1.0,
    "semantic": 1.0,
}
RRF_K = 1.0
# For retrievers whose scores have a natural scale, a list whose best hit is weak (a keyword
# shared by many items) must not earn full weight just for being first: its hits are judged
# against at least this score.
SCORE_FLOOR: dict[str, float] = {
    "rule": 1.0,
    "phrase": 1.0,
    "homophone": 1.0,
    "initials": 1.0,
    "fuzzy": 0.9,
}
# Ranks are made score-aware: a hit at a fraction f of its retriever's best score counts as
# rank 1 + SPREAD·(1 − f) (+ POSITION per place), so a clearly weaker runner-up of a precise
# retriever is not worth nearly as much as its winner, while near-ties stay near-equal.
SPREAD = 16.0
POSITION = 2.0
# Words that ask for the whole life event rather than one of its items.
BUNDLE_CUES = re.compile(
    "一件事|一站式|一次办|一起办|一块办|一并|一次性办|一条龙|一整套|整套|全套|全流程|一次走完"
    "|一次都|一起申请|一块|顺便|顺带|同时办|申请哪些|哪些救助|哪些补贴|哪些补助|哪些政策"
    "|一次搞定|一次办完|都要办|要办哪些|办哪些|哪些手续|些啥|哪几件|几件事|各部门|联办|打包"
)
BUNDLE_BOOST = 2.0
BUNDLE_DAMPING = 0.85

_RULE_REASON = {
    RuleKind.SYNONYM.value: "匹配常用说法",
    RuleKind.SITUATION.value: "匹配办事情形",
    RuleKind.DIALECT.value: "匹配方言说法",
    RuleKind.TYPO.value: "匹配易错写法",
}
_FIELD_REASON = {
    Field.NAME.value: "匹配事项名称",
    Field.BASE.value: "匹配事项名称",
    Field.ALIAS.value: "匹配别名",
    Field.KEYWORD.value: "匹配关键词",
    Field.BUNDLE.value: "匹配一件事",
    Field.CODE.value: "匹配事项编码",
}


@dataclass(frozen=True)
class Doc:
    kind: DocKind
    code: str
    name: str


@dataclass(frozen=True)
class Result:
    kind: str
    code: str
    name: str
    score: float
    reason: str


@dataclass(frozen=True)
class Answer:
    query: str
    results: list[Result]
    clarify: Clarify | None = None
    # False when nothing specific matched: such queries are logged for catalog admins.
    confident: bool = False
    signals: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class BuildStats:
    documents: int
    phrases: int
    rules: int
    families: int
    seconds: float
    index_bytes: int


class Engine:
    """Build with a :class:`Corpus`; query with :meth:`search`."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        embedder: Embedder | None = None,
        weights: dict[str, float] | None = None,
    ) -> None:
        started = time.perf_counter()
        self.revision = corpus.revision
        self.weights = dict(WEIGHTS if weights is None else weights)
        self.rrf_k, self.spread, self.position = RRF_K, SPREAD, POSITION
        self.docs: list[Doc] = [Doc(DocKind.ITEM, i.code, i.name) for i in corpus.items]
        self.docs += [Doc(DocKind.BUNDLE, b.code, b.name) for b in corpus.bundles]
        self.index_of: dict[str, int] = {d.code: i for i, d in enumerate(self.docs)}
        self.bundles = corpus.bundles

        # Rewrites (dialect words, typos) are applied to queries and to nothing else: the
        # catalog is written in standard language already.
        rewrites = {
            text.fold(r.phrase).strip(): text.fold(r.replacement).strip()
            for r in corpus.rules
            if r.is_rewrite and r.phrase.strip()
        }
        self.rewrites = sorted(rewrites.items(), key=lambda kv: -len(kv[0]))

        compiled: list[CompiledRule] = []
        rule_words: dict[int, list[str]] = {}
        for rule in corpus.rules:
            if rule.is_rewrite:
                continue
            groups = compile_pattern(
                " ".join(
                    "|".join(text.compact(text.normalise(a)) for a in w.split("|"))
                    for w in rule.phrase.split()
                )
            )
            docs = tuple(self.index_of[c] for c in rule.codes if c in self.index_of)
            if groups and docs:
                compiled.append(CompiledRule(groups, docs, rule.kind))
                for doc in docs:
                    rule_words.setdefault(doc, []).extend(a for g in groups for a in g)
        self.rules = RuleMatcher(compiled)

        phrases: list[Phrase] = []
        for i, item in enumerate(corpus.items):
            phrases.append(
                Phrase(i, text.compact(text.normalise(item.name)), Field.NAME, item.name)
            )
            base = re.split(r"[（(]", item.name, maxsplit=1)[0]
            if base != item.name and len(base) >= 2:
                phrases.append(Phrase(i, text.compact(text.normalise(base)), Field.BASE, base))
            for alias in item.aliases:
                phrases.append(Phrase(i, text.compact(text.normalise(alias)), Field.ALIAS, alias))
            for keyword in item.keywords:
                phrases.append(
                    Phrase(i, text.compact(text.normalise(keyword)), Field.KEYWORD, keyword)
                )
        for position, entry in enumerate(self.docs):
            code = entry.code
            phrases.append(Phrase(position, text.compact(text.normalise(code)), Field.CODE, code))
        offset = len(corpus.items)
        for j, bundle in enumerate(corpus.bundles):
            label = bundle.name
            phrases.append(
                Phrase(offset + j, text.compact(text.normalise(label)), Field.BUNDLE, label)
            )
            short = label.removesuffix("一件事")
            if short != label and len(short) >= 2:
                # 退休 alone is more often one item than the whole life event: the short name
                # weighs as a keyword.
                phrases.append(
                    Phrase(offset + j, text.compact(text.normalise(short)), Field.KEYWORD, label)
                )
        self.phrases = PhraseTable(phrases)

        words = [p.text for p in phrases] + [w for ws in rule_words.values() for w in ws]
        self.cutter = text.WordCutter(words)
        phrase_syllables = [text.syllables_of(p.text, self.cutter) for p in phrases]

        # Homophones: every phrase again, spelled as its fuzzy pinyin with one private-use
        # character per syllable, so that the same dict and substring lookups find 身分证 for
        # 身份证, 户口钱出 for 户口迁出, and typed pinyin for whole names.
        self._syllable_codes: dict[str, str] = {}
        homophones = [
            Phrase(p.doc, self._spell(syllables), p.field, p.label)
            for p, syllables in zip(phrases, phrase_syllables, strict=True)
            if len(syllables) >= 2 and not _ascii(p.text)
        ]
        self.homophones = PhraseTable(homophones)

        char_docs: list[list[str]] = [[] for _ in self.docs]
        pinyin_docs: list[list[str]] = [[] for _ in self.docs]
        fuzzy_phrases: list[list[tuple[str, str, str]]] = [[] for _ in self.docs]
        initials: list[tuple[str, int, str, float]] = []
        for phrase, syllables in zip(phrases, phrase_syllables, strict=True):
            if phrase.field == Field.CODE:
                continue  # codes are matched exactly by the phrase table only
            repeat = 2 if phrase.field in (Field.NAME, Field.ALIAS, Field.BUNDLE) else 1
            tokens = text.char_tokens(phrase.text, self.cutter)
            char_docs[phrase.doc].extend(tokens * repeat)
            pinyin_docs[phrase.doc].extend(text.pinyin_tokens(syllables))
            letters = "".join(s[0] for s in syllables) + _ascii(phrase.text)
            weight = 0.8 if phrase.field == Field.KEYWORD else 1.0
            initials.append((letters, phrase.doc, phrase.label, weight))
            if phrase.field != Field.KEYWORD:
                fuzzy_phrases[phrase.doc].append(
                    (phrase.text, "".join(map(text.fuzzy_syllable, syllables)), phrase.label)
                )
        for doc, ws in rule_words.items():
            for w in ws:
                char_docs[doc].extend(text.char_tokens(w, self.cutter))
                syllables = text.syllables_of(w, self.cutter)
                pinyin_docs[doc].extend(text.pinyin_tokens(syllables))
                if len(w) >= 2:
                    initials.append(("".join(s[0] for s in syllables), doc, w, 0.8))
        for i, item in enumerate(corpus.items):
            extra = f"{item.description} {item.department}"
            char_docs[i].extend(text.char_tokens(text.normalise(extra), self.cutter))
        for j, bundle in enumerate(corpus.bundles):
            char_docs[offset + j].extend(
                text.char_tokens(text.normalise(bundle.description), self.cutter)
            )
        self.char_index = Bm25Index(char_docs)
        self.pinyin_index = Bm25Index(pinyin_docs)
        self.initials = InitialsIndex(initials)
        self.fuzzy_phrases = fuzzy_phrases

        self.semantic: SemanticIndex | None = None
        if embedder is not None:
            texts = [f"{i.name}；{'；'.join(i.aliases)}；{i.description}" for i in corpus.items] + [
                f"{b.name}；{b.description}" for b in corpus.bundles
            ]
            self.semantic = SemanticIndex(embedder, texts)

        families = merge_families(corpus.families, derive_families(corpus.items))
        self.families = FamilyIndex(
            [
                type(f)(f.key, f.question, f.options, tuple(_key(t) for t in f.triggers))
                for f in families
            ],
            {i.code for i in corpus.items} | {b.code for b in corpus.bundles},
        )
        self.stats = BuildStats(
            documents=len(self.docs),
            phrases=len(phrases),
            rules=len(compiled),
            families=len(self.families.families),
            seconds=time.perf_counter() - started,
            index_bytes=self.char_index.nbytes
            + self.pinyin_index.nbytes
            + (self.semantic.nbytes if self.semantic else 0),
        )

    def _spell(self, syllables: Sequence[str], *, learn: bool = True) -> str:
        """Syllables as private-use characters, one per fuzzy syllable."""
        out: list[str] = []
        for syllable in syllables:
            fuzzy = text.fuzzy_syllable(syllable)
            code = self._syllable_codes.get(fuzzy)
            if code is None:
                if not learn:
                    code = _UNKNOWN_SYLLABLE
                else:
                    code = chr(0xE000 + len(self._syllable_codes))
                    self._syllable_codes[fuzzy] = code
            out.append(code)
        return "".join(out)

    # --- querying -----------------------------------------------------------------------

    def normalise(self, query: str) -> str:
        return text.normalise(query[:MAX_QUERY_CHARS], self.rewrites)

    def search(self, query: str, limit: int = 5) -> Answer:
        """Ranked items and bundles for a citizen's words, with a clarifying question when
        the words name a family of sub-matters without choosing one."""
        norm = self.normalise(query)
        compact = text.compact(norm)
        if not compact:
            return Answer(query=query, results=[])
        lists = self._retrieve(norm, compact)
        fused = self._fuse(lists, compact)
        order = sorted(fused, key=lambda d: (-fused[d], d))
        best_score = sum(sorted(self.weights.values(), reverse=True)[:4]) / (self.rrf_k + 1)
        results = [
            Result(
                kind=self.docs[d].kind.value,
                code=self.docs[d].code,
                name=self.docs[d].name,
                score=round(min(fused[d] / best_score, 1.0), 4),
                reason=self._reason(d, lists),
            )
            for d in order[: max(limit, 3)]
        ]
        decisive = self._decisive(order, lists)
        clarify = self.families.question_for(
            _key(compact), [(r.code, r.score) for r in results], decisive=decisive
        )
        confident = bool(order) and self._confident(order[0], lists)
        return Answer(
            query=query,
            results=results[:limit],
            clarify=clarify,
            confident=confident,
            signals={
                name: [self.docs[h.doc].code for h in hits[:3]] for name, hits in lists.items()
            },
        )

    def _retrieve(self, norm: str, compact: str) -> dict[str, list[Hit]]:
        lists: dict[str, list[Hit]] = {
            "rule": ranked(self.rules.hits(compact)),
            "phrase": ranked(self.phrases.hits(compact)),
        }
        cjk = text.has_cjk(compact)
        lists["bm25"] = self.char_index.top(text.char_tokens(norm, self.cutter), DEPTH)
        syllables: list[str] = []
        if cjk:
            syllables = text.syllables_of(norm, self.cutter)
        else:
            for word in text.ascii_words(norm):
                split = text.split_pinyin(word) if word.isalpha() else None
                if split is None:
                    syllables = []
                    break
                syllables.extend(split)
            letters = "".join(text.ascii_words(norm))
            if letters.isalpha():
                lists["initials"] = ranked(self.initials.hits(letters))
        if syllables:
            lists["pinyin"] = self.pinyin_index.top(text.pinyin_tokens(syllables), DEPTH)
            # Only real homophones: a phrase written exactly as in the query is the phrase
            # table's evidence already and must not count twice.
            lists["homophone"] = ranked(
                h
                for h in self.homophones.hits(self._spell(syllables, learn=False))
                if text.compact(text.normalise(h.label)) not in compact
            )
        if len(compact) <= 14:
            candidates = {h.doc for hits in lists.values() for h in hits[:15]}
            query_pinyin = "".join(map(text.fuzzy_syllable, syllables))
            lists["fuzzy"] = ranked(
                fuzzy_matches(compact, query_pinyin, candidates, self.fuzzy_phrases)
            )
        if self.semantic is not None:
            lists["semantic"] = [Hit(d, s) for d, s in self.semantic.top(norm, DEPTH)]
        return {name: hits[:DEPTH] for name, hits in lists.items() if hits}

    def _fuse(self, lists: dict[str, list[Hit]], compact: str) -> dict[int, float]:
        fused: dict[int, float] = {}
        for name, hits in lists.items():
            weight = self.weights.get(name, 0.0)
            top = max(hits[0].score, SCORE_FLOOR.get(name, 0.0))
            place = 0
            previous: float | None = None
            for position, hit in enumerate(hits, start=1):
                # Equal scores share a place, so ties do not depend on document order.
                if hit.score != previous:
                    place, previous = position, hit.score
                rank = 1.0 + self.spread * (1.0 - hit.score / top) + self.position * (place - 1)
                fused[hit.doc] = fused.get(hit.doc, 0.0) + weight / (self.rrf_k + rank)
        factor = BUNDLE_BOOST if BUNDLE_CUES.search(compact) else BUNDLE_DAMPING
        for doc in fused:
            if self.docs[doc].kind == DocKind.BUNDLE:
                fused[doc] *= factor
        return fused

    def _reason(self, doc: int, lists: dict[str, list[Hit]]) -> str:
        # A name or alias that is (nearly) the whole question says it best; then a rule.
        whole = next((h for h in lists.get("phrase", ()) if h.doc == doc and h.score >= 1.5), None)
        if whole is not None:
            return f"{_FIELD_REASON.get(whole.source, '匹配名称')}：{whole.label}"
        for name in (
            "rule",
            "phrase",
            "initials",
            "homophone",
            "fuzzy",
            "pinyin",
            "bm25",
            "semantic",
        ):
            hit = next((h for h in lists.get(name, ()) if h.doc == doc), None)
            if hit is None:
                continue
            if name == "rule":
                return f"{_RULE_REASON.get(hit.source, '匹配常用说法')}：{hit.label}"
            if name == "phrase":
                return f"{_FIELD_REASON.get(hit.source, '匹配名称')}：{hit.label}"
            if name == "initials":
                return f"匹配拼音首字母：{hit.label}"
            if name == "homophone":
                return f"读音相同：{hit.label}"
            if name == "fuzzy":
                return f"相近写法：{hit.label}"
            if name == "pinyin":
                return f"拼音相近：{self.docs[doc].name}"
            if name == "semantic":
                return "语义相近"
            return "内容相关"
        return "内容相关"

    def _decisive(self, order: Sequence[int], lists: dict[str, list[Hit]]) -> bool:
        """The best result was named specifically (a rule or a whole name/alias), so asking
        which sub-matter is meant would only slow the citizen down."""
        if not order:
            return False
        top = order[0]
        for name in ("rule", "phrase", "initials"):
            hits = lists.get(name, [])
            unique_best = bool(hits) and (len(hits) == 1 or hits[0].score > hits[1].score)
            if unique_best and hits[0].doc == top and hits[0].source != Field.KEYWORD.value:
                return True
        return False

    def _confident(self, top: int, lists: dict[str, list[Hit]]) -> bool:
        """Something specific points at the best result: a rule, a phrase covering a good
        share of the query, initials, or a close spelling. BM25 or pinyin alone is a guess."""
        for name, threshold in (("rule", 0.0), ("phrase", 1.0), ("initials", 1.0), ("fuzzy", 0.8)):
            hits = lists.get(name, [])
            if hits and hits[0].doc == top and hits[0].score >= threshold:
                return True
        return False


_UNKNOWN_SYLLABLE = "\U000f0000"


def _ascii(compact: str) -> str:
    return "".join(text.ascii_words(compact))


def _key(query: str) -> str:
    return text.compact(text.normalise(query))
