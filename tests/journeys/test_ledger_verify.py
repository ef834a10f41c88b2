"""验证办件记录 in Debian's Chromium: the browser checks with WebCrypto that a case's ledger
entries are included in the signed checkpoint, sees the department's cosignature, and notices
when an entry was changed in the database afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.tests.factories import make_user, token_for
from onewindow.catalog import services as catalog
from onewindow.datahub.tests.factories import give_certificate, make_person
from onewindow.ledger import keys, notes, services
from onewindow.ledger.checkpoints import CosignatureSigner
from onewindow.ledger.models import LedgerEntry

pytestmark = pytest.mark.browser
PERSON = {
    "kind": "person",
    "id_number": "999901199003071239",
    "name": "张三",
    "phone": "13800138000",
}


@pytest.fixture
def ledger_keys(settings: Any, tmp_path: Path) -> None:
    settings.LEDGER = {**settings.LEDGER, "KEY_DIR": tmp_path / "keys", "SIGNING_KEYS": ""}
    keys.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_browser_verifies_a_case_and_notices_tampering(
    live_server: Any, browser_page: Any, ledger_keys: None
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    clerk = make_user("clerk", "clerk", department="ZW", window_code="A01", name="王窗口")
    person = make_person(name="张三", id_number=PERSON["id_number"])
    for code in ("EC-SFZ", "EC-HKB"):
        give_certificate(person, code)
    api = Client(headers={"Authorization": f"Bearer {token_for(clerk)}"})
    response = api.post(
        "/api/v1/cases",
        json.dumps({"item_code": "SF-GAHZ-013", "applicant": PERSON}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    number = response.json()["number"]

    # The periodic job publishes a checkpoint and 户政 (GAHZ) cosigns it.
    checkpoint, _ = services.publish_checkpoint()
    assert checkpoint is not None
    witness = CosignatureSigner.generate("witness.example/GAHZ")
    services.register_witness(department_code="GAHZ", vkey=witness.verifier().vkey, actor="system")
    line = notes.NoteSignature(
        witness.name, witness.key_id, witness.sign(checkpoint.body.encode())
    ).line()
    services.add_cosignature(size=checkpoint.size, line=line, department_code="GAHZ")

    page = browser_page
    page.goto(f"{live_server.url}/ledger/verify/?number={number}")
    assert page.evaluate("window.isSecureContext && !!crypto.subtle")
    page.fill("#verify-code", "1239")
    page.get_by_role("button", name="开始验证").click()
    page.get_by_text("验证通过").wait_for()
    rows = page.locator("#verify-table tbody tr")
    count = LedgerEntry.objects.filter(target=f"case:{number}").count()
    assert rows.count() == count >= 2
    assert page.locator("#verify-table td.verified").count() == count
    assert "GAHZ 见证副署" in page.content()

    # Change one of the case's entries behind the platform's back: the server still serves its
    # stored proofs, but the browser rebuilds the leaf and the proof no longer reaches the root.
    first = LedgerEntry.objects.filter(target=f"case:{number}").order_by("index").first()
    assert first is not None
    LedgerEntry.objects.filter(index=first.index).update(payload={"forged": True})
    page.get_by_role("button", name="开始验证").click()
    page.get_by_text("验证未通过").wait_for()
    failed = page.locator(f'#verify-table tr[data-index="{first.index}"] td.failed')
    assert "与账本不符" in failed.inner_text()
