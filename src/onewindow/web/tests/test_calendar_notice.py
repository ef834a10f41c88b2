"""Staff pages warn while next year's working-day calendar is only provisional."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.django_db


def test_staff_pages_warn_when_next_year_is_provisional() -> None:
    from django.test import Client

    from onewindow.accounts.tests.factories import make_user
    from onewindow.core import clock

    client = Client()
    client.force_login(make_user("c9", "clerk", department="ZW"))
    with clock.frozen(date(2026, 11, 24)):
        page = client.get("/guide/").content.decode()
    assert "2027 年法定节假日安排尚未载入" in page
    with clock.frozen(date(2025, 11, 24)):
        page = client.get("/guide/").content.decode()
    assert "法定节假日安排尚未载入" not in page
