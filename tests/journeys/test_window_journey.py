"""The clerk's journey in Debian's Chromium: log in, find 临时居民身份证申领, check the
materials, accept, download the receipt PDF."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    if os.environ.get("ONEWINDOW_REQUIRE_BROWSER"):
        pytest.fail("Chromium 未安装：apt-get install chromium")
    pytest.skip("未安装 Chromium，跳过浏览器旅程（apt-get install chromium 后再运行）")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Any:
    _require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


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
