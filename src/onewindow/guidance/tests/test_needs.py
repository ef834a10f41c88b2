"""Need prediction: bundles, and co-occurrence in the case history of the same applicants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion
from onewindow.core import clock
from onewindow.guidance import selectors
from onewindow.guidance.engine import BundleDoc
from onewindow.guidance.engine.predict import count_cooccurrence, predict_needs
from onewindow.workflow.models import Case

BUNDLE = BundleDoc("YJS-X", "测试一件事", "", ("A", "B", "C", "D"))


def test_bundle_neighbours_come_next_in_bundle_order() -> None:
    codes = [n.code for n in predict_needs("B", [BUNDLE])]
    assert codes == ["C", "D", "A"]
    assert predict_needs("B", [BUNDLE])[0].bundle == "测试一件事"


def test_history_needs_the_minimum_support() -> None:
    history = count_cooccurrence([["A", "E"], ["A", "E"], ["A", "F"]])
    assert predict_needs("A", [], history, min_support=2)[0].code == "E"
    assert predict_needs("A", [], history, min_support=3) == []


def test_history_and_bundle_add_up_and_exclusions_apply() -> None:
    history = count_cooccurrence([["B", "D"]] * 5)
    needs = predict_needs("B", [BUNDLE], history, min_support=3, exclude={"C"})
    assert [n.code for n in needs][:1] == ["D"] and needs[0].applicants == 5
    assert "C" not in [n.code for n in needs]


def test_applicants_with_huge_histories_are_skipped() -> None:
    busy = [f"I{i}" for i in range(100)]
    assert count_cooccurrence([busy]).totals == {}


def _case(number: str, item_code: str, applicant: str) -> Case:
    version = ItemVersion.objects.get(item__code=item_code, is_current=True)
    today = clock.today()
    return Case.objects.create(
        number=number,
        region_code="999900",
        item=version.item,
        item_version=version,
        applicant_kind="person",
        applicant_name="测试",
        applicant_code=applicant,
        channel="window",
        accepted_at=clock.now() - timedelta(days=3),
        promised_due_on=today,
        legal_due_on=today,
    )


@pytest.mark.django_db
def test_case_history_suggests_what_other_applicants_did_next() -> None:
    for n in range(3):
        _case(f"T-{n}-A", "SF-GAJG-004", f"99990119900101{n:04d}")
        _case(f"T-{n}-B", "SF-GAZA-002", f"99990119900101{n:04d}")
    needs = selectors.predicted_needs("SF-GAJG-004")
    assert needs[0].code == "SF-GAZA-002"
    assert needs[0].reason == "3 位办理过此事项的群众也办理了"
    # The applicant who already has that item is not told to get it again.
    mine = selectors.predicted_needs("SF-GAJG-004", applicant_code="999901199001010000")
    assert "SF-GAZA-002" not in [n.code for n in mine]


@pytest.mark.django_db
def test_window_shows_the_prediction_after_acceptance(clerk: User) -> None:
    case = _case("T-ACCEPT-1", "SF-GAHZ-001", "999901199001019999")
    client = Client()
    client.force_login(clerk)
    html = client.get("/window/accepted/", {"case": case.number}).content.decode()
    assert "预判需求：通常还需要" in html
    assert "办理了“出生登记”的群众通常还需要" in html
    assert "/window/?item=SF-YB-002" in html
