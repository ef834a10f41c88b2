"""A citizen's journey in Debian's Chromium: a family question is clarified, then a
colloquial question leads to the right item, its guide, and an online application."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog
from onewindow.datahub.tests.factories import give_certificate, make_person
from onewindow.guidance import selectors as guidance_reads
from onewindow.guidance import services as guidance
from onewindow.workflow.models import Case

CITIZEN_ID = "999903198807150010"
pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_colloquial_question_leads_to_an_online_application(
    live_server: Any, browser_page: Any
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    guidance.load_curated_lexicon()
    guidance_reads.mark_engine_stale()
    person = make_person(name="李四", id_number=CITIZEN_ID, phone="13900139000")
    for code in ("EC-SFZ", "EC-HKB"):
        give_certificate(person, code)
    user = make_user("citizen", "citizen", name=person.name)
    person.user = user
    person.save(update_fields=["user"])
    page = browser_page

    # A family of sub-matters: the question comes first, a choice narrows the answer.
    page.goto(f"{live_server.url}/guidance/")
    page.fill("#guidance-q", "公积金提取")
    page.locator("#guidance-q").press("Enter")
    page.get_by_role("heading", name="您提取住房公积金的用途是？").wait_for()
    page.get_by_role("button", name="租房", exact=True).click()
    page.get_by_role("link", name="提取住房公积金（租赁住房）", exact=True).wait_for()

    # A colloquial question, answered as the citizen types.
    page.fill("#guidance-q", "身份证丢了下周要坐飞机")
    answer = page.locator("#guidance-answer")
    first = answer.locator(".item-row").first
    first.get_by_role("link", name="临时居民身份证申领", exact=True).wait_for()
    assert "匹配办事情形" in first.inner_text()
    first.get_by_role("link", name="临时居民身份证申领", exact=True).click()
    page.wait_for_url("**/guide/items/SF-GAHZ-013/")

    page.get_by_role("link", name="在线办理").first.click()
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "citizen")
    page.fill("input[name=password]", "demo12345")
    page.locator("form").locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url("**/apply/SF-GAHZ-013/")
    page.locator("#apply-button").click()

    page.wait_for_url("**/cases/**")
    case = Case.objects.get(applicant_code=CITIZEN_ID)
    assert case.item.code == "SF-GAHZ-013"
    assert case.number in page.locator("h1").inner_text()
