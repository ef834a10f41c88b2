"""GET /api/v1/guidance (API.md): shape, validation, garbage, the unanswered log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from onewindow.guidance.models import UnansweredQuery

pytestmark = pytest.mark.django_db
URL = "/api/v1/guidance"


def ask(**params: Any) -> Any:
    return Client().get(URL, params)


def test_answer_has_the_contract_shape_best_first() -> None:
    response = ask(q="临时身份证办理", limit=3)
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "临时身份证办理"
    assert body["clarify"] is None
    first = body["results"][0]
    assert set(first) == {"kind", "code", "name", "score", "reason"}
    assert first == {
        "kind": "item",
        "code": "SF-GAHZ-013",
        "name": "临时居民身份证申领",
        "score": first["score"],
        "reason": "匹配别名：临时身份证办理",
    }
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 3


def test_bundles_come_back_as_bundles() -> None:
    body = ask(q="开公司要跑好多部门，有没有一次办完的").json()
    assert body["results"][0] == {**body["results"][0], "kind": "bundle", "code": "YJS-002"}


def test_clarify_comes_beside_the_results_never_instead() -> None:
    body = ask(q="公积金提取", limit=5).json()
    assert body["clarify"]["question"]
    option = body["clarify"]["options"][0]
    assert set(option) == {"label", "codes"} and option["codes"]
    assert len(body["results"]) == 5


def test_default_limit_is_five() -> None:
    assert len(ask(q="证明").json()["results"]) == 5


def test_empty_query_is_200_without_results() -> None:
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = ask(**params)
        assert response.status_code == 200
        assert response.json()["results"] == [] and response.json()["clarify"] is None


def test_query_over_200_characters_is_400_with_the_field() -> None:
    response = ask(q="身" * 201)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "input.invalid" and "q" in body["fields"]
    assert ask(q="身" * 200).status_code == 200


@pytest.mark.parametrize("limit", ["0", "21", "-1", "abc", "1.5"])
def test_limit_outside_1_to_20_is_400(limit: str) -> None:
    response = ask(q="护照", limit=limit)
    assert response.status_code == 400
    assert "limit" in response.json()["fields"]


def test_every_bad_field_is_reported_at_once() -> None:
    body = ask(q="x" * 300, limit=99).json()
    assert set(body["fields"]) == {"q", "limit"}


@pytest.mark.parametrize(
    "q",
    [
        "\x00",
        "😀" * 50,
        "' OR 1=1; DROP TABLE guidance_lexiconentry; --",
        "<script>alert(1)</script>",
        "％％％",
        "\u202e\u200b\ufeff",
        "a|b c|||",
        "\ud7ff\ue000",
        "身份证\x00丢了",
    ],
)
def test_garbage_input_is_never_a_500(q: str) -> None:
    assert ask(q=q).status_code == 200


def test_public_and_not_rate_limited_at_50_requests() -> None:
    client = Client()
    statuses = {client.get(URL, {"q": "护照"}).status_code for _ in range(60)}
    assert statuses == {200}


def test_unanswered_questions_are_logged_without_personal_data() -> None:
    ask(q="我的身份证号999901199003071239，电话13912345678，火星移民签证怎么办")
    ask(q="我的身份证号999901199003071239，电话13912345678，火星移民签证怎么办")
    row = UnansweredQuery.objects.get()
    assert "999901199003071239" not in row.text and "13912345678" not in row.text
    assert "〔证件号〕" in row.text and "〔电话〕" in row.text
    assert row.count == 2 and not row.is_resolved


def test_confident_answers_are_not_logged() -> None:
    ask(q="临时身份证")
    ask(q="身份证丢了下周要坐飞机")
    assert not UnansweredQuery.objects.exists()


def test_needs_endpoint_lists_bundle_neighbours() -> None:
    body = Client().get(f"{URL}/needs/SF-GAHZ-001").json()
    codes = [n["code"] for n in body["items"]]
    assert body["code"] == "SF-GAHZ-001" and "SF-YB-002" in codes
    assert all("新生儿出生一件事" in n["reason"] for n in body["items"])
    assert Client().get(f"{URL}/needs/NOPE").status_code == 404
