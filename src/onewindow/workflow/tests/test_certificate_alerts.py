"""Revoking a certificate a case relied on flags the open case on its page and inbox row."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onewindow.datahub.models import Certificate
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


def _post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_revocation_flags_and_reinstatement_clears(client_for: Any) -> None:
    from onewindow.accounts.tests.factories import make_user
    from onewindow.catalog import services as catalog
    from onewindow.datahub.tests.factories import give_certificate, make_person

    catalog.load_catalog()  # transactional tests may run after a flush: build everything here
    person = make_person(name="张三", id_number="999901199003071239")
    give_certificate(person, "EC-HKB")
    citizen = make_user("citizen-alert", "citizen", name="张三")
    person.user = citizen
    person.save(update_fields=["user"])
    approver = make_user("approver-alert", "approver", department="GAHZ")
    centre_admin = make_user("centre-alert", "centre_admin", department="ZW")
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
