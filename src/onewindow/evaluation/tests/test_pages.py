"""The 好差评 pages: rating forms, token page, tablet, rectification list, dashboard."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.evaluation import tokens
from onewindow.evaluation.models import Rectification, Review
from onewindow.evaluation.tests.helpers import complete
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
    response = client.post(f"/rate/{token}/?via=sms", {"level": "4"})
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


# --- the 好差评 block of the case page ----------------------------------------------------------

HTMX = {"HX-Request": "true"}
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"


def block(case: Case) -> str:
    return f"/reviews/cases/{case.number}/block/"


def form_key(html: str, stage: str) -> str:
    """The submission key of the stage's rating form in ``html``."""
    form = html[html.index(f'id="review-form-{stage}"') :]
    found = re.search(r'name="submission_key" value="([^"]+)"', form)
    assert found is not None
    return found.group(1)


def test_case_page_loads_the_review_block(case: Case, citizen: User) -> None:
    page = signed_in(citizen).get(f"/cases/{case.number}/").content.decode()
    assert f'hx-get="{block(case)}"' in page and 'hx-trigger="load"' in page


def test_block_shows_the_form_to_the_applicant_only(
    case: Case, citizen: User, outsider: User, clerk: User
) -> None:
    mine = signed_in(citizen).get(block(case), headers=HTMX).content.decode()
    assert 'id="review-form-accept"' in mine and 'id="review-form-complete"' not in mine
    assert "非常满意" in mine and "非常不满意" in mine and "服务态度" in mine
    assert "同意工作人员就此评价联系我" in mine and "办件办结后可对办结服务评价" in mine
    assert signed_in(outsider).get(block(case), headers=HTMX).status_code == 404
    assert signed_in(outsider).get(f"/cases/{case.number}/").status_code == 404
    staff = signed_in(clerk).get(block(case), headers=HTMX).content.decode()
    assert "提交评价" not in staff and "尚未评价" in staff


def test_rating_in_the_block_is_swapped_in_place_and_a_second_says_rated(
    case: Case, citizen: User
) -> None:
    client = signed_in(citizen)
    key = form_key(client.get(block(case), headers=HTMX).content.decode(), "accept")
    body = {
        "stage": "accept",
        "level": "2",
        "dimension-0": "1",
        "dimension-2": "2",
        "text": "材料一次讲清",
        "submission_key": key,
    }
    rated = client.post(block(case), body, headers=HTMX)
    html = rated.content.decode()
    assert rated.status_code == 200 and 'id="case-reviews"' in html
    assert "已评价：<strong>满意</strong>" in html and 'id="review-form-accept"' not in html
    review = Review.objects.get()
    assert review.channel == "PC端" and review.evaluator == citizen
    assert review.dimensions == {"服务效率": 1, "服务态度": 2} and review.text == "材料一次讲清"
    again = client.post(block(case), {**body, "submission_key": "another-form"}, headers=HTMX)
    assert "此办件的该环节已评价，不能重复评价" in again.content.decode()
    assert 'data-code="review.duplicate"' in again.content.decode()
    assert Review.objects.count() == 1


def test_a_replayed_form_answers_as_the_first_time(case: Case, citizen: User) -> None:
    client = signed_in(citizen)
    key = form_key(client.get(block(case), headers=HTMX).content.decode(), "accept")
    body = {"stage": "accept", "level": "1", "submission_key": key}
    first = client.post(block(case), body, headers=HTMX)
    replay = client.post(block(case), body, headers=HTMX)
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert replay.content == first.content and "感谢您的评价" in replay.content.decode()
    assert Review.objects.count() == 1


def test_a_phone_browser_rates_as_mobile(case: Case, citizen: User) -> None:
    client = signed_in(citizen)
    client.post(
        block(case), {"stage": "accept", "level": "3"}, headers={**HTMX, "User-Agent": PHONE}
    )
    assert Review.objects.get().channel == "移动服务端"


def test_completion_form_appears_after_completion(case: Case, citizen: User) -> None:
    client = signed_in(citizen)
    early = client.post(block(case), {"stage": "complete", "level": "1"}, headers=HTMX)
    assert 'data-code="review.not_rateable"' in early.content.decode()
    complete(case)
    html = client.get(block(case), headers=HTMX).content.decode()
    assert 'id="review-form-accept"' in html and 'id="review-form-complete"' in html
    client.post(block(case), {"stage": "complete", "level": "4"}, headers=HTMX)
    html = client.get(block(case), headers=HTMX).content.decode()
    assert "已评价：<strong>不满意</strong>" in html and 'id="review-form-accept"' in html
    assert Rectification.objects.count() == 1


def test_bad_input_is_a_chinese_message_never_a_500(case: Case, citizen: User) -> None:
    client = signed_in(citizen)
    fragment = client.post(block(case), {"stage": "accept", "dimension-1": "9"}, headers=HTMX)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and 'data-code="input.invalid"' in html
    assert "请选择总体评价等级" in html and "“服务水平”的评价等级无效" in html
    page = client.post(f"/reviews/cases/{case.number}/", {"stage": "nonsense", "level": "1"})
    assert page.status_code == 400 and "评价环节应为受理或办结" in page.content.decode()
    assert not Review.objects.exists()


def test_staff_see_the_rating_without_the_evaluator(
    case: Case, citizen: User, clerk: User, dept_admin: User
) -> None:
    signed_in(citizen).post(block(case), {"stage": "accept", "level": "2", "text": "很快"})
    for viewer in (clerk, dept_admin):
        html = signed_in(viewer).get(block(case), headers=HTMX).content.decode()
        assert "已评价：<strong>满意</strong>" in html and "很快" in html
        assert "评价人：已隐藏" in html and "张三" not in html and "citizen1" not in html
        assert "提交评价" not in html


def test_consent_lets_department_admins_know_they_may_contact(
    case: Case, citizen: User, clerk: User, dept_admin: User
) -> None:
    body = {"stage": "accept", "level": "5", "contact_consent": "on"}
    signed_in(citizen).post(block(case), body, headers=HTMX)
    admin = signed_in(dept_admin).get(block(case), headers=HTMX).content.decode()
    assert "评价人：同意联系" in admin
    assert "评价人：已隐藏" in signed_in(clerk).get(block(case), headers=HTMX).content.decode()


def test_the_clerk_who_submitted_at_the_window_cannot_rate(case: Case, clerk: User) -> None:
    Case.objects.filter(pk=case.pk).update(submitted_by=clerk)
    client = signed_in(clerk)
    assert "提交评价" not in client.get(block(case), headers=HTMX).content.decode()
    refused = client.post(block(case), {"stage": "accept", "level": "1"}, headers=HTMX)
    assert 'data-code="review.forbidden"' in refused.content.decode()
    assert not Review.objects.exists()


def test_rating_page_without_htmx_redirects_with_thanks(case: Case, citizen: User) -> None:
    client = signed_in(citizen)
    page = client.get(f"/reviews/cases/{case.number}/").content.decode()
    assert f'hx-post="{block(case)}"' in page and 'id="case-reviews"' in page
    response = client.post(block(case), {"stage": "accept", "level": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/reviews/cases/{case.number}/"
    assert "感谢您的评价" in response.content.decode()


def test_token_page_replay_and_second_attempt(case: Case) -> None:
    token = tokens.token_for(case, "accept")
    client = Client()
    form = client.get(f"/rate/{token}/?via=qr").content.decode()
    key = form_key(form, "accept")
    body = {"level": "2", "via": "qr", "submission_key": key}
    first = client.post(f"/rate/{token}/", body)
    assert "感谢您的评价" in first.content.decode()
    assert client.post(f"/rate/{token}/", body)["Idempotent-Replayed"] == "true"
    second = client.post(f"/rate/{token}/", {**body, "submission_key": "other"})
    assert second.status_code == 409 and "不能重复评价" in second.content.decode()
    assert "您已评价此环节" in client.get(f"/rate/{token}/").content.decode()
    assert Review.objects.count() == 1
