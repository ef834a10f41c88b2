"""The department scorecard: weights, components, totals and the Excel/PDF exports."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import PermissionDenied
from onewindow.evaluation import scorecard, services
from onewindow.evaluation.models import Rectification
from onewindow.workflow.models import Case
from onewindow.workflow.tests.factories import PARALLEL_ITEM, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(clerk: User, citizen: User, citizen_person: Any, centre_admin: User) -> str:
    """Three GAHZ reviews this month (levels 1, 2, 4); the bad one rectified on time."""
    cases: list[Case] = [make_case(clerk=clerk, person=citizen_person) for _ in range(3)]
    for case, level in zip(cases, (1, 2, 4), strict=True):
        rating = services.Rating(stage="accept", level=level, channel="PC端")
        services.rate_case(case=case, rating=rating, actor=citizen, token=None)
    rectification = Rectification.objects.get()
    rectification = services.act_on_rectification(
        rectification=rectification,
        action="contact",
        note="",
        actor=centre_admin,
        classification="immediate",
    )
    services.act_on_rectification(
        rectification=rectification, action="rectify", note="", actor=centre_admin
    )
    return clock.today().strftime("%Y-%m")


def test_scorecard_combines_components(month: str) -> None:
    weights, rows = scorecard.build_scorecard(month)
    assert weights == scorecard.Weights(40, 40, 20)
    gahz = next(r for r in rows if r.department_code == "GAHZ")
    assert gahz.reviews == 3 and gahz.review_score == pytest.approx(66.7)
    assert gahz.rectifications == 1 and gahz.rectification_score == 100.0
    parts = [(66.7, 40), (100.0, 40)]
    if gahz.points_score is not None:
        parts.append((gahz.points_score, 20))
    expected = sum(s * w for s, w in parts) / sum(w for _, w in parts)
    assert gahz.total == pytest.approx(expected, abs=0.1)


def test_weights_are_validated_and_ledgered(centre_admin: User, client_for: Any) -> None:
    client = client_for(centre_admin)
    path = "/api/v1/scorecards/weights"
    for body in (
        {"review": 50, "rectification": 40, "points": 20},
        {"review": 50, "rectification": 40, "points": 10},
    ):
        refused = client.put(path, json.dumps(body), content_type="application/json")
        assert refused.status_code == 400 and refused.json()["code"] == "input.invalid"
    ok = client.put(
        path,
        json.dumps({"review": 30, "rectification": 40, "points": 30}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert scorecard.current_weights() == scorecard.Weights(30, 40, 30)


def test_dept_admin_may_not_set_weights(dept_admin: User, client_for: Any) -> None:
    body = json.dumps({"review": 30, "rectification": 40, "points": 30})
    response = client_for(dept_admin).put(
        "/api/v1/scorecards/weights", body, content_type="application/json"
    )
    assert response.status_code == 403


def test_api_and_exports(month: str, centre_admin: User, client_for: Any) -> None:
    client = client_for(centre_admin)
    data = client.get("/api/v1/scorecards/departments", {"month": month}).json()
    assert any(d["department_code"] == "GAHZ" for d in data["departments"])
    xlsx = client.get("/api/v1/scorecards/departments/export.xlsx", {"month": month})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert "GAHZ" in [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    pdf = client.get("/api/v1/scorecards/departments/export.pdf", {"month": month})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/api/v1/scorecards/departments/export.doc").status_code == 404
    assert client.get("/api/v1/scorecards/departments", {"month": "2026-13"}).status_code == 400


def test_scorecard_page(month: str, centre_admin: User, citizen: User) -> None:
    client = Client()
    client.force_login(centre_admin)
    page = client.get("/scorecards/", {"month": month}).content.decode()
    assert "部门好差评考核" in page and "export.xlsx" in page
    assert "格式应为" not in page
    client.force_login(citizen)
    assert client.get("/scorecards/").status_code == 403


@pytest.fixture
def two_departments(month: str, clerk: User, citizen: User, citizen_person: Any) -> str:
    """The month's GAHZ reviews and one RSJY review."""
    case = make_case(clerk=clerk, person=citizen_person, item_code=PARALLEL_ITEM)
    rating = services.Rating(stage="accept", level=2, channel="PC端")
    services.rate_case(case=case, rating=rating, actor=citizen, token=None)
    return month


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_centre_admin_sees_every_department(
    two_departments: str, centre_admin: User, client_for: Any
) -> None:
    client = client_for(centre_admin)
    data = client.get("/api/v1/scorecards/departments", {"month": two_departments}).json()
    assert {d["department_code"] for d in data["departments"]} >= {"GAHZ", "RSJY"}
    pdf = client.get("/api/v1/scorecards/departments/export.pdf", {"month": two_departments})
    assert "GAHZ" in pdf_text(pdf.content) and "RSJY" in pdf_text(pdf.content)


def test_dept_admin_sees_only_their_own_row(
    two_departments: str, dept_admin: User, centre_admin: User, client_for: Any
) -> None:
    month = two_departments
    client = client_for(dept_admin)
    data = client.get("/api/v1/scorecards/departments", {"month": month}).json()
    assert [d["department_code"] for d in data["departments"]] == ["GAHZ"]
    # The row is scored exactly as in the centre's table.
    _, everyone = scorecard.build_scorecard(month)
    assert data["departments"][0] == vars(next(r for r in everyone if r.department_code == "GAHZ"))
    xlsx = client.get("/api/v1/scorecards/departments/export.xlsx", {"month": month})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["GAHZ"]
    pdf = client.get("/api/v1/scorecards/departments/export.pdf", {"month": month})
    assert pdf.status_code == 200
    assert "GAHZ" in pdf_text(pdf.content) and "RSJY" not in pdf_text(pdf.content)
    page = Client()
    page.force_login(dept_admin)
    html = page.get("/scorecards/", {"month": month}).content.decode()
    assert "户政管理支队" in html and "公共就业" not in html
    page.force_login(centre_admin)
    assert "公共就业" in page.get("/scorecards/", {"month": month}).content.decode()


def test_a_department_without_data_sees_an_empty_scorecard(
    two_departments: str, other_dept_admin: User, client_for: Any
) -> None:
    data = client_for(other_dept_admin).get(
        "/api/v1/scorecards/departments", {"month": two_departments}
    )
    assert data.status_code == 200 and data.json()["departments"] == []


def test_other_roles_may_not_see_the_scorecard(
    two_departments: str, outsider: User, approver: User, client_for: Any
) -> None:
    for user in (outsider, approver):
        client = client_for(user)
        for path in (
            "/api/v1/scorecards/departments",
            "/api/v1/scorecards/departments/export.xlsx",
            "/api/v1/scorecards/departments/export.pdf",
        ):
            assert client.get(path, {"month": two_departments}).status_code == 403, path
        page = Client()
        page.force_login(user)
        assert page.get("/scorecards/").status_code == 403
    with pytest.raises(PermissionDenied):
        scorecard.scorecard_for(approver, two_departments)
