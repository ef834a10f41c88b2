"""The citizen's 智能导办 page, the guide's “通常还需要” block and the clerk's picker."""

from __future__ import annotations

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.guidance.models import UnansweredQuery

pytestmark = pytest.mark.django_db


def test_page_answers_a_colloquial_question_with_guide_and_apply_links() -> None:
    html = Client().get("/guidance/", {"q": "身份证丢了下周要坐飞机"}).content.decode()
    assert "临时居民身份证申领" in html
    assert "/guide/items/SF-GAHZ-013/" in html and "/apply/SF-GAHZ-013/" in html
    assert "匹配办事情形" in html


def test_htmx_typing_returns_the_fragment_and_logs_nothing() -> None:
    response = Client().get(
        "/guidance/", {"q": "火星移民签证", "typing": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "没有找到" in html
    assert not UnansweredQuery.objects.exists()
    Client().get("/guidance/", {"q": "火星移民签证"})
    assert UnansweredQuery.objects.get().count == 1


def test_family_question_shows_options_first_and_a_choice_narrows_the_answer() -> None:
    html = Client().get("/guidance/", {"q": "公积金提取"}).content.decode()
    assert html.index("您提取住房公积金的用途是？") < html.index("也可以直接从以下结果中选择")
    assert 'name="pick" value="SF-GJJ-008"' in html
    chosen = Client().get("/guidance/", {"q": "公积金提取", "pick": "SF-GJJ-008"}).content.decode()
    assert "提取住房公积金（租赁住房）" in chosen and "按您选择的情形" in chosen


def test_page_reports_an_oversized_question_instead_of_failing() -> None:
    response = Client().get("/guidance/", {"q": "长" * 300})
    assert response.status_code == 200


def test_item_guide_loads_the_prediction_block() -> None:
    html = Client().get("/guide/items/SF-GAHZ-001/").content.decode()
    assert 'hx-get="/guidance/needs/SF-GAHZ-001/"' in html
    block = Client().get("/guidance/needs/SF-GAHZ-001/").content.decode()
    assert "通常还需要" in block and "办理了“出生登记”的群众通常还需要" in block
    assert "新生儿参加城乡居民基本医疗保险" in block


def test_prediction_block_is_empty_for_an_unknown_item() -> None:
    assert Client().get("/guidance/needs/NOPE/").content == b""


def test_clerk_picker_uses_the_guidance_engine(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    html = client.get("/window/items/", {"q": "身份证丢了要坐飞机"}).content.decode()
    assert 'value="SF-GAHZ-013"' in html and "临时居民身份证申领" in html
    assert "匹配办事情形" in html
    by_code = client.get("/window/items/", {"q": "SF-GAHZ-013"}).content.decode()
    assert "匹配事项编码：SF-GAHZ-013" in by_code
    bundle = client.get("/window/items/", {"q": "新生儿出生一件事"}).content.decode()
    assert 'name="choose_bundle" value="YJS-001"' in bundle
    assert not UnansweredQuery.objects.exists()
