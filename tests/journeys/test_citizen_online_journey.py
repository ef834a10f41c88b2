"""The citizen's journey in Debian's Chromium: log in, find an item in 办事指南 whose materials
all come from the certificate library, apply online without uploading anything (免提交), and
land on the accepted case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from onewindow.accounts.tests.factories import make_user
from onewindow.catalog import services as catalog
from onewindow.catalog.enums import HolderKind, Target
from onewindow.catalog.models import ItemVersion
from onewindow.datahub.tests.factories import give_certificate, make_person
from onewindow.intake.services import PARTY_ROLE_PREFIXES
from onewindow.workflow.models import Case

CITIZEN_ID = "999903195803120013"  # born 1958-03-12, male; fictional region 999903
pytestmark = pytest.mark.browser


def zero_material_item() -> ItemVersion:
    """A person item fully online whose every material is required and served by the
    applicant's own certificate (no other party's, no application form, no situational
    material). The one with most materials shows the most."""
    candidates = []
    versions = ItemVersion.objects.filter(
        is_current=True, target__in=[Target.PERSON, Target.BOTH], online="全程网办"
    ).prefetch_related("materials__certificate_type")
    for version in versions:
        materials = list(version.materials.all())
        if materials and all(
            m.certificate_type is not None
            and m.certificate_type.holder_kind in (HolderKind.PERSON, HolderKind.BOTH)
            and m.required
            and not m.is_form
            and not m.name.startswith(PARTY_ROLE_PREFIXES)
            for m in materials
        ):
            candidates.append(version)
    assert candidates, "the catalog has no item served wholly by person certificates"
    return min(candidates, key=lambda v: (-len(v.materials.all()), v.item.code))


@pytest.mark.django_db(transaction=True)
def test_citizen_applies_online_without_handing_in_anything(
    live_server: Any, browser_page: Any
) -> None:
    catalog.load_catalog()  # transactional tests may run after a flush
    version = zero_material_item()
    materials = list(version.materials.all())
    person = make_person(name="陈建国", id_number=CITIZEN_ID, phone="13900001111")
    for type_code in {m.certificate_type.code for m in materials if m.certificate_type}:
        give_certificate(person, type_code)
    user = make_user("citizen", "citizen", name=person.name)
    person.user = user
    person.save(update_fields=["user"])

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.fill("input[name=username]", "citizen")
    page.fill("input[name=password]", "demo12345")
    page.locator("form").locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("navigation").get_by_role("link", name="办事指南").first.click()
    page.wait_for_url("**/guide/**")
    page.fill("#guide-q", version.name)
    page.locator("#guide-results").get_by_role("link", name=version.name, exact=True).click()
    page.wait_for_url(f"**/guide/items/{version.item.code}/")
    page.get_by_role("link", name="在线办理").click()
    page.wait_for_url(f"**/apply/{version.item.code}/")

    for m in materials:
        row = page.locator(f"#material-{m.code}")
        assert row.locator(".status-badge").inner_text().strip() == "免提交", m.name
        assert "无需提交" in row.inner_text()
    # Nothing to upload or hand in: no material asks how it will be provided.
    assert page.locator("#apply-form input[type=radio]").count() == 0
    page.locator("#apply-button").click()

    page.wait_for_url("**/cases/**")
    case = Case.objects.get(applicant_code=CITIZEN_ID)
    assert case.number in page.locator("h1").inner_text()
    assert page.locator(".case-status").first.inner_text().strip() == "已受理"
    assert case.status == "accepted"
    provided = set(case.materials.values_list("provided", flat=True))
    assert provided == {"certificate"}
