"""The engine on the reference catalog, without a database: every kind of question finds its
item, reasons say why, families ask, and bad input never raises."""

from __future__ import annotations

import json

import pytest

from onewindow.guidance.engine import Engine
from onewindow.guidance.tests.conftest import QUERIES


def top(engine: Engine, query: str) -> str:
    answer = engine.search(query, 5)
    assert answer.results, query
    return answer.results[0].code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("临时居民身份证申领", "SF-GAHZ-013"),  # standard name
        ("临时身份证办理", "SF-GAHZ-013"),  # catalog alias
        ("办理临时身份证", "SF-GAHZ-013"),
        ("良民证", "SF-GAZA-002"),  # alias from another province
        ("暂住证", "SF-GAHZ-015"),  # curated synonym
    ],
)
def test_names_and_variant_names_find_their_item(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("身份证丢了下周要坐飞机", "SF-GAHZ-013"),
        ("孩子刚出生要上户口", "SF-GAHZ-001"),
        ("身份证被偷了怎么补办", "SF-GAHZ-012"),
        ("上班时手被砸伤了", "SF-RS-002"),
        ("租房住，公积金能取出来交房租吗", "SF-GJJ-008"),
    ],
)
def test_colloquial_situations_find_their_item(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("我个身份证唔见咗", "SF-GAHZ-012"),  # 粤语
        ("俺想领个结婚证", "SF-MZHY-001"),  # 北方口语
        ("厂子黄了失业金咋领", "SF-RSSB-015"),
    ],
)
def test_dialect_phrasing_is_understood(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("身分证丢了", "SF-GAHZ-012"),  # curated typo rewrite
        ("户口钱出", "SF-GAHZ-008"),  # homophone, found through pinyin
        ("公积金代款", "SF-GJJ-015"),
        ("营业执找变更", "SF-SC-005"),  # near spelling
    ],
)
def test_typos_and_homophones_are_forgiven(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


def test_traditional_characters_are_folded(engine: Engine) -> None:
    assert top(engine, "身份證掉了怎麼補") == "SF-GAHZ-012"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("linshi shenfenzheng", "SF-GAHZ-013"),
        ("shēnfènzhèng huànlǐng", "SF-GAHZ-011"),  # tone marks
        ("ＧＯＮＧＪＩＪＩＮ　ＤＡＩＫＵＡＮ", "SF-GJJ-015"),  # full-width letters
    ],
)
def test_full_pinyin_with_or_without_tones(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


@pytest.mark.parametrize(("query", "code"), [("lssfz", "SF-GAHZ-013"), ("ybbx", "SF-YB-009")])
def test_pinyin_initials(engine: Engine, query: str, code: str) -> None:
    assert top(engine, query) == code


def test_life_events_rank_the_bundle_first(engine: Engine) -> None:
    answer = engine.search("开公司要跑好多部门，有没有一次办完的", 5)
    assert answer.results[0].kind == "bundle"
    assert answer.results[0].code == "YJS-002"


def test_reasons_name_the_evidence_in_chinese(engine: Engine) -> None:
    assert engine.search("临时身份证办理", 1).results[0].reason == "匹配别名：临时身份证办理"
    assert engine.search("lssfz", 1).results[0].reason.startswith("匹配拼音首字母：")
    assert engine.search("身份证丢了下周要坐飞机", 1).results[0].reason.startswith("匹配办事情形：")


def test_a_family_name_alone_asks_which_sub_matter(engine: Engine) -> None:
    answer = engine.search("提公积金", 5)
    assert answer.clarify is not None
    codes = {c for option in answer.clarify.options for c in option.codes}
    assert {"SF-GJJ-004", "SF-GJJ-008", "SF-GJJ-009", "SF-GJJ-011"} <= codes
    assert len(answer.results) == 5  # results are never withheld


def test_identity_card_family_offers_first_renewal_loss_and_temporary(engine: Engine) -> None:
    answer = engine.search("身份证", 5)
    assert answer.clarify is not None
    labels = [o.label for o in answer.clarify.options]
    assert any("第一次" in label for label in labels) and any("丢失" in label for label in labels)


def test_a_specific_question_is_not_asked_again(engine: Engine) -> None:
    assert engine.search("身份证丢了下周要坐飞机", 5).clarify is None
    assert engine.search("租房提取公积金", 5).clarify is None


def test_derived_families_come_from_bracketed_names(engine: Engine) -> None:
    keys = {f.key for f in engine.families.families}
    assert "食品经营许可" in keys  # 食品经营许可（新办/变更/延续/注销）, not curated


@pytest.mark.parametrize(
    "query",
    ["", "   ", "？？？！！", "😀😀", "\x00\x01", "' OR 1=1 --", "<script>", "a" * 500, "的的的的"],
)
def test_garbage_never_raises(engine: Engine, query: str) -> None:
    answer = engine.search(query, 5)
    assert isinstance(answer.results, list)


def test_empty_query_has_no_results(engine: Engine) -> None:
    assert engine.search("  ", 5).results == []


def test_confidence_separates_answers_from_guesses(engine: Engine) -> None:
    assert engine.search("临时身份证", 5).confident
    assert not engine.search("火星移民签证", 5).confident


def test_limit_caps_the_results(engine: Engine) -> None:
    assert len(engine.search("证明", 2).results) == 2
    assert len(engine.search("证明", 20).results) == 20


def test_own_query_set_meets_the_targets(engine: Engine) -> None:
    """Our labelled set of every kind (guidance/data/queries.jsonl) stays at top-1 ≥ 99% and
    top-3 ≥ 99.5%, above the targets for unseen questions (95% / 99%)."""
    rows = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]
    kinds = {r["kind"] for r in rows}
    assert kinds >= {
        "situation",
        "variant",
        "typo",
        "pinyin",
        "initials",
        "traditional",
        "enterprise",
        "bundle",
    }
    top1 = top3 = 0
    for row in rows:
        codes = [r.code for r in engine.search(row["q"], 3).results]
        top1 += bool(codes) and codes[0] in row["expect"]
        top3 += any(c in row["expect"] for c in codes)
    assert len(rows) >= 1000
    assert top1 / len(rows) >= 0.99
    assert top3 / len(rows) >= 0.995
