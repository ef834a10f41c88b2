"""Browser fixtures shared by every journey: Debian's Chromium driven by Playwright.

Journeys are skipped with a notice when Chromium is absent, and fail instead when
``ONEWINDOW_REQUIRE_BROWSER`` is set (CI), so a missing browser never passes silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# The machines have no network: without these flags Chromium keeps trying to reach its hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PASSWORD = "demo12345"


def require_browser() -> None:
    if shutil.which("chromium") or os.path.exists(CHROMIUM):
        return
    if os.environ.get("ONEWINDOW_REQUIRE_BROWSER"):
        pytest.fail("Chromium 未安装：apt-get install chromium")
    pytest.skip("未安装 Chromium，跳过浏览器旅程（apt-get install chromium 后再运行）")


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A headless Chromium browser for the test."""
    require_browser()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_page(browser: Any) -> Any:
    """A page in a fresh context (its own cookies), Chinese locale, downloads allowed."""
    page = browser.new_context(accept_downloads=True, locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    return page


@pytest.fixture
def browser_page(chromium: Any) -> Any:
    """One page in a fresh browser context."""
    return new_page(chromium)


@pytest.fixture
def sign_in(live_server: Any, chromium: Any) -> Callable[[str], Any]:
    """``sign_in(username)`` → a page in its own context, signed in with the demo password."""

    def open_as(username: str) -> Any:
        page = new_page(chromium)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form").locator("button[type=submit], input[type=submit]").first.click()
        page.wait_for_load_state()
        return page

    return open_as
