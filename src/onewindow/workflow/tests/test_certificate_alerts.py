"""Revoking a certificate a case relied on flags the open case on its page and inbox row."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.datahub.models import Certificate, Person
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_revocation_flags_and_reinstatement_clears(
    citizen: User, citizen_person: Person, approver: User, centre_admin: User, client_for: Any
) -> None:
    from onewindow.catalog import services as catalog

    catalog.load_catalog()  # transactional tests may run after a flush
    created = _post(client_for(citizen), "/api/v1/cases", {"item_code": "SF-GAHZ-013"})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    case = Case.objects.get(number=number)
    used = case.materials.exclude(certificate_identifier="").get()
    certificate = Certificate.objects.get(identifier=used.certificate_identifier)
    path = f"/api/v1/certificates/{certificate.identifier}/status"
    revoked = _post(client_for(centre_admin), path, {"status": "03", "reason": "信息有误"})
    assert revoked.status_code == 200
    detail = client_for(approver).get(f"/api/v1/cases/{number}").json()
    assert "已撤销" in detail["certificate_alert"]
    inbox = client_for(approver).get("/api/v1/inbox").json()
    row = next(r for r in inbox["items"] if r["case_number"] == number)
    assert "已撤销" in row["certificate_alert"]
    assert LedgerEntry.objects.filter(
        event="case.certificate_flagged", target=f"case:{number}"
    ).exists()
    _post(client_for(centre_admin), path, {"status": "01", "reason": "复核后恢复"})
    assert client_for(approver).get(f"/api/v1/cases/{number}").json()["certificate_alert"] is None
