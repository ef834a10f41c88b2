"""The case page carries a QR code of the public ledger check."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import api_client

pytestmark = pytest.mark.django_db


def test_case_page_shows_a_qr_code_to_the_ledger_check(citizen: User) -> None:
    created = api_client(citizen).post(
        "/api/v1/cases", json.dumps({"item_code": "SF-GAHZ-013"}), content_type="application/json"
    )
    number = created.json()["number"]
    browser = Client()
    browser.force_login(citizen)
    page = browser.get(f"/cases/{number}/").content.decode()
    assert 'id="ledger-qr"' in page and "<svg" in page
    assert f"/ledger/verify/?number={number}" in page
