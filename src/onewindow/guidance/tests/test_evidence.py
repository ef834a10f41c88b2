"""How the engine weighs evidence: what a question literally says beats what it sounds like,
context words act as a prior, question words do not dilute the matter, and the index stays
compact. Small hand-made catalogs isolate each behaviour; the reference catalog checks the
kinds of questions that once went wrong."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from onewindow.guidance.engine import Corpus, Cue, Engine, ItemDoc, text
from onewindow.guidance.engine.indexes import Field, PhraseStore, compile_pattern
from onewindow.guidance.engine.lexicon_file import LexiconFileError, parse_lexicon
from onewindow.guidance.engine.search import WEAK_ONLY
from onewindow.guidance.models import PHRASE_MAX


def codes(engine: Engine, query: str) -> list[str]:
    return [r.code for r in engine.search(query, 5).results]


# --- Latin words --------------------------------------------------------------------------


def test_latin_words_keep_their_letters() -> None:
    # KTV is not pinyin: it must not be folded to ktu as a typed ü would be.
    assert text.normalise("KTV许可证") == "ktv许可证"
    assert text.normalise("ＫＴＶ") == "ktv"
    assert text.normalise("lǜsè") == "luse"


def test_a_latin_word_inside_a_name_is_literal_evidence() -> None:
    engine = Engine(
        Corpus(
            items=(
                ItemDoc("SW-1", "首次申领发票"),
                ItemDoc("SW-3", "税务UKey发放", ("税控设备领用",)),
                ItemDoc("WL-2", "娱乐场所经营许可", ("KTV许可证",)),
            )
        )
    )
    answer = engine.search("ukey怎么领", 5)
    assert answer.results[0].code == "SW-3" and answer.confident
    assert answer.results[0].reason == "匹配字母词：税务UKey发放"
    answer = engine.search("KTV要办什么证", 5)
    assert answer.results[0].code == "WL-2" and answer.confident


def test_only_pinyin_like_latin_is_read_as_pinyin() -> None:
    assert text.split_pinyin("ktv") is None
    assert text.split_pinyin("shebaoka") == ["she", "bao", "ka"]
    assert text.split_pinyin("bulingg") is None
    assert text.split_pinyin("bulingg", loose=True) == ["bu", "ling"]  # a stray letter


# --- sound-alike evidence -----------------------------------------------------------------


def test_pinyin_alone_is_a_low_confidence_guess() -> None:
    engine = Engine(Corpus(items=(ItemDoc("CR-1", "护照签发"), ItemDoc("HZ-16", "户籍证明"))))
    # 胡椒前约 shares no character with any name, only syllables (hu, qian) with 护照签发.
    answer = engine.search("胡椒前约", 5)
    assert answer.results and answer.results[0].code == "CR-1"
    assert answer.results[0].reason.startswith("拼音相近")
    assert not answer.confident
    assert answer.results[0].score <= WEAK_ONLY * 1.0 / 4  # far below a literal match


def test_literal_evidence_outranks_pinyin_similarity(engine: Engine) -> None:
    answer = engine.search("KTV要办什么证", 5)
    assert answer.results[0].code == "SF-WL-002"
    assert answer.confident
    assert not answer.results[0].reason.startswith("拼音")


# --- question words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "content"),
    [
        ("护照", 2),
        ("护照怎么办理", 2),
        ("请问护照去哪里办", 2),
        ("ktv要办什么证", 3),
        ("怎么办", 1),
    ],
)
def test_question_words_are_not_the_matter(query: str, content: int) -> None:
    assert text.content_length(query) == content


def test_the_matter_is_searched_without_question_words() -> None:
    assert text.without_frame("ktv 要办什么证") == "ktv"
    assert text.without_frame("身份证丢了怎么办") == "身份证丢了"  # 了 stays: 丢了 is a word
    assert text.without_frame("怎么办") == "怎么办"  # nothing else: keep the question


def test_a_name_explains_a_question_that_only_adds_question_words() -> None:
    engine = Engine(Corpus(items=(ItemDoc("A", "护照签发", ("办护照",)), ItemDoc("B", "签证"))))
    direct = engine.search("办护照", 1).results[0]
    framed = engine.search("请问办护照要带什么材料", 1).results[0]
    assert direct.code == framed.code == "A"
    assert framed.reason == "匹配别名：办护照"


# --- context cues ---------------------------------------------------------------------------


# Two items that only their departments tell apart; the first one wins a tie.
HOUSING_FIRST = (
    ItemDoc("ZJ-7", "租房登记", department="示范市住建局"),
    ItemDoc("HZ-15", "租房登记", department="示范市公安局"),
)


def test_a_curated_cue_raises_the_department_it_points_at() -> None:
    plain = Engine(Corpus(items=HOUSING_FIRST))
    cued = Engine(Corpus(items=HOUSING_FIRST, cues=(Cue("公安", ("派出所", "民警")),)))
    assert codes(plain, "派出所让我办租房登记")[0] == "ZJ-7"
    assert codes(cued, "派出所让我办租房登记")[0] == "HZ-15"
    assert codes(cued, "租房登记")[0] == "ZJ-7"  # no cue word, no prior


def test_department_names_are_cues_of_their_own() -> None:
    engine = Engine(Corpus(items=HOUSING_FIRST))
    assert codes(engine, "公安局让我办租房登记")[0] == "HZ-15"
    assert codes(engine, "住建局让我办租房登记")[0] == "ZJ-7"


def test_a_cue_topic_also_matches_the_items_own_names() -> None:
    items = (
        ItemDoc("YB-4", "职工医保参保", ("员工医保参保",), department="示范市医疗保障局"),
        ItemDoc("YB-1", "居民医保参保", ("学生医保参保",), department="示范市医疗保障局"),
    )
    plain = Engine(Corpus(items=items))
    cued = Engine(Corpus(items=items, cues=(Cue("学生", ("班主任", "开学")),)))
    assert codes(plain, "班主任让交医保")[0] == "YB-4"
    assert codes(cued, "班主任让交医保")[0] == "YB-1"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("派出所让我办租房登记", "SF-GAHZ-015"),
        ("学校让交医保", "SF-YB-001"),
        ("车管所说行车证要补", "SF-GAJG-010"),
    ],
)
def test_context_words_steer_the_reference_catalog(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


# --- rules ---------------------------------------------------------------------------------


def test_a_negated_single_character_does_not_count(engine: Engine) -> None:
    # 开 in 不开了 means closing, not opening a social insurance account.
    assert codes(engine, "公司不开了社保账户怎么销")[0] == "SF-RSSB-016"


def test_alternatives_keep_a_stable_order() -> None:
    assert compile_pattern("身份证 丢|掉了|掉|丢") == (("身份证",), ("掉了", "丢", "掉"))


def test_a_question_naming_several_items_of_a_life_event_finds_the_bundle(
    engine: Engine,
) -> None:
    assert codes(engine, "公司不做了税务社保公积金一起注销")[0] == "YJS-008"
    assert codes(engine, "公司注销要先清税")[0] == "SF-SW-014"  # one item, no bundle cue


# --- words people use ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("敬老金怎么领", "SF-MZ-004"),  # 高龄津贴
        ("出生纸唔见咗点补", "SF-WJ-002"),  # 粤: 出生医学证明
        ("小一报名", "SF-JY-001"),
        ("行车证掉了", "SF-GAJG-010"),  # 行驶证
        ("车子的绿本在银行抵押着", "SF-GAJG-008"),  # 机动车登记证书
        ("双程证过期咗", "SF-GACRJ-005"),
        ("俺娘走了户口咋销", "SF-GAHZ-009"),
        ("屋头老汉过世了，社保里头的钱咋个取", "SF-RSSB-013"),
        ("我冇工作，点样买社保", "SF-RSSB-003"),
        ("晓得不，驾照到期了咋换", "SF-GAJG-001"),
    ],
)
def test_regional_names_and_dialect_find_their_item(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("身份證遺失補領", "SF-GAHZ-012"),
        ("車牌遺失", "SF-GAJG-010"),
        ("駕駛執照過期換領", "SF-GAJG-001"),
        ("戶籍謄本怎麼申請", "SF-GAHZ-016"),
        ("健保卡不見了", "SF-RSSB-006"),
    ],
)
def test_traditional_characters_and_hk_tw_wording(engine: Engine, query: str, code: str) -> None:
    assert codes(engine, query)[0] == code


def test_pinyin_with_a_stray_letter_still_finds_the_item(engine: Engine) -> None:
    assert "SF-RSSB-006" in codes(engine, "shebaoka bulingg")[:3]


# --- the curated file ------------------------------------------------------------------------


def test_cues_are_read_from_the_lexicon_file() -> None:
    curated = parse_lexicon("$POLICE = 派出所|民警\n@cue 公安 | 派出所 / 户籍科\n")
    assert curated.cues == [Cue("公安", ("派出所", "户籍科"))]
    with pytest.raises(LexiconFileError, match="第 1 行"):
        parse_lexicon("@cue 公安 |\n")


def test_every_code_in_the_curated_lexicon_exists(engine: Engine) -> None:
    from onewindow.guidance import selectors

    curated = selectors.read_curated_lexicon()
    unknown = {c for rule in curated.rules for c in rule.codes if c not in engine.index_of}
    unknown |= {c for f in curated.families for c in f.codes if c not in engine.index_of}
    assert not unknown
    # Every entry fits the database column the loader copies it into.
    assert max(len(rule.phrase) for rule in curated.rules) <= PHRASE_MAX


def test_every_item_and_bundle_has_curated_names() -> None:
    """Each matter of the catalog has several words people use for it (regional names,
    abbreviations, situations) besides its catalog name."""
    from onewindow.guidance import selectors
    from onewindow.guidance.tests.conftest import catalog_corpus

    curated = selectors.read_curated_lexicon()
    counts: dict[str, int] = {}
    for rule in curated.rules:
        for code in rule.codes:
            counts[code] = counts.get(code, 0) + 1
    corpus = catalog_corpus()
    every = [i.code for i in corpus.items] + [b.code for b in corpus.bundles]
    thin = [code for code in every if counts.get(code, 0) < 4]
    assert not thin


# --- compactness ----------------------------------------------------------------------------


def test_phrases_share_their_texts() -> None:
    store = PhraseStore()
    store.add(0, "公积金", Field.KEYWORD, "公积金")
    store.add(1, "公积金", Field.KEYWORD, "公积金")
    assert len(store) == 2 and len(store.texts) == 1 and len(store.labels) == 1


class _CharacterEmbedder:
    """A stand-in embedding model: a bag of characters, hashed into 64 dimensions."""

    def _vector(self, value: str) -> np.ndarray:
        vector = np.zeros(64, np.float32)
        for char in value:
            vector[ord(char) % 64] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)


def test_the_semantic_signal_reads_chinese_but_not_typed_letters() -> None:
    corpus = Corpus(
        items=(
            ItemDoc("GA-1", "临时居民身份证申领", ("临时身份证",)),
            ItemDoc("GA-2", "居民身份证换领"),
        )
    )
    engine = Engine(corpus, embedder=_CharacterEmbedder())
    assert "semantic" in engine.search("身份证到期了", 5).signals
    # Initials and pinyin are letters the model cannot read; its guesses would be noise.
    answer = engine.search("lssfz", 5)
    assert "semantic" not in answer.signals
    assert answer.results[0].code == "GA-1"
