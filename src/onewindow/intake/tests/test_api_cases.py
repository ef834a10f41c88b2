"""POST /api/v1/cases, /intake/preview, /intake/refusals and the case and progress views."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.datahub.models import Person
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow.models import Case, CaseTask

pytestmark = pytest.mark.django_db

TEMP_ID = "SF-GAHZ-013"  # 临时居民身份证申领: 户口簿 from the library, 2 review steps
WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)
PERSON = {
    "kind": "person",
    "id_number": "999901199003071239",
    "name": "张三",
    "phone": "13800138000",
}


def post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def needed_materials(code: str) -> list[dict[str, str]]:
    version = ItemVersion.objects.get(item__code=code, is_current=True)
    return [
        {"material_id": m.code, "provided": "paper"}
        for m in version.materials.all()
        if m.required and not m.is_form and m.certificate_type is None
    ]


def first_parallel_item() -> ItemVersion:
    """An item whose first review stage has parallel tasks in two departments."""
    for version in ItemVersion.objects.filter(is_current=True).prefetch_related("steps"):
        reviews = [s for s in version.steps.all() if s.kind == "review"]
        if (
            len(reviews) >= 2
            and reviews[0].parallel_group
            and (reviews[1].parallel_group == reviews[0].parallel_group)
            and version.target in ("自然人", "both")
        ):
            return version
    raise AssertionError("catalog has no parallel item")


def test_clerk_accepts_case_with_certificate_and_paper_materials(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    with clock.frozen(WEDNESDAY):
        response = post(
            client_for(clerk),
            "/api/v1/cases",
            {"item_code": TEMP_ID, "applicant": PERSON, "materials": []},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["accepted_at"].endswith("+08:00")
    assert body["promised_due_on"] == "2026-11-18"  # 即办件: 0 working days
    assert [t["status"] for t in body["tasks"]] == ["open", "waiting"]
    case = Case.objects.get(number=body["number"])
    assert case.window_code == "A01" and case.clerk == clerk
    provided = {m.material_code: m.provided for m in case.materials.all()}
    assert provided["SF-GAHZ-013-M01"] == "certificate"
    events = LedgerEntry.objects.filter(target=f"case:{case.number}").values_list(
        "event", flat=True
    )
    assert list(events) == ["case.accepted", "task.opened"]


def test_promised_due_date_skips_national_day(clerk: User, client_for: Any) -> None:
    # SF-GAHZ-011 promises 20 working days; accepted on Wed 2026-09-30 the count jumps the
    # 10-01..10-07 holiday and includes the adjusted working Saturday 10-10 (counted by hand).
    version = ItemVersion.objects.get(item__code="SF-GAHZ-011", is_current=True)
    expected = {20: "2026-11-03"}
    assert version.promised_days in expected
    with clock.frozen(datetime(2026, 9, 30, 15, 0, tzinfo=LOCAL_TZ)):
        response = post(
            client_for(clerk),
            "/api/v1/cases",
            {
                "item_code": "SF-GAHZ-011",
                "applicant": {**PERSON, "id_number": "999903198807150010"},
                "materials": [
                    {"material_id": m.code, "provided": "paper"}
                    for m in version.materials.all()
                    if not m.is_form
                ],
            },
        )
    assert response.status_code == 201, response.content
    assert response.json()["promised_due_on"] == expected[version.promised_days]


def test_missing_material_gives_one_complete_notice_and_no_case(
    clerk: User, client_for: Any
) -> None:
    # The applicant is not in the registry, so the 户口簿 cannot come from the library either.
    applicant = {**PERSON, "id_number": "999903198807150010", "name": "无证照"}
    version = ItemVersion.objects.get(item__code="SF-GAHZ-011", is_current=True)
    response = post(
        client_for(clerk),
        "/api/v1/cases",
        {"item_code": "SF-GAHZ-011", "applicant": applicant, "materials": []},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "supplement_required"
    expected = {m.code for m in version.materials.all() if m.required and not m.is_form}
    assert {m["material_id"] for m in body["missing"]} == expected
    assert not Case.objects.exists()
    pdf = client_for(clerk).get(
        f"/api/v1/intake/supplement-notices/{body['notice_number']}/document"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_parallel_first_stage_opens_every_task(clerk: User, client_for: Any) -> None:
    version = first_parallel_item()
    with clock.frozen(WEDNESDAY):
        response = post(
            client_for(clerk),
            "/api/v1/cases",
            {
                "item_code": version.item.code,
                "applicant": {**PERSON, "id_number": "999903198807150010"},
                "materials": [
                    {"material_id": m.code, "provided": "paper"}
                    for m in version.materials.all()
                    if not m.is_form
                ],
            },
        )
    assert response.status_code == 201, response.content
    tasks = response.json()["tasks"]
    first = [t for t in tasks if t["stage"] == 1]
    assert len(first) >= 2 and all(t["status"] == "open" for t in first)
    assert len({t["department"]["code"] for t in first}) >= 2
    assert all(t["status"] == "waiting" and t["due_on"] is None for t in tasks if t["stage"] > 1)


def test_invalid_input_lists_every_bad_field(clerk: User, client_for: Any) -> None:
    response = post(
        client_for(clerk),
        "/api/v1/cases",
        {
            "item_code": TEMP_ID,
            "applicant": {"kind": "person", "id_number": "999901199003071238", "name": " "},
            "materials": [{"material_id": "NOPE", "provided": "fax"}],
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "intake.invalid"
    assert {
        "applicant.id_number",
        "applicant.name",
        "materials.0.material_id",
        "materials.0.provided",
    } <= set(body["fields"])
    assert "校验位" in body["fields"]["applicant.id_number"]


def test_schema_errors_are_400_with_fields(clerk: User, client_for: Any) -> None:
    response = post(client_for(clerk), "/api/v1/cases", {"item_code": 5, "materials": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "input.invalid" and "materials" in body["fields"]


def test_unknown_item_is_400(clerk: User, client_for: Any) -> None:
    response = post(
        client_for(clerk), "/api/v1/cases", {"item_code": "SF-NOPE-001", "applicant": PERSON}
    )
    assert response.status_code == 400
    assert response.json()["fields"]["item_code"] == "事项不存在"


def test_checksum_override_is_recorded(clerk: User, client_for: Any) -> None:
    applicant = {**PERSON, "id_number": "999901199003071238", "override_checksum": True}
    response = post(
        client_for(clerk),
        "/api/v1/cases",
        {"item_code": TEMP_ID, "applicant": applicant, "materials": needed_materials(TEMP_ID)},
    )
    assert response.status_code in (200, 201), response.content
    if response.status_code == 201:
        assert Case.objects.get(number=response.json()["number"]).checksum_overridden


def test_legacy_15_digit_id_is_normalised(clerk: User, client_for: Any) -> None:
    applicant = {**PERSON, "id_number": "999901900307123"}
    response = post(
        client_for(clerk),
        "/api/v1/cases",
        {"item_code": "SF-GAHZ-011", "applicant": applicant, "materials": []},
    )
    assert response.status_code == 200, response.content  # accepted as an identity
    assert response.json()["status"] == "supplement_required"


def test_target_mismatch(clerk: User, client_for: Any) -> None:
    company = {"kind": "organisation", "credit_code": "91350100M000100Y43", "name": "示范公司"}
    response = post(
        client_for(clerk), "/api/v1/cases", {"item_code": TEMP_ID, "applicant": company}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "intake.target_mismatch"


def test_tolerant_acceptance_needs_non_key_missing(clerk: User, client_for: Any) -> None:
    version = ItemVersion.objects.get(item__code="SF-GAHZ-011", is_current=True)
    paper = [m for m in version.materials.all() if m.required and not m.is_form]
    paper[0].is_key = False
    paper[0].save()
    applicant = {**PERSON, "id_number": "999903198807150010"}
    others = [{"material_id": m.code, "provided": "paper"} for m in paper[1:]]
    body = {"item_code": "SF-GAHZ-011", "applicant": applicant, "materials": others}
    refused = post(client_for(clerk), "/api/v1/cases", body)
    assert refused.json()["status"] == "supplement_required"
    with clock.frozen(WEDNESDAY):
        accepted = post(client_for(clerk), "/api/v1/cases", {**body, "tolerant": True})
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["supplement_due_on"] == "2026-11-25"


def test_idempotency_replays_and_conflicts(clerk: User, client_for: Any) -> None:
    client = client_for(clerk)
    body = {"item_code": TEMP_ID, "applicant": PERSON, "materials": needed_materials(TEMP_ID)}
    first = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "k-1"})
    again = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code
    assert first.json() == again.json()
    assert Case.objects.count() <= 1
    other = post(
        client,
        "/api/v1/cases",
        {**body, "conditions": []} | {"tolerant": True},
        **{"Idempotency-Key": "k-1"},
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"
    bad_first = post(client, "/api/v1/cases", {"item_code": 1}, **{"Idempotency-Key": "k-2"})
    assert bad_first.status_code == 400
    fixed = post(client, "/api/v1/cases", body, **{"Idempotency-Key": "k-2"})
    assert fixed.status_code == first.status_code  # errors are not replayed


def test_citizen_applies_online_for_themselves(citizen: User, client_for: Any) -> None:
    response = post(client_for(citizen), "/api/v1/cases", {"item_code": TEMP_ID})
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.channel == "online" and case.person is not None
    detail = client_for(citizen).get(f"/api/v1/cases/{case.number}")
    assert detail.status_code == 200


def test_citizen_cannot_apply_for_someone_else(citizen: User, client_for: Any) -> None:
    response = post(
        client_for(citizen),
        "/api/v1/cases",
        {"item_code": TEMP_ID, "applicant": {**PERSON, "id_number": "999903198807150010"}},
    )
    assert response.status_code == 403


def test_roles_that_may_not_apply_get_403(approver: User, client_for: Any) -> None:
    response = post(client_for(approver), "/api/v1/cases", {"item_code": TEMP_ID})
    assert response.status_code == 403
    assert response.json()["code"] == "permission.denied"


def test_anonymous_gets_401() -> None:
    response = post(Client(), "/api/v1/cases", {"item_code": TEMP_ID})
    assert response.status_code == 401
    assert response.json()["fields"] == {}


def test_case_visibility(
    clerk: User,
    approver: User,
    other_approver: User,
    outsider: User,
    citizen: User,
    client_for: Any,
) -> None:
    created = post(client_for(citizen), "/api/v1/cases", {"item_code": TEMP_ID}).json()
    number = created["number"]
    assert client_for(clerk).get(f"/api/v1/cases/{number}").status_code == 200
    detail = client_for(approver).get(f"/api/v1/cases/{number}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["events"][0]["type"] == "case.accepted"
    assert isinstance(body["events"][0]["ledger_index"], int)
    assert {"id", "stage", "name", "department", "status", "due_on", "sla"} <= set(body["tasks"][0])
    assert client_for(other_approver).get(f"/api/v1/cases/{number}").status_code == 404
    assert client_for(outsider).get(f"/api/v1/cases/{number}").status_code == 404
    assert client_for(outsider).get("/api/v1/cases/NOPE").status_code == 404


def test_progress_is_masked_and_rate_limited(citizen: User, client_for: Any) -> None:
    number = post(client_for(citizen), "/api/v1/cases", {"item_code": TEMP_ID}).json()["number"]
    anonymous = Client()
    ok = anonymous.get(f"/api/v1/cases/{number}/progress?verify=1239")
    assert ok.status_code == 200
    assert "999901199003071239" not in ok.content.decode()
    assert ok.json()["applicant"]["name"] == "张*"
    for _ in range(10):
        assert anonymous.get(f"/api/v1/cases/{number}/progress?verify=0000").status_code == 404
    assert anonymous.get(f"/api/v1/cases/{number}/progress?verify=1239").status_code == 429


def test_refusal_creates_numbered_decision(clerk: User, outsider: User, client_for: Any) -> None:
    body = {"item_code": TEMP_ID, "applicant": PERSON, "reason": "申请事项不属于本中心受理范围"}
    response = post(client_for(clerk), "/api/v1/intake/refusals", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reason"] == body["reason"] and data["document_number"]
    pdf = client_for(clerk).get(f"/api/v1/intake/refusals/{data['number']}/document")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    empty = post(client_for(clerk), "/api/v1/intake/refusals", {**body, "reason": ""})
    assert empty.status_code == 400 and "reason" in empty.json()["fields"]
    assert post(client_for(outsider), "/api/v1/intake/refusals", body).status_code == 403


def test_receipt_pdf(citizen: User, outsider: User, client_for: Any) -> None:
    number = post(client_for(citizen), "/api/v1/cases", {"item_code": TEMP_ID}).json()["number"]
    pdf = client_for(citizen).get(f"/api/v1/cases/{number}/receipt")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client_for(outsider).get(f"/api/v1/cases/{number}/receipt").status_code == 404


def test_preview_reports_statuses_and_fills_form(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    response = post(
        client_for(clerk), "/api/v1/intake/preview", {"item_code": TEMP_ID, "applicant": PERSON}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    statuses = {m["id"]: m["status"] for m in body["materials"]}
    assert statuses == {"SF-GAHZ-013-M01": "certificate", "SF-GAHZ-013-M02": "optional"}
    fields = {f["name"]: f for f in body["form"]["fields"]}
    assert fields["姓名"]["value"] == "张三"
    assert fields["姓名"]["source"] == "certificate:EC-HKB.姓名"
    assert fields["申领原因"]["source"] == "applicant" and fields["申领原因"]["value"] is None
    assert not Case.objects.exists()


def test_failure_inside_acceptance_leaves_no_half_case(
    clerk: User, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from onewindow.ledger import services as ledger

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "record_many", broken)
    client = Client(
        raise_request_exception=False, headers=client_for(clerk).defaults.get("headers")
    )
    with pytest.raises(RuntimeError):
        post(
            client_for(clerk),
            "/api/v1/cases",
            {"item_code": TEMP_ID, "applicant": PERSON, "materials": []},
        )
    assert not Case.objects.exists() and not CaseTask.objects.exists()
    del client


def test_case_keeps_its_item_version(clerk: User, citizen: User, client_for: Any) -> None:
    from onewindow.catalog import services as catalog

    number = post(client_for(citizen), "/api/v1/cases", {"item_code": TEMP_ID}).json()["number"]
    version = ItemVersion.objects.get(item__code=TEMP_ID, is_current=True)
    data = catalog.snapshot(version)
    data["fee"] = "免费"
    new = catalog.publish_item_version(data=data)
    assert new is not None and new.version == version.version + 1
    case = Case.objects.get(number=number)
    assert case.item_version_id == version.pk
    guide = Client().get(f"/api/v1/items/{TEMP_ID}").json()
    assert guide["fee"] == "免费" and guide["version"] == new.version
    assert date.today() is not None


def test_acceptance_query_count_does_not_grow_with_materials(clerk: User, client_for: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(clerk)
    counts = []
    for code in ("SF-GAHZ-013", "SF-GAHZ-011"):
        body = {
            "item_code": code,
            "applicant": {**PERSON, "id_number": "999903198807150010"},
            "materials": [
                {"material_id": m.code, "provided": "paper"}
                for m in ItemVersion.objects.get(item__code=code, is_current=True).materials.all()
                if not m.is_form
            ],
        }
        post(client, "/api/v1/cases", body)  # warms the per-process catalog cache
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/api/v1/cases", body)
        assert response.status_code == 201, response.content
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 24


def test_bundle_preview_lists_every_item_and_logs_each_read_once(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    from onewindow.datahub.models import DataAccess

    response = post(
        client_for(clerk),
        "/api/v1/intake/preview",
        {"bundle_code": "YJS-001", "applicant": PERSON},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["item_code"] for i in body["items"]] == [
        "SF-WJ-001",
        "SF-WJ-004",
        "SF-GAHZ-001",
        "SF-YB-002",
        "SF-RSSB-005",
        "SF-WJ-010",
        "SF-YB-010",
    ]
    reads = list(DataAccess.objects.values_list("certificate_id", "purpose"))
    assert reads, "the applicant's certificates were read"
    assert len({c for c, _ in reads}) == len(reads)
    assert all(p == "受理预审：新生儿出生一件事" for _, p in reads)
