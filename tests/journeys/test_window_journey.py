"""The clerk's journey in Debian's Chromium: log in, find 临时居民身份证申领, check the
materials, accept, download the receipt PDF."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_clerk_accepts_and_downloads_the_receipt(live_server: Any, browser_page: Any) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    make_user("clerk", "clerk", department="ZW", window_code="A01", name="王窗口")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/window/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "demo12345")
    page.locator("form").locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url("**/window/**")

    page.fill("input[name=id_number]", "999903198807150010")
    page.fill("input[name=name]", "李四")
    page.fill("input[name=phone]", "13900139000")
    page.fill("#item-search", "临时居民身份证")
    page.get_by_role("button", name="临时居民身份证申领").first.click()
    page.locator("#material-SF-GAHZ-013-M01").wait_for()
    for box in page.locator("#material-SF-GAHZ-013-M01 input[name=received]").all():
        box.check()
    page.locator("#accept-button").click()

    link = page.get_by_role("link", name="下载受理通知书")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert "受理" in page.content()
