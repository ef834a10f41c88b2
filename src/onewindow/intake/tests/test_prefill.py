"""POST /api/v1/intake/preview pre-fills the form: each value with where it came from."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.datahub.enums import RelationKind
from onewindow.datahub.models import DataAccess, Person, Relation
from onewindow.datahub.tests.factories import give_certificate, make_organisation, make_person

pytestmark = pytest.mark.django_db

WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)
PERSON = {
    "kind": "person",
    "id_number": "999901199003071239",  # the citizen_person fixture: male, born 1990-03-07
    "name": "张三",
    "phone": "13800138000",
}
CHILD_ID = "999901202401150017"
SOURCES = {"applicant", "registry", "derived"}


def preview(client: Client, item_code: str, applicant: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"item_code": item_code}
    if applicant is not None:
        body["applicant"] = applicant
    with clock.frozen(WEDNESDAY):
        response = client.post(
            "/api/v1/intake/preview", json.dumps(body), content_type="application/json"
        )
    assert response.status_code == 200, response.content
    result: dict[str, Any] = response.json()
    for f in result["form"]["fields"]:
        # Every field says where its value came from; only typed fields have none.
        source = f["source"]
        assert source in SOURCES or source.startswith("certificate:"), f
        assert (f["value"] is None) == (source == "applicant"), f
    return result


def fields_of(body: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    return {f["name"]: (f["value"], f["source"]) for f in body["form"]["fields"]}


def test_id_card_application_derives_the_term_and_takes_the_phone(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    fields = fields_of(preview(client_for(clerk), "SF-GAHZ-010", PERSON))
    assert fields["证件有效期限"] == ("20年", "derived")  # 36 years old: 《居民身份证法》§5
    assert fields["联系电话"] == ("13800138000", "registry")
    assert fields["姓名"] == ("张三", "certificate:EC-HKB.姓名")
    assert fields["申领原因"] == (None, "applicant")


def test_retirement_and_social_security_items_are_derived_from_the_id(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    client = client_for(clerk)
    retirement = fields_of(preview(client, "SF-RS-001", PERSON))
    assert retirement["法定退休年龄"] == ("63岁", "derived")
    # Contribution years live in the social insurance system: not guessed.
    assert retirement["累计缴费年限"] == (None, "applicant")
    card = fields_of(preview(client, "SF-RSSB-005", PERSON))
    assert card["社会保障号码"] == (PERSON["id_number"], "derived")


def test_moving_out_office_comes_from_the_id_card_matching_the_household_book(
    clerk: User, client_for: Any
) -> None:
    person = make_person(name="王五", id_number="999903198807150010")
    home = "示范市南湖区湖滨路8号"
    give_certificate(person, "EC-SFZ", fields={"签发机关": "示范市公安局南湖分局", "住址": home})
    give_certificate(person, "EC-HKB", fields={"住址": home})
    applicant = {**PERSON, "id_number": person.id_number, "name": person.name}
    fields = fields_of(preview(client_for(clerk), "SF-GAHZ-002", applicant))
    assert fields["迁出地户口登记机关"] == ("示范市公安局南湖分局", "derived")
    assert fields["住址"] == (home, "certificate:EC-SFZ.住址")


def test_a_named_infant_is_read_for_the_childcare_subsidy(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    child = make_person(name="张小宝", id_number=CHILD_ID)
    give_certificate(
        child,
        "EC-CSZM",
        fields={"新生儿姓名": "张小宝", "出生时间": "2024-01-15 08:30", "母亲姓名": "李梅"},
    )
    give_certificate(child, "EC-HKB", fields={"姓名": "张小宝", "户号": "010001"})
    parties = [{"role": "婴幼儿", "id_number": CHILD_ID, "name": "张小宝"}]
    body = preview(client_for(clerk), "SF-WJ-010", {**PERSON, "parties": parties})
    statuses = {m["name"]: m["status"] for m in body["materials"]}
    assert statuses["婴幼儿出生医学证明"] == "certificate"
    fields = fields_of(body)
    assert fields["婴幼儿月龄"] == ("34", "derived")
    assert fields["新生儿姓名"] == ("张小宝", "certificate:EC-CSZM.新生儿姓名")
    # A face value named like a role (母亲姓名) is read from the certificate the item uses.
    assert fields["母亲姓名"] == ("李梅", "certificate:EC-CSZM.母亲姓名")
    assert fields["姓名"] == ("张小宝", "certificate:EC-HKB.姓名")
    assert fields["补贴金额"] == (None, "applicant")
    assert DataAccess.objects.filter(holder_code=CHILD_ID).exists()


def test_an_unnamed_infant_is_not_read(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    child = make_person(name="张小宝", id_number=CHILD_ID)
    give_certificate(child, "EC-CSZM", fields={"出生时间": "2024-01-15 08:30"})
    fields = fields_of(preview(client_for(clerk), "SF-WJ-010", PERSON))
    assert fields["婴幼儿月龄"] == (None, "applicant")
    assert not DataAccess.objects.filter(holder_code=CHILD_ID).exists()


def test_online_applicant_gets_phone_and_employer_from_the_registry(
    citizen: User, citizen_person: Person, client_for: Any
) -> None:
    employer = make_organisation(name="示范市创新科技有限公司", credit_code="91999905MA0000000X")
    Relation.objects.create(
        person=citizen_person, kind=RelationKind.EMPLOYER, organisation=employer
    )
    fields = fields_of(preview(client_for(citizen), "SF-GAHZ-006", None))
    assert fields["联系电话"] == (citizen_person.phone, "registry")
    assert fields["用人单位"] == ("示范市创新科技有限公司", "registry")
    assert fields["迁入地址"] == (None, "applicant")


def test_an_applicant_outside_the_registry_still_gets_id_derived_values(
    clerk: User, client_for: Any
) -> None:
    stranger = {**PERSON, "id_number": "999904194001010017", "name": "赵老", "phone": ""}
    fields = fields_of(preview(client_for(clerk), "SF-MZ-004", stranger))
    assert fields["年龄"] == ("86", "derived")
    assert fields["姓名"] == (None, "applicant")  # no certificate to read it from
    assert fields["联系电话"] == (None, "applicant")


def test_an_heir_applying_in_person_gets_the_heirs_derived_values(
    clerk: User, citizen_person: Person, client_for: Any
) -> None:
    from onewindow.catalog import services as catalog
    from onewindow.catalog.models import ItemVersion

    # A version whose form asks for a derived value about the heir (a role word): it is
    # computed only when the applicant is named as the heir, never guessed otherwise.
    data = catalog.snapshot(ItemVersion.objects.get(item__code="SF-RSSB-013", is_current=True))
    data["form_fields"].append({"name": "继承人年龄", "source": "derived"})
    assert catalog.publish_item_version(data=data) is not None
    client = client_for(clerk)
    unnamed = fields_of(preview(client, "SF-RSSB-013", PERSON))
    assert unnamed["继承人年龄"] == (None, "applicant")
    heir = [{"role": "继承人", "id_number": PERSON["id_number"], "name": PERSON["name"]}]
    named = fields_of(preview(client, "SF-RSSB-013", {**PERSON, "parties": heir}))
    assert named["继承人年龄"] == ("36", "derived")
    assert named["继承人姓名"] == ("张三", "certificate:EC-SFZ.姓名")


def test_a_corrected_prefilled_value_is_recorded(
    clerk: Any, citizen_person: Any, client_for: Any
) -> None:
    from onewindow.ledger.models import LedgerEntry
    from onewindow.workflow.models import Case

    body = {
        "item_code": "SF-GAHZ-013",
        "applicant": {"kind": "person", "id_number": "999901199003071239", "name": "张三"},
        "form": {"姓名": "张叁", "申领原因": "乘机"},
    }
    response = client_for(clerk).post(
        "/api/v1/cases", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert case.form_data["姓名"] == {
        "value": "张叁",
        "source": "applicant",
        "corrected": {"value": "张三", "source": "certificate:EC-HKB.姓名"},
    }
    assert case.form_data["申领原因"] == {"value": "乘机", "source": "applicant"}
    entry = LedgerEntry.objects.get(event="case.accepted", target=f"case:{case.number}")
    assert entry.payload["corrected_fields"] == ["姓名"]
