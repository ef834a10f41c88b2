"""The back office in Debian's Chromium: a case passes through two departments' inboxes
(退役军人事务局 verifies, 户政 reviews and confirms), then the window delivers the result and
the 办结通知书 can be downloaded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog
from onewindow.workflow.tests.factories import make_case

ITEM = "SF-GAHZ-020"  # 服兵役退出现役恢复户口: TY 核验 → GAHZ 审核 → GAHZ 确认
pytestmark = pytest.mark.browser


def approve_from_inbox(page: Any, base: str, number: str, times: int) -> None:
    page.goto(f"{base}/inbox/")
    row = page.locator("#inbox-table tr", has_text=number)
    row.wait_for()
    assert row.locator(".sla").count() == 1  # the traffic light
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/cases/{number}/")
    for _ in range(times):
        with page.expect_response(lambda r: "/actions/decide/" in r.url):
            page.locator("#case-actions button[value=approve]").first.click()
        page.locator("#action-notice").wait_for()
        assert "已通过" in page.locator("#action-notice").inner_text()


@pytest.mark.django_db(transaction=True)
def test_a_case_crosses_two_inboxes_and_is_delivered(
    live_server: Any, sign_in: Callable[[str], Any]
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    clerk = make_user("clerk", "clerk", department="ZW", window_code="A01", name="王窗口")
    make_user("approver-TY", "approver", department="TY", name="退役军人事务局审批")
    make_user("approver-GAHZ", "approver", department="GAHZ", name="户政审批")
    case = make_case(clerk=clerk, item_code=ITEM)
    base = live_server.url

    approve_from_inbox(sign_in("approver-TY"), base, case.number, times=1)
    gahz = sign_in("approver-GAHZ")
    approve_from_inbox(gahz, base, case.number, times=2)
    assert "审批通过待出件" in gahz.locator("#case-status").inner_text()

    window = sign_in("clerk")
    window.goto(f"{base}/cases/{case.number}/")
    window.select_option("#delivery-method", "window")
    with window.expect_response(lambda r: "/actions/deliver/" in r.url):
        window.locator("#deliver-button").click()
    window.locator("#action-notice").wait_for()
    assert "已办结" in window.locator("#case-status").inner_text()
    timeline = window.locator(".timeline").inner_text()
    assert "办结出件" in timeline and "审批通过" in timeline
    window.reload()
    link = window.locator("#result-notice-link")
    pdf = window.request.get(f"{base}{link.get_attribute('href')}")
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
