"""Where people rate without signing in: the completion SMS link (短信) and the QR codes of the
受理通知书 and the 办结通知书 (二维码), all through the workflow's review-link hook."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core.notifications.models import Notification
from onewindow.core.tests.pdf_qr import pdf_has_qr
from onewindow.evaluation import tokens
from onewindow.evaluation.enums import ReviewChannel, Stage
from onewindow.evaluation.models import Review
from onewindow.workflow import links
from onewindow.workflow import services as workflow
from onewindow.workflow.models import Case, CaseTask

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/rate/\S+")


def deliver(case: Case, approver: User, clerk: User) -> Case:
    """Approve every task and hand the result over at the window (办结)."""
    while (task := CaseTask.objects.filter(case=case, status="open").first()) is not None:
        workflow.decide_task(task=task, action="approve", actor=approver)
    return workflow.deliver_case(case=Case.objects.get(pk=case.pk), method="window", actor=clerk)


def local(link: str) -> str:
    """The path and query of a public link, for the test client."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_the_hook_speaks_the_stages_of_the_ratings() -> None:
    assert {links.ACCEPTANCE, links.COMPLETION} == set(Stage.values)
    assert {tokens.channel_for_via(links.VIA_SMS), tokens.channel_for_via(links.VIA_QR)} == {
        ReviewChannel.SMS,
        ReviewChannel.QR_CODE,
    }


def test_completion_sms_carries_a_link_that_rates_by_sms(
    case: Case, approver: User, clerk: User, citizen: User
) -> None:
    case = deliver(case, approver, clerk)
    message = Notification.objects.get(template="case.completed", recipient=citizen)
    assert message.phone == "13800138000"  # the applicant's phone: the message goes by SMS too
    found = LINK.search(message.body)
    assert found is not None, message.body
    assert found.group(0) == tokens.review_link(case, Stage.COMPLETE, via="sms")
    client = Client()
    page = client.get(local(found.group(0)))
    assert page.status_code == 200 and "对办结服务的总体评价" in page.content.decode()
    form = page.content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', form)
    assert key is not None and 'name="via" value="sms"' in form
    response = client.post(
        local(found.group(0)), {"level": "2", "via": "sms", "submission_key": key.group(1)}
    )
    assert "感谢您的评价" in response.content.decode()
    review = Review.objects.get()
    assert (review.stage, review.level, review.channel) == ("complete", 2, "短信")
    assert review.evaluator is None


def test_without_a_rating_app_the_completion_sms_has_no_link(
    case: Case, approver: User, clerk: User, citizen: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(links, "_review_link", None)
    deliver(case, approver, clerk)
    body = Notification.objects.get(template="case.completed", recipient=citizen).body
    assert body.endswith("办理结果已在窗口领取。") and "/rate/" not in body


def test_a_failing_link_provider_never_stops_the_completion(
    case: Case, approver: User, clerk: User, citizen: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(case: Case, stage: str, via: str) -> str | None:
        raise RuntimeError("签名密钥不可用")

    monkeypatch.setattr(links, "_review_link", broken)
    assert deliver(case, approver, clerk).status == "completed"
    body = Notification.objects.get(template="case.completed", recipient=citizen).body
    assert "/rate/" not in body


def test_receipt_qr_code_rates_the_acceptance_by_qr_code(
    case: Case, clerk: User, client_for: Any
) -> None:
    link = tokens.review_link(case, Stage.ACCEPT, via="qr")
    assert link is not None
    receipt = client_for(clerk).get(f"/api/v1/cases/{case.number}/receipt")
    assert receipt.status_code == 200 and pdf_has_qr(receipt.content, link)
    assert not pdf_has_qr(receipt.content, tokens.review_link(case, Stage.ACCEPT, via="sms") or "")
    response = Client().post(local(link), {"level": "1"})
    assert "感谢您的评价" in response.content.decode()
    review = Review.objects.get()
    assert (review.stage, review.channel) == ("accept", "二维码")


def test_result_notice_qr_code_rates_the_completion(
    case: Case, approver: User, clerk: User, citizen: User, client_for: Any
) -> None:
    before = client_for(citizen).get(f"/api/v1/cases/{case.number}/receipt").content
    assert not pdf_has_qr(before, f"{tokens.review_link(case, Stage.COMPLETE)}")
    case = deliver(case, approver, clerk)
    link = tokens.review_link(case, Stage.COMPLETE, via="qr")
    assert link is not None
    notice = client_for(citizen).get(f"/api/v1/cases/{case.number}/result-notice")
    assert notice.status_code == 200 and pdf_has_qr(notice.content, link)
    Client().post(local(link), {"level": "3"})
    review = Review.objects.get()
    assert (review.stage, review.level, review.channel) == ("complete", 3, "二维码")


def test_a_link_without_via_counts_as_qr_code_and_via_is_not_free_text(case: Case) -> None:
    token = tokens.token_for(case, Stage.ACCEPT)
    page = Client().get(f"/rate/{token}/?via=电话")
    assert page.status_code == 200 and 'name="via"' not in page.content.decode()
    Client().post(f"/rate/{token}/", {"level": "2", "via": "电话"})
    assert Review.objects.get().channel == "二维码"
