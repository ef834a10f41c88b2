"""好差评 on the case page in Chromium: the applicant's case page loads the rating block, the
rating is posted with HTMX and replaced in place by "已评价：满意"; the clerk's view of the same
case shows the rating without the evaluator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog
from onewindow.datahub.tests.factories import make_person
from onewindow.evaluation.models import Review
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_applicant_rates_on_the_case_page_in_place(
    live_server: Any, sign_in: Callable[[str], Any]
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    clerk = make_user("clerk", "clerk", department="ZW", window_code="A01", name="王窗口")
    person = make_person(name="张三", id_number="999901199003071239")
    citizen = make_user("citizen", "citizen", name=person.name)
    person.user = citizen
    person.save(update_fields=["user"])
    case = make_case(clerk=clerk, person=person)
    base = live_server.url

    page = sign_in("citizen")
    page.goto(f"{base}/cases/{case.number}/")
    form = page.locator("#review-form-accept")
    form.get_by_label("满意", exact=True).check()
    form.get_by_label("服务态度").select_option("1")
    form.get_by_label("意见建议（选填）").fill("一次办好")
    url_before = page.url
    form.get_by_role("button", name="提交评价").click()
    page.locator("#review-stage-accept").get_by_text("已评价：满意").wait_for()
    assert page.url == url_before  # swapped in place, no navigation
    assert page.locator("#review-notice").inner_text().strip() == "感谢您的评价！"
    review = Review.objects.get()
    assert (review.channel, review.level, review.dimensions) == ("PC端", 2, {"服务态度": 1})

    window = sign_in("clerk")
    window.goto(f"{base}/cases/{case.number}/")
    block = window.locator("#case-reviews")
    block.get_by_text("已评价：满意").wait_for()
    assert "评价人：已隐藏" in block.inner_text() and "提交评价" not in block.inner_text()
