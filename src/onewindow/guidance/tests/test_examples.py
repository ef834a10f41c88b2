"""Example questions (常见问法): whole questions people asked, matched by similarity.

They generalise where patterns cannot: a new wording of a known situation shares enough of its
words with some example to find the item, without a curated rule for every phrasing."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.guidance import selectors, services
from onewindow.guidance.engine import Engine, Rule, RuleKind
from onewindow.guidance.engine.indexes import ExampleIndex
from onewindow.guidance.engine.lexicon_file import parse_lexicon
from onewindow.guidance.enums import LexiconKind
from onewindow.guidance.errors import LexiconEntryInvalid
from onewindow.guidance.models import PHRASE_MAX, LexiconEntry, UnansweredQuery
from onewindow.guidance.tests.conftest import catalog_corpus

# A matter no curated word describes, pointed at an unrelated item so that only the example
# can lead there.
EXAMPLE = "宇航员出舱训练的补助找谁领"
REWORDED = "宇航员出舱训练补助去哪领"
TARGET = "SF-WJ-006"


def test_identical_question_is_fully_similar_and_unrelated_one_is_not() -> None:
    index = ExampleIndex(
        [(["宝", "宝", "宝宝", "户口"], (0,), "宝宝户口"), (["公司", "注销"], (1,), "公司注销")]
    )
    hits = index.hits(["宝", "宝", "宝宝", "户口"])
    assert hits[0].doc == 0 and math.isclose(hits[0].score, 1.0, rel_tol=1e-6)
    assert all(h.doc != 1 for h in hits)
    assert hits[0].label == "宝宝户口" and hits[0].source == "example"
    assert index.hits(["火箭"]) == []
    assert index.hits([]) == []


def test_words_the_examples_never_use_lower_the_similarity() -> None:
    index = ExampleIndex([(["户口", "迁入"], (0,), "户口迁入")])
    alone = index.hits(["户口", "迁入"])[0].score
    diluted = index.hits(["户口", "迁入", "火箭", "卫星", "月球"])[0].score
    assert diluted < alone * 0.7


def test_a_second_close_example_supports_its_document() -> None:
    index = ExampleIndex(
        [
            (["驾照", "丢"], (0,), "驾照丢了"),
            (["驾照", "丢", "补"], (0,), "驾照丢了怎么补"),
            (["驾照", "丢", "罚款"], (1,), "驾照丢了罚款吗"),
        ]
    )
    hits = index.hits(["驾照", "丢"])
    assert [h.doc for h in hits] == [0, 1]
    assert hits[0].score > 1.0  # closest example plus a share of the second


def test_the_same_question_is_judged_by_its_closest_example_alone() -> None:
    """Two fairly similar examples add up in the score, but only an example that is itself
    (nearly) the question counts as the same question."""
    index = ExampleIndex(
        [
            (["驾照", "丢", "补"], (0,), "驾照丢了怎么补"),
            (["驾照", "丢", "罚款"], (0,), "驾照丢了罚款吗"),
        ]
    )
    hits, closest = index.search(["驾照", "丢"])
    assert hits[0].score > 1.0
    assert closest[0] < 0.99


def test_a_reworded_question_finds_the_item_of_a_similar_example() -> None:
    base = catalog_corpus()
    before = Engine(base).search(REWORDED, 3)
    assert not before.results or before.results[0].code != TARGET
    rules = (*base.rules, Rule(RuleKind.EXAMPLE.value, EXAMPLE, (TARGET,)))
    answer = Engine(replace(base, rules=rules)).search(REWORDED, 3)
    assert answer.results[0].code == TARGET
    assert answer.results[0].reason == f"相似问法：{EXAMPLE}"


def test_examples_are_not_word_patterns() -> None:
    """An example question never matches just because the query contains it word by word,
    and it is not compiled into the rule matcher."""
    base = catalog_corpus()
    engine = Engine(replace(base, rules=(*base.rules, Rule("example", EXAMPLE, (TARGET,)))))
    assert engine.stats.rules == Engine(base).stats.rules
    assert len(engine.examples) == len(Engine(base).examples) + 1


def test_the_example_file_parses_into_example_rules() -> None:
    curated = parse_lexicon("@example\nSF-GAHZ-001: 宝宝满月了还没上户口\n")
    assert curated.rules == [Rule("example", "宝宝满月了还没上户口", ("SF-GAHZ-001",))]


def test_shipped_example_questions_cover_every_item_and_bundle(engine: Engine) -> None:
    curated = selectors.read_curated_lexicon()
    examples = [r for r in curated.rules if r.kind == RuleKind.EXAMPLE]
    counts: dict[str, int] = {}
    for rule in examples:
        for code in rule.codes:
            assert code in engine.index_of, code
            counts[code] = counts.get(code, 0) + 1
    thin = [d.code for d in engine.docs if counts.get(d.code, 0) < 5]
    assert not thin
    assert max(len(r.phrase) for r in examples) <= PHRASE_MAX


@pytest.mark.django_db
def test_an_example_question_must_point_at_items() -> None:
    with pytest.raises(LexiconEntryInvalid) as caught:
        services.validate_entry(
            services.LexiconEntryData(LexiconKind.EXAMPLE, EXAMPLE, replacement="补助")
        )
    assert "replacement" in caught.value.fields


@pytest.mark.django_db
def test_admin_adds_an_unanswered_question_as_an_example_and_it_is_answered() -> None:
    admin = User.objects.create_superuser("root", password="x", email="")
    client = Client()
    client.force_login(admin)
    services.answer_query(query=EXAMPLE)
    question = UnansweredQuery.objects.get(text=EXAMPLE)
    listing = client.get("/admin/guidance/unansweredquery/").content.decode()
    assert "加为常见问法" in listing and "kind=example" in listing
    response = client.post(
        f"/admin/guidance/lexiconentry/add/?from_query={question.pk}",
        {"kind": "example", "phrase": EXAMPLE, "codes_text": TARGET, "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.is_resolved
    assert LexiconEntry.objects.get(phrase=EXAMPLE).kind == LexiconKind.EXAMPLE
    # Not only the question itself: a new wording of it is answered too.
    answer = services.answer_query(query=REWORDED, log=False)
    assert answer.results[0].code == TARGET
