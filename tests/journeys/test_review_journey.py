"""好差评 in Chromium: an applicant gives a bad rating on the hall tablet (评价器); the
department admin verifies, rectifies, replies and revisits until the rectification is closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog
from onewindow.evaluation.models import Rectification
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_bad_tablet_rating_is_rectified_and_closed(
    live_server: Any, sign_in: Callable[[str], Any]
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    clerk = make_user("clerk", "clerk", department="ZW", window_code="A01", name="王窗口")
    make_user("gahz-admin", "dept_admin", department="GAHZ", name="公安管理员")
    case = make_case(clerk=clerk)
    base = live_server.url

    tablet = sign_in("clerk")
    tablet.goto(f"{base}/rate/tablet/")
    assert case.number in tablet.locator("#tablet").inner_text()
    tablet.get_by_role("button", name="不满意", exact=True).click()
    tablet.get_by_text("感谢您的评价！").wait_for()

    admin = sign_in("gahz-admin")
    admin.goto(f"{base}/rectifications/")
    row = admin.locator("#rectification-table tr", has_text=case.number)
    assert "已隐藏" in row.inner_text()
    row.locator("select[name=classification]").select_option("immediate")
    row.get_by_role("button", name="联系核实").click()
    for button in ("整改完成", "已回复"):
        admin.locator("#rectification-table tr", has_text=case.number).get_by_role(
            "button", name=button
        ).click()
        admin.wait_for_load_state()
    row = admin.locator("#rectification-table tr", has_text=case.number)
    row.locator("select[name=satisfied]").select_option("yes")
    row.get_by_role("button", name="回访").click()
    admin.wait_for_load_state()
    assert "已办结" in admin.locator("#rectification-table tr", has_text=case.number).inner_text()
    assert Rectification.objects.get().status == "closed"
