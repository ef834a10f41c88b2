"""The server-rendered pages, driven through the Django test client.

The reference catalog is loaded once per session by the root ``conftest.py``; every test here
creates its own people, so the identity numbers are valid (the window checks check characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from pytest_django import Settings

from onewindow.accounts.models import User
from onewindow.accounts.tests.factories import make_user
from onewindow.core import ids
from onewindow.datahub.models import Person
from onewindow.datahub.tests.factories import give_certificate, make_person
from onewindow.intake import services
from onewindow.workflow.models import Case

TEMPORARY_ID_CARD = "SF-GAHZ-013"  # 临时居民身份证申领: 户口簿 served by the certificate library
TALENT_SETTLEMENT = "SF-GAHZ-006"  # 户口迁入（人才引进）: conditional materials, several needed


def valid_id(first17: str) -> str:
    return first17 + ids.citizen_id_check_char(first17)


@dataclass(frozen=True)
class Applicant:
    person: Person
    user: User

    @property
    def id_number(self) -> str:
        return self.person.id_number


@pytest.fixture
def window_clerk(db: None) -> User:
    return make_user("window-clerk", "clerk", department="ZW", window_code="A08", name="柳窗口")


@pytest.fixture
def clerk_client(window_clerk: User) -> Client:
    client = Client()
    client.force_login(window_clerk)
    return client


@pytest.fixture
def resident(db: None) -> Applicant:
    """A citizen whose household register is in the certificate library."""
    person = make_person(name="周晓明", id_number=valid_id("99990119880512301"))
    give_certificate(person, "EC-HKB", fields={"户号": "300512"})
    user = make_user("resident", "citizen", name=person.name)
    person.user = user
    person.save(update_fields=["user"])
    return Applicant(person, user)


@pytest.fixture
def resident_client(resident: Applicant) -> Client:
    client = Client()
    client.force_login(resident.user)
    return client


@pytest.fixture
def accepted_case(window_clerk: User, resident: Applicant) -> Case:
    outcome = services.submit_application(
        app=services.Application(
            applicant=services.ApplicantInput(
                kind="person", name=resident.person.name, id_number=resident.id_number
            ),
            item_code=TEMPORARY_ID_CARD,
        ),
        actor=window_clerk,
    )
    return outcome.cases[0]


def applicant_fields(applicant: Applicant, **extra: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "kind": "person",
        "id_number": applicant.id_number,
        "name": applicant.person.name,
        "phone": "13900001111",
        **extra,
    }


# --- home and sign-in ----------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_the_window_only_to_clerks(clerk_client: Client) -> None:
    anonymous = Client().get("/")
    assert anonymous.status_code == 200
    assert "办事指南" in anonymous.text and "窗口受理" not in anonymous.text
    assert "窗口受理" in clerk_client.get("/").text


@pytest.mark.django_db
def test_sign_in_with_the_chinese_form_then_sign_out(window_clerk: User) -> None:
    client = Client()
    page = client.get("/accounts/login/?next=/window/")
    assert "用户名" in page.text and 'name="csrfmiddlewaretoken"' in page.text
    response = client.post(
        "/accounts/login/",
        {"username": "window-clerk", "password": "demo12345", "next": "/window/"},
    )
    assert response.status_code == 302 and response["Location"] == "/window/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/window/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_is_told_in_chinese(window_clerk: User) -> None:
    response = Client().post("/accounts/login/", {"username": "window-clerk", "password": "x"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text


@pytest.mark.django_db
def test_window_sends_visitors_to_sign_in_and_refuses_citizens(resident_client: Client) -> None:
    response = Client().get("/window/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/window/"
    assert resident_client.get("/window/").status_code == 403


# --- 办事指南 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_guide_lists_items_and_the_life_event_bundles() -> None:
    page = Client().get("/guide/")
    assert page.status_code == 200
    assert "新生儿出生一件事" in page.text
    assert 'id="guide-q"' in page.text


@pytest.mark.django_db
def test_guide_search_as_you_type_returns_only_the_results_fragment() -> None:
    response = Client().get("/guide/", {"q": "lsjmsfz"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "临时居民身份证申领" in response.text
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_guide_filters_by_department() -> None:
    page = Client().get("/guide/", {"department": "GAHZ"})
    assert "临时居民身份证申领" in page.text
    assert "城市建筑垃圾处置核准" not in page.text


@pytest.mark.django_db
def test_guide_pager_keeps_the_department_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("onewindow.catalog.views.PAGE_SIZE", 2)
    first = Client().get("/guide/", {"department": "GAHZ"})
    assert "第 1 / " in first.text
    assert "?department=GAHZ&amp;page=2" in first.text
    second = Client().get("/guide/", {"department": "GAHZ", "page": "2"})
    assert "第 2 / " in second.text
    assert "?department=GAHZ&amp;page=1" in second.text


@pytest.mark.django_db
def test_item_guide_marks_certificate_materials_and_parallel_stages() -> None:
    page = Client().get(f"/guide/items/{TALENT_SETTLEMENT}/")
    assert page.status_code == 200
    assert "免提交" in page.text and "居民户口簿" in page.text
    assert "并联办理" in page.text
    assert "法定办结时限" in page.text and "承诺办结时限" in page.text
    assert f"/apply/{TALENT_SETTLEMENT}/" in page.text


@pytest.mark.django_db
def test_unknown_item_guide_is_not_found() -> None:
    assert Client().get("/guide/items/NO-SUCH-ITEM/").status_code == 404


@pytest.mark.django_db
def test_bundle_page_lists_its_items() -> None:
    page = Client().get("/guide/bundles/YJS-001/")
    assert page.status_code == 200
    assert "新生儿出生一件事" in page.text
    assert "/guide/items/SF-GAHZ-001/" in page.text


# --- the clerk's workstation ---------------------------------------------------------------


@pytest.mark.django_db
def test_item_search_on_the_window_offers_the_item_as_a_button(clerk_client: Client) -> None:
    response = clerk_client.get("/window/items/", {"q": "临时居民"})
    assert response.status_code == 200
    assert f'name="choose_item" value="{TEMPORARY_ID_CARD}"' in response.text
    assert ">临时居民身份证申领</button>" in response.text


@pytest.mark.django_db
def test_checklist_marks_what_the_certificate_library_serves(
    clerk_client: Client, resident: Applicant
) -> None:
    response = clerk_client.post(
        "/window/checklist/", applicant_fields(resident, choose_item=TEMPORARY_ID_CARD)
    )
    assert response.status_code == 200
    row = re.search(r'id="material-SF-GAHZ-013-M01".*?</tr>', response.text, re.S)
    assert row is not None and "免提交" in row.group(0) and "居民户口簿" in row.group(0)
    assert "300512" in response.text  # 户号 pre-filled from the certificate


@pytest.mark.django_db
def test_checklist_over_htmx_returns_the_workstation_fragment(
    clerk_client: Client, resident: Applicant
) -> None:
    response = clerk_client.post(
        "/window/checklist/",
        applicant_fields(resident, item_code=TEMPORARY_ID_CARD),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="workstation"')


@pytest.mark.django_db
def test_wrong_check_character_offers_the_override_and_keeps_what_was_typed(
    clerk_client: Client,
) -> None:
    wrong = "999901199003071230"
    response = clerk_client.post(
        "/window/checklist/",
        {"kind": "person", "id_number": wrong, "name": "钱七", "item_code": TEMPORARY_ID_CARD},
    )
    assert "校验位不正确" in response.text
    assert 'name="override_checksum"' in response.text
    assert f'value="{wrong}"' in response.text and 'value="钱七"' in response.text


@pytest.mark.django_db
def test_override_lets_a_wrong_check_character_through(clerk_client: Client) -> None:
    response = clerk_client.post(
        "/window/checklist/",
        {
            "kind": "person",
            "id_number": "999901199003071230",
            "name": "钱七",
            "item_code": TEMPORARY_ID_CARD,
            "override_checksum": "on",
        },
    )
    assert "校验位不正确" not in response.text
    assert "需提交" in response.text


@pytest.mark.django_db
def test_a_format_error_does_not_offer_the_override(clerk_client: Client) -> None:
    response = clerk_client.post(
        "/window/checklist/",
        {"kind": "person", "id_number": "12345", "name": "钱七", "item_code": TEMPORARY_ID_CARD},
    )
    assert "格式不正确" in response.text
    assert 'name="override_checksum"' not in response.text


@pytest.mark.django_db
def test_party_errors_are_shown_on_their_own_row(clerk_client: Client, resident: Applicant) -> None:
    response = clerk_client.post(
        "/window/checklist/",
        applicant_fields(
            resident,
            item_code=TALENT_SETTLEMENT,
            party_role=["", "配偶"],
            party_name=["", "吴九"],
            party_id_number=["", "123"],
        ),
    )
    row = re.search(r'id="party-id-1".*?</td>', response.text, re.S)
    assert row is not None and "格式不正确" in row.group(0)
    assert 'value="吴九"' in response.text


@pytest.mark.django_db
def test_choosing_a_bundle_shows_a_checklist_per_item(
    clerk_client: Client, resident: Applicant
) -> None:
    response = clerk_client.post(
        "/window/checklist/", applicant_fields(resident, bundle_pick="YJS-001", pick_bundle="1")
    )
    assert response.status_code == 200
    assert response.text.count('class="checklist"') == 7
    assert 'name="bundle_code" value="YJS-001"' in response.text


@pytest.mark.django_db
def test_typed_text_is_escaped(clerk_client: Client) -> None:
    response = clerk_client.post(
        "/window/checklist/", {"kind": "person", "id_number": "x", "name": "<b>坏</b>"}
    )
    assert "<b>坏</b>" not in response.text
    assert "&lt;b&gt;坏&lt;/b&gt;" in response.text


@pytest.mark.django_db
def test_clerk_accepts_and_downloads_the_receipt(clerk_client: Client, resident: Applicant) -> None:
    response = clerk_client.post(
        "/window/submit/",
        applicant_fields(resident, item_code=TEMPORARY_ID_CARD, action="accept"),
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant_code=resident.id_number)
    assert case.window_code == "A08"
    result = clerk_client.get(response["Location"])
    assert case.number in result.text
    assert "下载受理通知书" in result.text and "承诺办结日期" in result.text
    receipt = clerk_client.get(f"/window/cases/{case.number}/receipt.pdf")
    assert receipt.status_code == 200
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_received_materials_are_recorded_with_how_they_were_given(
    clerk_client: Client, resident: Applicant
) -> None:
    needed = ["SF-GAHZ-006-M01", "SF-GAHZ-006-M05"]
    response = clerk_client.post(
        "/window/submit/",
        applicant_fields(
            resident,
            item_code=TALENT_SETTLEMENT,
            received=needed,
            **{"provided_SF-GAHZ-006-M01": "electronic"},
            action="accept",
        ),
    )
    assert response.status_code == 302 and "/window/accepted/" in response["Location"]
    case = Case.objects.get(applicant_code=resident.id_number)
    provided = dict(case.materials.values_list("material_code", "provided"))
    assert provided["SF-GAHZ-006-M01"] == "electronic"
    assert provided["SF-GAHZ-006-M05"] == "paper"


@pytest.mark.django_db
def test_one_time_notice_lists_every_missing_material(
    clerk_client: Client, resident: Applicant
) -> None:
    response = clerk_client.post(
        "/window/submit/",
        applicant_fields(resident, item_code=TALENT_SETTLEMENT, action="notice"),
    )
    assert response.status_code == 302 and "/notices/" in response["Location"]
    page = clerk_client.get(response["Location"])
    assert "居民身份证" in page.text and "劳动合同或聘用证明" in page.text
    number = response["Location"].rstrip("/").rsplit("/", 1)[1]
    pdf = clerk_client.get(f"/notices/{number}/notice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_refusal_without_reason_keeps_everything_typed(
    clerk_client: Client, resident: Applicant
) -> None:
    response = clerk_client.post(
        "/window/refuse/", applicant_fields(resident, item_code=TEMPORARY_ID_CARD, reason="")
    )
    assert response.status_code == 400
    assert "请填写不予受理的理由" in response.text
    assert f'value="{resident.id_number}"' in response.text


@pytest.mark.django_db
def test_refusal_with_reason_issues_the_decision(clerk_client: Client, resident: Applicant) -> None:
    response = clerk_client.post(
        "/window/refuse/",
        applicant_fields(resident, item_code=TEMPORARY_ID_CARD, reason="不属于本中心受理范围"),
    )
    assert response.status_code == 302 and "/refusals/" in response["Location"]
    page = clerk_client.get(response["Location"])
    assert "不属于本中心受理范围" in page.text and "下载不予受理决定书" in page.text
    pdf = clerk_client.get(response["Location"] + "decision.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_window_forms_require_the_csrf_token(window_clerk: User, resident: Applicant) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(window_clerk)
    response = client.post("/window/submit/", applicant_fields(resident, action="accept"))
    assert response.status_code == 403


# --- online application and the applicant's cases ------------------------------------------


@pytest.mark.django_db
def test_online_apply_shows_what_needs_no_submission(resident_client: Client) -> None:
    page = resident_client.get(f"/apply/{TEMPORARY_ID_CARD}/")
    assert page.status_code == 200
    assert "已从电子证照库调取“居民户口簿”" in page.text
    assert "300512" in page.text and "来源" in page.text


@pytest.mark.django_db
def test_online_apply_opens_a_case_the_applicant_can_follow(
    resident_client: Client, resident: Applicant
) -> None:
    response = resident_client.post(f"/apply/{TEMPORARY_ID_CARD}/", {})
    assert response.status_code == 302
    case = Case.objects.get(applicant_code=resident.id_number)
    assert response["Location"] == f"/cases/{case.number}/"
    page = resident_client.get(response["Location"])
    assert "办理记录" in page.text and "账本 #" in page.text
    assert case.number in resident_client.get("/my/cases/").text


@pytest.mark.django_db
def test_online_apply_with_a_material_not_ready_gives_a_notice(resident_client: Client) -> None:
    response = resident_client.post(
        f"/apply/{TALENT_SETTLEMENT}/",
        {"material": ["SF-GAHZ-006-M01"], "provided_SF-GAHZ-006-M01": "none"},
    )
    assert response.status_code == 302 and "/notices/" in response["Location"]
    assert resident_client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_case_page_shows_sla_lights_and_is_hidden_from_others(
    accepted_case: Case, resident_client: Client
) -> None:
    page = resident_client.get(f"/cases/{accepted_case.number}/")
    assert page.status_code == 200
    assert "sla sla-" in page.text and "电子证照免提交" in page.text
    stranger = make_user("stranger", "citizen")
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/cases/{accepted_case.number}/").status_code == 404
    assert client.get(f"/window/cases/{accepted_case.number}/receipt.pdf").status_code == 404


# --- public progress -----------------------------------------------------------------------


@pytest.mark.django_db
def test_progress_with_the_right_code_shows_masked_data(accepted_case: Case) -> None:
    verify = ids.last4(accepted_case.applicant_code)
    page = Client().post(f"/progress/{accepted_case.number}/", {"verify": verify})
    assert page.status_code == 200
    assert "周**" in page.text
    assert accepted_case.applicant_code not in page.text
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


@pytest.mark.django_db
def test_wrong_progress_codes_are_limited_together_with_the_api(
    accepted_case: Case, settings: Settings
) -> None:
    settings.ONEWINDOW = {**settings.ONEWINDOW, "PROGRESS_WRONG_TRIES_PER_HOUR": 3}
    client = Client()
    for _ in range(2):
        wrong = client.post("/progress/", {"number": accepted_case.number, "verify": "0000"})
        assert wrong.status_code == 404
        assert "查询码不正确" in wrong.text
    api = client.get(f"/api/v1/cases/{accepted_case.number}/progress", {"verify": "0000"})
    assert api.status_code == 404
    verify = ids.last4(accepted_case.applicant_code)
    blocked = client.post("/progress/", {"number": accepted_case.number, "verify": verify})
    assert blocked.status_code == 429
    assert "一小时后再试" in blocked.text


@pytest.mark.django_db
def test_progress_form_checks_its_fields() -> None:
    response = Client().post("/progress/", {"number": "bad number!", "verify": "1"})
    assert response.status_code == 400
    assert "请输入办件编号" in response.text and "后4位" in response.text
