"""The guidance engine: one immutable index over items, bundles and the lexicon.

A query goes through every retriever of :mod:`~onewindow.guidance.engine.indexes`; their
rankings are fused by weighted reciprocal rank (RRF), so that no retriever's raw score scale
dominates and a document found by several kinds of evidence rises. Fusion is evidence-aware:
what the question literally says (a curated rule, a name, alias or keyword) outranks what it
only sounds like (pinyin, initials), question words (怎么办理, 要带什么) do not dilute the
matter, and context words (派出所, 学校) act as a soft prior for the department or topic they
point at. The reason shown for a result is the most specific evidence behind it.

An engine is built once and then only read, so one instance serves every thread of a
process; a changed lexicon or catalog builds a new engine that replaces the old one whole.
"""

from __future__ import annotations

import heapq
import re
import time
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from onewindow.guidance.engine import actions, text
from onewindow.guidance.engine.clarify import Clarify, FamilyIndex, derive_families, merge_families
from onewindow.guidance.engine.corpus import Corpus, DocKind, RuleKind
from onewindow.guidance.engine.indexes import (
    FIELDS,
    Bm25Index,
    CompiledRule,
    ExampleIndex,
    Field,
    Hit,
    InitialsIndex,
    PhraseStore,
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
    "example": 1.5,
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
    "example": 0.6,
}
# Ranks are made score-aware: a hit at a fraction f of its retriever's best score counts as
# rank 1 + SPREAD·(1 − f) (+ POSITION per place), so a clearly weaker runner-up of a precise
# retriever is not worth nearly as much as its winner, while near-ties stay near-equal.
SPREAD = 16.0
POSITION = 2.0
# Words that ask for the whole life event rather than one of its items.
BUNDLE_CUES = re.compile(
    "(?<!第)一件事|一站式|一网通办|一网办|一次办|一次申请|一次性申请|一次提交|一次申报|一起[办申注过弄搞处领交]|一块[办申注过弄搞处领交]|一并|一次性办|一条龙"
    "|一整套|整套|全套|全流程|一次走完|一次都|一块|顺便|顺带|同时[办申注过]|申请哪些|哪些救助|哪些补贴|哪些补助|哪些政策"
    "|一次搞定|一次办完|都要办|要办哪些|办哪些|哪些手续|些啥|哪几件|几件事|各部门|联办|打包"
    "|各个部门|哪些部门|几个部门|好几个部门|好几个地方|跑哪些|跑几个|一次弄|一次跑|一趟办|跑一趟"
    "|合并办|能合并|合起来办|一堆事|一堆手续|所有手续|全部手续|各种手续|一揽子|一口气办"
    "|都要注销|都得注销|都注销|都要销|都销掉|都要关|都要转|都要过户|都要改"
    "|都[想要得](?:办|弄|申请|处理)|一[起块](?:吗|呢|$)"
    "|一个窗口|一窗|同一个窗口|一个地方办|一个地方搞|一处办|一口办|统一办|集中办"
    "|各种救助|各类救助|各种补贴|各类补贴|各项补贴|所有补贴|能领的补贴|能申请的补贴|哪些待遇"
    "|从[^，。,；;]{1,12}到[^，。,；;]{1,12}到"
)
BUNDLE_BOOST = 2.0
BUNDLE_DAMPING = 0.85
# A question that asks for the life event and names several of its items (注销 … 税务、社保、
# 公积金 一起) raises the bundle by this share for every named item after the first.
MEMBER_BOOST = 0.5
# A question that names three or more matters of one bundle in separate parts of its words
# (上户口 … 办医保 … 领补贴) asks for the life event even without a cue word. Two matters are
# left neutral (neither raised nor damped): 孩子上学要开无房证明 is one matter with context.
# A phrase counts as naming a matter from MEMBER_PHRASE.
MULTI_INTENT_BOOST = 2.0
MULTI_INTENT_MATTERS = 3
TWO_MATTERS = 1.0
MEMBER_PHRASE = 0.5
# A matter counts as separate when its evidence covers at least this many characters that
# the evidence for the matters counted before it does not.
SEPARATE_CHARS = 2
# Share of its best named matter a bundle starts from when only its matters were found.
BUNDLE_SEED = 0.5

# Sibling items among the best this many whose action (新办, 变更, 延续, 补办, 注销) the
# question names are raised by this share, and their siblings of another action damped.
ACTION_DEPTH = 12
ACTION_BOOST = 0.5
ACTION_DAMPING = 0.4

# Words whose sense depends on the words beside them. 牌照 / 牌子 / 执照 name a vehicle plate
# only beside a vehicle word (车, 摩托, 上牌); after a business word (KTV牌照, 网吧牌照,
# 食肆牌照) they name that business's licence, so vehicle items are damped.
SENSES: tuple[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile("牌照|牌子|执照"),
        re.compile("车|摩托|上牌|号牌|挂牌|临牌|行驶|驾"),
        re.compile("机动车|号牌|车辆|行驶|驾驶"),
    ),
)
SENSE_DAMPING = 0.3

# Evidence. What the question literally says — a curated rule, a name, alias or keyword
# (Latin ones such as KTV or UKey included) — outranks what it merely sounds like. When some
# literal evidence is strong, the sound-alike retrievers (pinyin BM25, initials) of a question
# written in characters or in Latin words that are not pinyin count only this share, and a
# document that nothing but them found keeps ``WEAK_ONLY`` of its score (and is never a
# confident answer). Questions typed in pinyin keep them at full weight.
LITERAL = ("rule", "phrase")
SOUND_ALIKE = ("pinyin", "initials")
STRONG_LITERAL = 1.0
SOUND_ALIKE_DAMPING = 0.4
WEAK_ONLY = 0.5
# Initials read as a thing and an action word (gthzc = 个体户 + 注册) score this share below
# an exact match of the whole initials (2.0).
SPLIT_INITIALS = 1.6
# A document whose example-question score (its closest example's cosine plus half its second's)
# reaches this is a confident answer…
CONFIDENT_EXAMPLE = 0.8
# …and its retriever's weight counts this many times.
SAME_QUESTION = 2.0
# An example whose own cosine reaches this is the same question: it also counts as a rule that
# covers the whole question (curated rules score up to about 1.9).
SAME_QUESTION_SIMILARITY = 0.99
SAME_QUESTION_RULE = 2.0
# Context words (派出所, 学校, 车管所, 税务局 …) raise the items of the department or topic they
# point at by this share, among the documents other evidence found.
CUE_BOOST = 0.3
# Words of department names that say nothing about the department.
ORG_WORDS = frozenset(
    (
        *("国家", "总局", "管理", "服务", "中心", "支队", "大队", "事务"),
        *("事业", "委员", "委员会", "联合", "联合会", "有限", "有限公司", "公司", "集团"),
        *("合作", "办公", "办公室", "人民", "政府", "部门"),
    )
)

_RULE_REASON = {
    RuleKind.SYNONYM.value: "匹配常用说法",
    RuleKind.SITUATION.value: "匹配办事情形",
    RuleKind.DIALECT.value: "匹配方言说法",
    RuleKind.TYPO.value: "匹配易错写法",
    RuleKind.EXAMPLE.value: "相似问法",
}
_FIELD_REASON = {
    Field.NAME.value: "匹配事项名称",
    Field.BASE.value: "匹配事项名称",
    Field.ALIAS.value: "匹配别名",
    Field.KEYWORD.value: "匹配关键词",
    Field.BUNDLE.value: "匹配一件事",
    Field.CODE.value: "匹配事项编码",
    Field.LATIN.value: "匹配字母词",
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
        # Sibling items (…新办 / 变更 / 注销): what each name says is done, and the thing.
        self.action_of = [actions.name_actions(d.name) for d in self.docs]
        self.family_of = [
            actions.family_key(d.name) if a else ""
            for d, a in zip(self.docs, self.action_of, strict=True)
        ]
        self.members: dict[int, tuple[int, ...]] = {
            len(corpus.items) + j: tuple(
                self.index_of[c] for c in b.item_codes if c in self.index_of
            )
            for j, b in enumerate(corpus.bundles)
        }

        # Rewrites (dialect words, typos) are applied to queries and to nothing else: the
        # catalog is written in standard language already.
        rewrites = {
            text.fold(r.phrase).strip(): text.fold(r.replacement).strip()
            for r in corpus.rules
            if r.is_rewrite and r.phrase.strip()
        }
        self.rewrites = sorted(rewrites.items(), key=lambda kv: -len(kv[0]))

        keys: dict[str, str] = {}

        def key(raw: str) -> str:
            found = keys.get(raw)
            if found is None:
                found = keys[raw] = text.compact(text.normalise(raw))
            return found

        compiled: list[CompiledRule] = []
        rule_words: dict[int, list[str]] = {}
        rule_names: dict[int, list[str]] = {}
        examples: list[tuple[list[str], tuple[int, ...], str]] = []
        for rule in corpus.rules:
            if rule.is_rewrite:
                continue
            if rule.kind == RuleKind.EXAMPLE:
                targets = tuple(self.index_of[c] for c in rule.codes if c in self.index_of)
                if targets:
                    examples.append(([], targets, rule.phrase))
                continue
            groups = compile_pattern(
                " ".join("|".join(key(a) for a in w.split("|")) for w in rule.phrase.split())
            )
            docs = tuple(self.index_of[c] for c in rule.codes if c in self.index_of)
            if groups and docs:
                compiled.append(CompiledRule(groups, docs, rule.kind))
                for doc in docs:
                    rule_words.setdefault(doc, []).extend(a for g in groups for a in g)
                    if len(groups) == 1:
                        # A one-word pattern names the document (良民证), so its initials
                        # do too; words of longer patterns only describe situations.
                        rule_names.setdefault(doc, []).extend(groups[0])
        self.rules = RuleMatcher(compiled)

        store = PhraseStore()

        def add(doc: int, raw: str, field: Field, label: str) -> None:
            compact = key(raw)
            store.add(doc, compact, field, label)
            for word in dict.fromkeys(text.ascii_words(compact)):
                if len(word) >= 2 and not word.isdigit() and word != compact:
                    store.add(doc, word, Field.LATIN, label)

        for i, item in enumerate(corpus.items):
            add(i, item.name, Field.NAME, item.name)
            base = re.split(r"[（(]", item.name, maxsplit=1)[0]
            if base != item.name and len(base) >= 2:
                add(i, base, Field.BASE, base)
            for alias in item.aliases:
                add(i, alias, Field.ALIAS, alias)
            for keyword in item.keywords:
                add(i, keyword, Field.KEYWORD, keyword)
        for position, entry in enumerate(self.docs):
            store.add(position, key(entry.code), Field.CODE, entry.code)
        offset = len(corpus.items)
        for j, bundle in enumerate(corpus.bundles):
            add(offset + j, bundle.name, Field.BUNDLE, bundle.name)
            short = bundle.name.removesuffix("一件事")
            if short != bundle.name and len(short) >= 2:
                # 退休 alone is more often one item than the whole life event: the short name
                # weighs as a keyword.
                add(offset + j, short, Field.KEYWORD, bundle.name)
        self.store = store
        self.phrases = PhraseTable(store, store.texts.items)

        words = [*store.texts.items, *(w for ws in rule_words.values() for w in ws)]
        self.cutter = text.WordCutter(words)
        del words
        # Example questions are compared with the query as it is searched: rewritten, without
        # its question words, cut by the same dictionary.
        self.examples = ExampleIndex(
            [
                (self._matter_tokens(self.normalise(label)), targets, label)
                for _, targets, label in examples
            ]
        )
        del examples

        # Everything derived from a phrase's text is computed once per distinct text: its
        # syllables, their homophone spelling, fuzzy pinyin, initials and index tokens.
        # Codes and the Latin words of phrases are matched exactly by the phrase table only.
        codes_only = bytearray(b"\x01") * len(store.texts)
        for row in range(len(store)):
            if store.fields[row] not in _EXACT_ONLY:
                codes_only[store.text_of[row]] = 0
        char_vocabulary: dict[str, int] = {}
        pinyin_vocabulary: dict[str, int] = {}
        self._syllable_codes: dict[str, str] = {}
        spelled: list[str] = []
        self.pinyin_of_text: list[str] = []
        initials_of_text: list[str] = []
        char_of_text: list[array[int]] = []
        pinyin_tokens_of_text: list[array[int]] = []
        for text_id, phrase in enumerate(store.texts.items):
            if codes_only[text_id]:
                spelled.append("")
                self.pinyin_of_text.append("")
                initials_of_text.append("")
                char_of_text.append(array("i"))
                pinyin_tokens_of_text.append(array("i"))
                continue
            syllables = text.syllables_of(phrase, self.cutter)
            latin = _ascii(phrase)
            # Homophones: every phrase again, spelled as its fuzzy pinyin with one private-use
            # character per syllable, so that the same dict and substring lookups find 身分证
            # for 身份证, 户口钱出 for 户口迁出, and typed pinyin for whole names.
            spelled.append(self._spell(syllables) if len(syllables) >= 2 and not latin else "")
            self.pinyin_of_text.append("".join(map(text.fuzzy_syllable, syllables)))
            initials_of_text.append("".join(s[0] for s in syllables) + latin)
            char_of_text.append(_ids(text.char_tokens(phrase, self.cutter), char_vocabulary))
            pinyin_tokens_of_text.append(_ids(text.pinyin_tokens(syllables), pinyin_vocabulary))
        self.homophones = PhraseTable(store, spelled)
        del spelled

        char_docs: list[array[int]] = [array("i") for _ in self.docs]
        pinyin_docs: list[array[int]] = [array("i") for _ in self.docs]
        initials: list[tuple[str, int, str, float]] = []
        for row in range(len(store)):
            if store.fields[row] in _EXACT_ONLY:
                continue
            field = store.field(row)
            doc, text_id = store.docs[row], store.text_of[row]
            tokens = char_of_text[text_id]
            char_docs[doc].extend(tokens)
            if field in (Field.NAME, Field.ALIAS, Field.BUNDLE):
                char_docs[doc].extend(tokens)
            pinyin_docs[doc].extend(pinyin_tokens_of_text[text_id])
            weight = 0.8 if field == Field.KEYWORD else 1.0
            initials.append((initials_of_text[text_id], doc, store.label(row), weight))
        del char_of_text, pinyin_tokens_of_text, initials_of_text
        word_tokens: dict[str, tuple[array[int], array[int]]] = {}
        for doc, ws in rule_words.items():
            for w in ws:
                found = word_tokens.get(w)
                if found is None:
                    syllables = text.syllables_of(w, self.cutter)
                    found = word_tokens[w] = (
                        _ids(text.char_tokens(w, self.cutter), char_vocabulary),
                        _ids(text.pinyin_tokens(syllables), pinyin_vocabulary),
                    )
                char_docs[doc].extend(found[0])
                pinyin_docs[doc].extend(found[1])
        del word_tokens
        for doc, ws in rule_names.items():
            for w in dict.fromkeys(ws):
                if len(w) >= 2:
                    syllables = text.syllables_of(w, self.cutter)
                    letters = "".join(s[0] for s in syllables) + _ascii(w)
                    initials.append((letters, doc, w, 0.8))
        for i, item in enumerate(corpus.items):
            extra = text.normalise(f"{item.description} {item.department}")
            char_docs[i].extend(_ids(text.char_tokens(extra, self.cutter), char_vocabulary))
        for j, bundle in enumerate(corpus.bundles):
            extra = text.normalise(bundle.description)
            char_docs[offset + j].extend(
                _ids(text.char_tokens(extra, self.cutter), char_vocabulary)
            )
        self.char_index = Bm25Index(char_docs, char_vocabulary)
        self.pinyin_index = Bm25Index(pinyin_docs, pinyin_vocabulary)
        del char_docs, pinyin_docs, char_vocabulary, pinyin_vocabulary
        self.initials = InitialsIndex(initials)
        del initials
        self.fuzzy_rows = store.by_doc(
            len(self.docs), lambda row: store.fields[row] not in (_KEYWORD, *_EXACT_ONLY)
        )

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
        self.cues = self._build_cues(corpus)
        self.stats = BuildStats(
            documents=len(self.docs),
            phrases=len(store),
            rules=len(compiled),
            families=len(self.families.families),
            seconds=time.perf_counter() - started,
            index_bytes=self.char_index.nbytes
            + self.pinyin_index.nbytes
            + self.phrases.nbytes
            + self.homophones.nbytes
            + self.examples.nbytes
            + (self.semantic.nbytes if self.semantic else 0),
        )

    def _build_cues(self, corpus: Corpus) -> CueIndex:
        """Cue words → documents: each department name's own words (公安局, 税务局, 不动产登记)
        point at the items of the departments whose names contain them, and curated cues
        point at the items whose department name or own texts contain their topic."""
        departments = sorted({i.department for i in corpus.items if i.department})
        words_of = {d: set(self.cutter.words(_key(d))) | {_key(d)} for d in departments}
        df: dict[str, int] = {}
        for words in words_of.values():
            for word in words:
                df[word] = df.get(word, 0) + 1
        common = max(2, len(departments) // 3)
        names = [(_key(i.department), _key(i.name)) for i in corpus.items]
        entries: dict[str, set[int]] = {}
        for word in sorted({w for words in words_of.values() for w in words}):
            if len(word) < 2 or df[word] > common or word in ORG_WORDS:
                continue
            docs = {i for i, (dept, _) in enumerate(names) if word in dept}
            # A word many other departments' items are named with (登记, 证明) says nothing
            # about the department.
            elsewhere = sum(1 for dept, name in names if word in name and word not in dept)
            if docs and elsewhere <= 3:
                entries.setdefault(word, set()).update(docs)
        texts = [
            (
                _key(item.department),
                "\x00".join(_key(t) for t in (item.name, *item.aliases, *item.keywords)),
            )
            for item in corpus.items
        ]
        offset = len(corpus.items)
        for cue in corpus.cues:
            topic = _key(cue.topic)
            if not topic:
                continue
            docs = {i for i, (dept, own) in enumerate(texts) if topic in dept or topic in own}
            docs |= {offset + j for j, b in enumerate(corpus.bundles) if topic in _key(b.name)}
            if docs:
                for word in filter(None, map(_key, cue.words)):
                    entries.setdefault(word, set()).update(docs)
        return CueIndex(entries)

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

    def _matter_tokens(self, norm: str) -> list[str]:
        return text.char_tokens(text.without_frame(norm), self.cutter)

    def search(self, query: str, limit: int = 5) -> Answer:
        """Ranked items and bundles for a citizen's words, with a clarifying question when
        the words name a family of sub-matters without choosing one."""
        norm = self.normalise(query)
        compact = text.compact(norm)
        if not compact:
            return Answer(query=query, results=[])
        lists, typed_pinyin, hinted = self._retrieve(norm, compact)
        fused, weak = self._fuse(lists, compact, typed_pinyin=typed_pinyin, hinted=hinted)
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
        confident = bool(order) and order[0] not in weak and self._confident(order[0], lists)
        return Answer(
            query=query,
            results=results[:limit],
            clarify=clarify,
            confident=confident,
            signals={
                name: [self.docs[h.doc].code for h in hits[:3]]
                for name, hits in lists.items()
                if name != "cue"
            },
        )

    def _retrieve(
        self, norm: str, compact: str
    ) -> tuple[dict[str, list[Hit]], bool, frozenset[str]]:
        """Every retriever's ranking, whether the question was typed in pinyin, and the
        actions its pinyin initials name (gthzc → first)."""
        content = text.content_length(compact)
        lists: dict[str, list[Hit]] = {
            "rule": ranked(self.rules.hits(compact, content)),
            "phrase": ranked(self.phrases.hits(compact, content)),
        }
        # The matter of the question, without 怎么办理 or 要带什么, for the retrievers that
        # score every shared token.
        cjk = text.has_cjk(compact)
        tokens = self._matter_tokens(norm)
        lists["bm25"] = self.char_index.top(tokens, DEPTH)
        if cjk and len(self.examples) and not _spells_pinyin(compact):
            # Example questions are written in characters: beside pinyin (营业执照zhuxiao)
            # they would only hear the half of the question they can read.
            lists["example"], closest = self.examples.search(tokens, DEPTH)
            same = [h for h in lists["example"] if closest[h.doc] >= SAME_QUESTION_SIMILARITY]
            if same:
                # The question was asked before in (nearly) these words and an admin or the
                # curated file said where it leads: that is a rule covering the whole question.
                lists["rule"] = ranked(
                    [
                        *lists["rule"],
                        *(
                            Hit(h.doc, SAME_QUESTION_RULE, h.label, RuleKind.EXAMPLE.value)
                            for h in same
                        ),
                    ]
                )
        matter = text.without_frame(norm)
        syllables: list[str] = []
        typed_pinyin = False
        hinted: frozenset[str] = frozenset()
        if cjk:
            syllables = text.mixed_syllables(matter, self.cutter)
        else:
            for word in text.ascii_words(norm):
                split = text.split_pinyin(word, loose=True) if word.isalpha() else None
                if split is None:
                    syllables = []
                    break
                syllables.extend(split)
            letters = "".join(text.ascii_words(norm))
            typed_pinyin = bool(syllables)
            if letters.isalpha():
                found = self.initials.hits(letters)
                if not any(h.score >= 2.0 for h in found):
                    # gthzc: the initials of a thing (个体户) and of what is done (注册).
                    for head, named in actions.initials_splits(letters):
                        thing = self.initials.exact(head, SPLIT_INITIALS)
                        found += thing
                        if thing:
                            hinted |= named
                lists["initials"] = ranked(found)
        if syllables:
            lists["pinyin"] = self.pinyin_index.top(text.pinyin_tokens(syllables), DEPTH)
            # Only real homophones: a phrase written exactly as in the query is the phrase
            # table's evidence already and must not count twice.
            lists["homophone"] = ranked(
                self.homophones.hits(self._spell(syllables, learn=False), unless_in=compact)
            )
        if len(compact) <= 14:
            candidates = {h.doc for hits in lists.values() for h in hits[:15]}
            query_pinyin = "".join(map(text.fuzzy_syllable, syllables))
            lists["fuzzy"] = ranked(
                fuzzy_matches(
                    compact,
                    query_pinyin,
                    candidates,
                    self.store,
                    self.fuzzy_rows,
                    self.pinyin_of_text,
                )
            )
        if self.semantic is not None and cjk:
            # Letters typed as pinyin or initials mean nothing to the embedding model: its
            # neighbours of "lsfz" are noise that would outvote the initials index.
            lists["semantic"] = [Hit(d, s) for d, s in self.semantic.top(norm, DEPTH)]
        lists = {name: hits[:DEPTH] for name, hits in lists.items() if hits}
        if not typed_pinyin:
            cued = self.cues.docs(compact)
            if cued:
                lists["cue"] = [Hit(d, 1.0, "", "cue") for d in sorted(cued)]
        return lists, typed_pinyin, hinted

    def _fuse(
        self,
        lists: dict[str, list[Hit]],
        compact: str,
        *,
        typed_pinyin: bool = False,
        hinted: frozenset[str] = frozenset(),
    ) -> tuple[dict[int, float], set[int]]:
        """Fused scores, and the documents only sound-alike retrievers found."""
        weights = dict(self.weights)
        literal = max((lists[name][0].score for name in LITERAL if name in lists), default=0.0)
        damped = not typed_pinyin and literal >= STRONG_LITERAL
        if damped:
            for name in SOUND_ALIKE:
                weights[name] = weights.get(name, 0.0) * SOUND_ALIKE_DAMPING
        fused: dict[int, float] = {}
        for name, hits in lists.items():
            if name == "cue":
                continue
            weight = weights.get(name, 0.0)
            if name == "example" and hits[0].score >= CONFIDENT_EXAMPLE:
                # Much the same question was asked before: as precise as a curated rule.
                weight *= SAME_QUESTION
            top = max(hits[0].score, SCORE_FLOOR.get(name, 0.0))
            place = 0
            previous: float | None = None
            for position, hit in enumerate(hits, start=1):
                # Equal scores share a place, so ties do not depend on document order.
                if hit.score != previous:
                    place, previous = position, hit.score
                rank = 1.0 + self.spread * (1.0 - hit.score / top) + self.position * (place - 1)
                fused[hit.doc] = fused.get(hit.doc, 0.0) + weight / (self.rrf_k + rank)
        weak: set[int] = set()
        if not typed_pinyin:
            found = {h.doc for name, hits in lists.items() if name not in SOUND_ALIKE for h in hits}
            weak = {doc for doc in fused if doc not in found}
            for doc in weak:
                fused[doc] *= WEAK_ONLY
        for hit in lists.get("cue", ()):
            if hit.doc in fused:
                fused[hit.doc] *= 1.0 + CUE_BOOST
        self._prefer_action(fused, actions.query_actions(compact) | hinted)
        self._read_senses(fused, compact)
        whole_event = BUNDLE_CUES.search(compact) is not None
        spans = self._member_spans(lists)
        self._seed_bundles(fused, spans)
        for doc in fused:
            if self.docs[doc].kind != DocKind.BUNDLE:
                continue
            # How many of the bundle's matters the question names in separate words.
            matters = _separate_matters([spans[m] for m in self.members[doc] if m in spans])
            named = max(matters, sum(m in spans for m in self.members[doc]))
            # A cue word raises a bundle only if something names it or one of its matters
            # (各部门一起验收 is not 企业注销一件事 just because both ask for several offices).
            if whole_event and (named or doc in spans):
                fused[doc] *= BUNDLE_BOOST * (1.0 + MEMBER_BOOST * max(named - 1, 0))
            elif matters >= MULTI_INTENT_MATTERS:
                fused[doc] *= MULTI_INTENT_BOOST * (1.0 + MEMBER_BOOST * (matters - 3))
            elif matters == 2:
                fused[doc] *= TWO_MATTERS
            else:
                fused[doc] *= BUNDLE_DAMPING
        return fused, weak

    def _seed_bundles(self, fused: dict[int, float], spans: dict[int, int]) -> None:
        """A bundle two or more of whose matters the question names separately competes even
        when no retriever found its own words (核名 … 发票 … 社保开户 → 企业开办一件事); it
        starts at a share of its best named matter and the bundle rules below decide."""
        for doc, members in self.members.items():
            named = [m for m in members if m in spans and m in fused]
            if len(named) < 2:
                continue
            if _separate_matters([spans[m] for m in named]) >= 2:
                seed = BUNDLE_SEED * max(fused[m] for m in named)
                fused[doc] = max(fused.get(doc, 0.0), seed)

    def _prefer_action(self, fused: dict[int, float], wanted: frozenset[str]) -> None:
        """Among sibling items the evidence found (食品经营许可 新办 / 变更 / 注销), raise
        those whose action the question names (不做了 → 注销, 换人了 → 变更)."""
        if not wanted:
            return
        best = heapq.nlargest(ACTION_DEPTH, fused, key=fused.__getitem__)
        top = [d for d in best if self.family_of[d]]
        factors: dict[int, float] = {}
        for doc in top:
            siblings = [
                d for d in top if actions.related_families(self.family_of[doc], self.family_of[d])
            ]
            matching = [d for d in siblings if self.action_of[d] & wanted]
            if matching and len(matching) < len(siblings):
                factors[doc] = 1.0 + ACTION_BOOST if doc in matching else ACTION_DAMPING
        for doc, factor in factors.items():
            fused[doc] *= factor

    def _read_senses(self, fused: dict[int, float], compact: str) -> None:
        """Damp the items of a word's other sense when the question lacks that sense's
        context (KTV牌照 is a licence, not a number plate)."""
        for word, context, names in SENSES:
            if word.search(compact) and not context.search(compact):
                for doc in fused:
                    if names.search(self.docs[doc].name):
                        fused[doc] *= SENSE_DAMPING

    @staticmethod
    def _member_spans(lists: dict[str, list[Hit]]) -> dict[int, int]:
        """For every document a rule or a (fairly specific) phrase found, the query
        characters that evidence rests on."""
        spans: dict[int, int] = {}
        for name in LITERAL:
            for hit in lists.get(name, ()):
                if hit.span and (name == "rule" or hit.score >= MEMBER_PHRASE):
                    spans[hit.doc] = spans.get(hit.doc, 0) | hit.span
        return spans

    def _reason(self, doc: int, lists: dict[str, list[Hit]]) -> str:
        # A name or alias that is (nearly) the whole question says it best; then a rule.
        whole = next((h for h in lists.get("phrase", ()) if h.doc == doc and h.score >= 1.5), None)
        if whole is not None:
            return f"{_FIELD_REASON.get(whole.source, '匹配名称')}：{whole.label}"
        # Characters the question shares with the item (BM25) say more than their sound.
        for name in (
            "rule",
            "phrase",
            "initials",
            "homophone",
            "fuzzy",
            "example",
            "bm25",
            "pinyin",
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
            if name == "example":
                return f"相似问法：{hit.label}"
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
        share of the query, initials, a close spelling, or an example question that says much
        the same. BM25 or pinyin alone is a guess."""
        for name, threshold in (
            ("rule", 0.0),
            ("phrase", 1.0),
            ("initials", 1.0),
            ("fuzzy", 0.8),
            ("example", CONFIDENT_EXAMPLE),
        ):
            hits = lists.get(name, [])
            if hits and hits[0].doc == top and hits[0].score >= threshold:
                return True
        return False


class CueIndex:
    """Cue words and the documents they point at, found in a query by their first
    character (a dict lookup per query character)."""

    def __init__(self, entries: dict[str, set[int]]) -> None:
        self._words = sorted(entries)
        self._docs = [frozenset(entries[w]) for w in self._words]
        self._by_char: dict[str, list[int]] = {}
        for i, word in enumerate(self._words):
            self._by_char.setdefault(word[0], []).append(i)

    def __len__(self) -> int:
        return len(self._words)

    def docs(self, compact: str) -> set[int]:
        out: set[int] = set()
        for ch in dict.fromkeys(compact):
            for i in self._by_char.get(ch, ()):
                if self._words[i] in compact:
                    out |= self._docs[i]
        return out


_UNKNOWN_SYLLABLE = "\U000f0000"
_KEYWORD = FIELDS.index(Field.KEYWORD)
_EXACT_ONLY = frozenset((FIELDS.index(Field.CODE), FIELDS.index(Field.LATIN)))


def _ids(tokens: Sequence[str], vocabulary: dict[str, int]) -> array[int]:
    """Token ids, numbering new tokens as they come."""
    return array("i", [vocabulary.setdefault(t, len(vocabulary)) for t in tokens])


def _ascii(compact: str) -> str:
    return "".join(text.ascii_words(compact))


def _spells_pinyin(compact: str) -> bool:
    """Whether Latin letters in the question read as pinyin syllables (zhuxiao, tiqu)."""
    return any(
        len(w) >= 2 and w.isalpha() and text.split_pinyin(w) is not None
        for w in text.ascii_words(compact)
    )


def _separate_matters(spans: Sequence[int]) -> int:
    """How many of the spans add at least ``SEPARATE_CHARS`` characters of their own, the
    widest first: two items found by the same words (户口 for both 出生登记 and 户口迁入) are
    one matter, 上户口 and 办医保 are two."""
    seen = 0
    count = 0
    for span in sorted(spans, key=lambda s: (-s.bit_count(), s)):
        if (span & ~seen).bit_count() >= SEPARATE_CHARS:
            count += 1
            seen |= span
    return count


def _key(query: str) -> str:
    return text.compact(text.normalise(query))
