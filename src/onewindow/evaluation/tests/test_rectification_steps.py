"""Each rectification step's deadline in working days (across weekends, holidays and 调休),
its owner and its SLA light, in the service, the API and the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.datahub.models import Person
from onewindow.evaluation import steps
from onewindow.evaluation.models import Rectification
from onewindow.evaluation.tests.helpers import at, open_on, step
from onewindow.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(clerk: User, citizen: User, citizen_person: Person) -> Rectification:
    """Reviewed Wed 2026-09-30, the last working day before the National Day holiday."""
    return open_on(date(2026, 9, 30), clerk, citizen, citizen_person)


def test_verifying_and_rectifying_deadlines_skip_the_national_day_holiday(
    opened: Rectification,
) -> None:
    # 10-1 … 10-7 are off; Thu 10-8 is the first working day after the review.
    assert opened.status == "verifying"
    assert opened.contact_due_on == opened.step_due_on == date(2026, 10, 8)
    # 15 working days: 10-8, 10-9, Sat 10-10 (调休), 10-12 … 10-16, 10-19 … 10-23, 10-26, 10-27.
    assert opened.rectify_due_on == date(2026, 10, 27)


def test_each_step_gets_its_deadline_when_it_is_entered(
    opened: Rectification, dept_admin: User
) -> None:
    fixing = step(opened, date(2026, 10, 8), "contact", dept_admin, classification="deadline")
    assert (fixing.status, fixing.step_due_on) == ("rectifying", date(2026, 10, 27))
    # Rectified late on Fri 10-30: the reply still gets one working day, Mon 11-2.
    replying = step(fixing, date(2026, 10, 30), "rectify", dept_admin)
    assert (replying.status, replying.step_due_on) == ("replying", date(2026, 11, 2))
    # Replied Thu 11-19: revisit within 3 working days, 11-20, Mon 11-23, Tue 11-24.
    revisiting = step(replying, date(2026, 11, 19), "reply", dept_admin)
    assert (revisiting.status, revisiting.step_due_on) == ("revisiting", date(2026, 11, 24))
    closed = step(revisiting, date(2026, 11, 23), "revisit", dept_admin, satisfied=True)
    assert closed.step_due_on is None
    assert steps.sla_of(closed) is None and steps.owner_of(closed) is None
    # Every step is a ledger entry carrying the deadline it set.
    entries = LedgerEntry.objects.filter(event="rectification.step").order_by("index")
    assert [e.payload["step_due_on"] for e in entries] == [
        "2026-10-27",
        "2026-11-02",
        "2026-11-24",
        None,
    ]


def test_an_early_reply_is_due_by_the_rectify_deadline(
    opened: Rectification, dept_admin: User
) -> None:
    replying = step(opened, date(2026, 10, 8), "contact", dept_admin, classification="explain")
    assert (replying.status, replying.step_due_on) == ("replying", date(2026, 10, 27))


def test_appeal_is_decided_within_five_working_days(
    opened: Rectification, dept_admin: User, centre_admin: User
) -> None:
    appealing = step(opened, date(2026, 9, 30), "appeal", dept_admin)
    # 10-8, 10-9, Sat 10-10 (调休), 10-12, 10-13.
    assert (appealing.status, appealing.step_due_on) == ("appealing", date(2026, 10, 13))
    assert steps.owner_of(appealing) == "centre"
    # A rejected appeal does not stop the clock: back to the original rectify deadline.
    back = step(appealing, date(2026, 10, 12), "reject_appeal", centre_admin)
    assert (back.status, back.step_due_on) == ("rectifying", date(2026, 10, 27))
    assert steps.owner_of(back) == "department"


def test_step_days_are_configurable(
    clerk: User, citizen: User, citizen_person: Person, dept_admin: User, settings: Any
) -> None:
    conf = {**settings.ONEWINDOW, "REVIEW_REPLY_DAYS": 4, "REVIEW_REVISIT_DAYS": 2}
    del conf["REVIEW_APPEAL_DAYS"]
    settings.ONEWINDOW = conf
    # Reviewed Mon 11-16; explained at once on Tue 11-17.
    opened = open_on(date(2026, 11, 16), clerk, citizen, citizen_person)
    assert opened.rectify_due_on == date(2026, 12, 7)
    explained = step(opened, date(2026, 12, 4), "contact", dept_admin, classification="explain")
    # Four working days after Fri 12-4 is Thu 12-10, later than the rectify deadline 12-7.
    assert explained.step_due_on == date(2026, 12, 10)
    revisiting = step(explained, date(2026, 12, 4), "reply", dept_admin)
    assert revisiting.step_due_on == date(2026, 12, 8)  # Mon 12-7, Tue 12-8
    # Unset keys fall back to the defaults (appeal: 5 working days).
    assert steps.configured_days("REVIEW_APPEAL_DAYS") == 5


def test_sla_light_at_its_boundaries(opened: Rectification) -> None:
    Rectification.objects.filter(pk=opened.pk).update(step_due_on=date(2026, 11, 20))  # a Fri
    opened.refresh_from_db()
    assert steps.sla_of(opened, date(2026, 11, 18)) == "normal"  # two working days left
    assert steps.sla_of(opened, date(2026, 11, 19)) == "due_soon"  # within one working day
    assert steps.sla_of(opened, date(2026, 11, 20)) == "due_soon"  # due today
    assert steps.sla_of(opened, date(2026, 11, 21)) == "overdue"  # the next day, a Saturday
    opened.step_due_on = date(2026, 11, 23)  # a Monday: the weekend does not count
    assert steps.sla_of(opened, date(2026, 11, 20)) == "due_soon"
    assert steps.sla_of(opened, date(2026, 11, 19)) == "normal"


def test_api_rectification_has_step_deadline_owner_and_light(
    opened: Rectification, dept_admin: User, client_for: Any
) -> None:
    with clock.frozen(at(date(2026, 10, 8))):
        item = client_for(dept_admin).get("/api/v1/rectifications").json()["items"][0]
    assert item["contact_due_on"] == "2026-10-08" and item["rectify_due_on"] == "2026-10-27"
    assert item["step_due_on"] == "2026-10-08"
    assert (item["owner"], item["sla"], item["escalation"]) == ("department", "due_soon", None)
    with clock.frozen(at(date(2026, 10, 9))):
        item = client_for(dept_admin).get("/api/v1/rectifications").json()["items"][0]
    assert item["sla"] == "overdue"


def test_rectification_list_query_count_does_not_grow_with_rows(
    clerk: User, citizen: User, citizen_person: Person, centre_admin: User, client_for: Any
) -> None:
    open_on(date(2026, 11, 16), clerk, citizen, citizen_person)
    client = client_for(centre_admin)

    def count() -> int:
        with clock.frozen(at(date(2026, 11, 18))), CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/rectifications").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for day in (17, 18):
        open_on(date(2026, 11, day), clerk, citizen, citizen_person)
    assert count() == one


def test_pages_show_the_light_and_owner(
    opened: Rectification, dept_admin: User, centre_admin: User
) -> None:
    client = Client()
    client.force_login(dept_admin)
    with clock.frozen(at(date(2026, 10, 9))):
        page = client.get("/rectifications/").content.decode()
        dashboard = client.get("/kpis/reviews/").content.decode()
    assert "sla-overdue" in page and "2026-10-08" in page
    assert "open-rectifications" in dashboard and "sla-overdue" in dashboard
    assert opened.review.case.number in dashboard
    appealing = step(opened, date(2026, 10, 9), "appeal", dept_admin)
    with clock.frozen(at(date(2026, 10, 9))):
        dashboard = client.get("/kpis/reviews/").content.decode()
    assert "政务服务中心" in dashboard and "sla-normal" in dashboard
    step(appealing, date(2026, 10, 9), "uphold_appeal", centre_admin)
    with clock.frozen(at(date(2026, 10, 9))):
        dashboard = client.get("/kpis/reviews/").content.decode()
    assert opened.review.case.number not in dashboard  # revoked: no longer open
