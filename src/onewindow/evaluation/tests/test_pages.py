"""The 好差评 pages: rating forms, token page, tablet, rectification list, dashboard."""

from __future__ import annotations

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.evaluation import tokens
from onewindow.evaluation.models import Rectification, Review
from onewindow.workflow.models import Case

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_applicant_rates_on_case_page(case: Case, citizen: User, outsider: User) -> None:
    path = f"/reviews/cases/{case.number}/"
    assert signed_in(outsider).get(path).status_code == 404
    client = signed_in(citizen)
    assert "提交评价" in client.get(path).content.decode()
    response = client.post(path, {"stage": "accept", "level": "2", "text": "好"}, follow=True)
    assert "感谢您的评价" in response.content.decode()
    assert Review.objects.get().channel == "PC端"


def test_token_page_rates_without_login(case: Case) -> None:
    token = tokens.token_for(case, "accept")
    assert token is not None
    client = Client()
    assert "提交评价" in client.get(f"/rate/{token}/").content.decode()
    response = client.post(f"/rate/{token}/", {"stage": "accept", "level": "4", "channel": "短信"})
    assert "感谢您的评价" in response.content.decode()
    assert Review.objects.get().channel == "短信"
    assert Rectification.objects.count() == 1
    assert client.get("/rate/forged/").status_code == 403


def test_tablet_shows_current_case_and_rates(case: Case, clerk: User) -> None:
    client = signed_in(clerk)
    assert case.number in client.get("/rate/tablet/").content.decode()
    response = client.post("/rate/tablet/", {"stage": "accept", "level": "1"})
    assert "感谢您的评价" in response.content.decode()
    review = Review.objects.get()
    assert review.channel == "政务大厅平板电脑" and review.evaluator is None


def test_rectification_page_actions(case: Case, citizen: User, dept_admin: User) -> None:
    signed_in(citizen).post(f"/reviews/cases/{case.number}/", {"stage": "accept", "level": "5"})
    rectification = Rectification.objects.get()
    client = signed_in(dept_admin)
    page = client.get("/rectifications/").content.decode()
    assert case.number in page and "已隐藏" in page and "张三" not in page
    client.post(
        f"/rectifications/{rectification.pk}/actions/",
        {"action": "contact", "classification": "immediate", "note": "已电话核实"},
    )
    rectification.refresh_from_db()
    assert rectification.status == "rectifying"
    client.post(f"/rectifications/{rectification.pk}/actions/", {"action": "reply"})
    rectification.refresh_from_db()
    assert rectification.status == "rectifying"


def test_dashboard_and_polled_figures(centre_admin: User, citizen: User) -> None:
    client = signed_in(centre_admin)
    page = client.get("/kpis/reviews/").content.decode()
    assert "好评率" in page and 'hx-trigger="every 15s"' in page
    assert "回访整改率" in client.get("/kpis/reviews/figures/").content.decode()
    assert signed_in(citizen).get("/kpis/reviews/").status_code == 403
