"""Ledger pages: the public verification page, the centre's witness page, the auditors' search."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.ledger import checkpoints, services
from onewindow.ledger.models import ForkReport, Witness
from onewindow.ledger.tests.helpers import append

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_verify_page_is_public_and_carries_the_keys() -> None:
    append(1)
    response = Client().get("/ledger/verify/?number=ab-12")
    assert response.status_code == 200
    html = response.content.decode()
    assert "验证办件记录" in html and 'value="AB-12"' in html
    assert "/static/ledger/verify.js" in html
    match = re.search(r'<script id="ledger-config" type="application/json">(.*?)</script>', html)
    assert match is not None
    config = json.loads(match.group(1))
    assert config["hash"] == "sha256" and config["api"] == "/api/v1"
    assert [checkpoints.parse_vkey(v).name for v in config["logKeys"]] == [config["origin"]]
    assert "cdn" not in html.lower()


def test_witness_page_shows_status_and_alerts(
    centre_admin: User, outsider: User, django_capture_on_commit_callbacks: Any
) -> None:
    assert Client().get("/ledger/witnesses/").status_code == 302
    assert signed_in(outsider).get("/ledger/witnesses/").status_code == 403
    admin = signed_in(centre_admin)
    vkey = checkpoints.CosignatureSigner.generate("w.example/GAHZ").verifier().vkey
    response = admin.post(
        "/ledger/witnesses/", {"action": "register", "department": "gahz", "vkey": vkey}
    )
    assert response.status_code == 302
    witness = Witness.objects.get(department_code="GAHZ")
    append(2)
    services.publish_checkpoint()
    ForkReport.objects.create(
        witness=witness,
        department_code="GAHZ",
        size=5,
        kind="fork",
        evidence={},
        signatures_valid=True,
        matches_local=False,
        reported_at=witness.registered_at,
    )
    page = admin.get("/ledger/witnesses/").content.decode()
    assert 'id="fork-alert"' in page and "GAHZ" in page and "不一致" in page
    report = ForkReport.objects.get()
    admin.post("/ledger/witnesses/", {"action": "resolve", "report": report.pk})
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert 'id="fork-alert"' not in admin.get("/ledger/witnesses/").content.decode()
    auditor = signed_in(make_user("auditor1", "auditor"))
    assert auditor.get("/ledger/witnesses/").status_code == 200
    refused = auditor.post("/ledger/witnesses/", {"action": "register", "department": "SC"})
    assert refused.status_code == 403


def test_auditor_searches_entries(outsider: User) -> None:
    append(3, prefix="case", event="case.accepted")
    auditor = signed_in(make_user("auditor1", "auditor"))
    page = auditor.get("/ledger/entries/?event=case.&target=case:1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "case:1" in html and "case:2" not in html
    assert signed_in(outsider).get("/ledger/entries/").status_code == 403
