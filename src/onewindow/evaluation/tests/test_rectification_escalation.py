"""The rectification sweep: an overdue step → the department's admins, overdue by 3 working
days → the centre; once per step, level and deadline; never for closed or revoked ones."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.core import clock, scheduler
from onewindow.core.notifications.models import Notification
from onewindow.datahub.models import Person
from onewindow.evaluation import escalation
from onewindow.evaluation.models import Rectification, RectificationEscalation
from onewindow.evaluation.tasks import rectification_sweep
from onewindow.evaluation.tests.helpers import at, open_on, step
from onewindow.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def sweep(day: date) -> escalation.SweepResult:
    with clock.frozen(at(day, 11)):
        return escalation.sweep_rectifications()


def escalations() -> list[tuple[str, str]]:
    rows = RectificationEscalation.objects.order_by("pk").values_list("status", "level")
    return list(rows)


def ledger_levels() -> list[tuple[str, str]]:
    entries = LedgerEntry.objects.filter(event="rectification.escalated").order_by("index")
    return [(e.payload["status"], e.payload["level"]) for e in entries]


@pytest.fixture
def opened(clerk: User, citizen: User, citizen_person: Person) -> Rectification:
    """Reviewed Wed 2026-11-18: to be contacted by Thu 11-19."""
    return open_on(date(2026, 11, 18), clerk, citizen, citizen_person)


def test_an_overdue_step_climbs_the_ladder_once(
    opened: Rectification, dept_admin: User, other_dept_admin: User, centre_admin: User
) -> None:
    assert opened.step_due_on == date(2026, 11, 19)
    assert sweep(date(2026, 11, 19)).overdue == 0  # due today is not late
    late = sweep(date(2026, 11, 20))
    assert (late.scanned, late.overdue, late.supervision) == (1, 1, 0)
    notice = Notification.objects.get(template="rectification.overdue")
    assert notice.recipient == dept_admin  # the responsible department's admin only
    assert opened.review.case.number in notice.body and "核实中" in notice.body
    opened.refresh_from_db()
    assert opened.escalation_level == "overdue"
    # Running again (same hour or days later, still under 3 working days late) adds nothing.
    assert sweep(date(2026, 11, 20)).overdue == 0
    assert sweep(date(2026, 11, 23)).supervision == 0  # two working days late
    assert Notification.objects.filter(template="rectification.overdue").count() == 1
    # Tue 11-24: 11-20, Mon 11-23 and 11-24 — three working days late → the centre.
    supervised = sweep(date(2026, 11, 24))
    assert (supervised.overdue, supervised.supervision) == (0, 1)
    assert Notification.objects.get(template="rectification.supervision").recipient == (
        centre_admin
    )
    assert sweep(date(2026, 11, 25)).supervision == 0
    assert escalations() == [("verifying", "overdue"), ("verifying", "supervision")]
    assert ledger_levels() == [("verifying", "overdue"), ("verifying", "supervision")]
    entry = LedgerEntry.objects.filter(event="rectification.escalated").last()
    assert entry is not None and entry.target == f"rectification:{opened.pk}"
    assert entry.payload["overdue_days"] == 3 and entry.payload["due_on"] == "2026-11-19"
    opened.refresh_from_db()
    assert opened.escalation_level == "supervision"
    assert Notification.objects.filter(template__startswith="rectification.").count() == 2


def test_the_next_step_starts_clean_and_escalates_for_itself(
    opened: Rectification, dept_admin: User
) -> None:
    sweep(date(2026, 11, 20))
    fixing = step(opened, date(2026, 11, 20), "contact", dept_admin, classification="deadline")
    assert fixing.escalation_level == "" and fixing.step_due_on == opened.rectify_due_on
    assert sweep(date(2026, 11, 23)).scanned == 0  # the new deadline is weeks away
    due = fixing.rectify_due_on
    assert due == date(2026, 12, 9)
    assert sweep(date(2026, 12, 10)).overdue == 1
    assert escalations() == [("verifying", "overdue"), ("rectifying", "overdue")]
    assert ledger_levels() == [("verifying", "overdue"), ("rectifying", "overdue")]


def test_an_overdue_appeal_is_the_centres(
    opened: Rectification, dept_admin: User, centre_admin: User
) -> None:
    appealing = step(opened, date(2026, 11, 18), "appeal", dept_admin)
    assert appealing.step_due_on == date(2026, 11, 25)  # 5 working days over a weekend
    assert sweep(date(2026, 11, 26)).overdue == 1
    notice = Notification.objects.get(template="rectification.overdue")
    assert notice.recipient == centre_admin and "申诉中" in notice.body


def test_closed_and_revoked_rectifications_are_never_escalated(
    clerk: User,
    citizen: User,
    citizen_person: Person,
    dept_admin: User,
    centre_admin: User,
) -> None:
    closed = open_on(date(2026, 11, 16), clerk, citizen, citizen_person)
    for action, extra in (
        ("contact", {"classification": "explain"}),
        ("reply", {}),
        ("revisit", {"satisfied": False}),
    ):
        closed = step(closed, date(2026, 11, 17), action, dept_admin, **extra)
    revoked = open_on(date(2026, 11, 16), clerk, citizen, citizen_person)
    revoked = step(revoked, date(2026, 11, 17), "appeal", dept_admin)
    revoked = step(revoked, date(2026, 11, 17), "uphold_appeal", centre_admin)
    assert (closed.status, revoked.status) == ("closed", "revoked")
    # Even with a stale deadline left behind, only open steps are swept.
    Rectification.objects.update(step_due_on=date(2026, 11, 17))
    result = sweep(date(2026, 12, 31))
    assert (result.scanned, result.overdue, result.supervision) == (0, 0, 0)
    assert not RectificationEscalation.objects.exists()
    assert not LedgerEntry.objects.filter(event="rectification.escalated").exists()


def test_the_list_page_flags_escalated_steps(opened: Rectification, dept_admin: User) -> None:
    sweep(date(2026, 11, 20))
    client = Client()
    client.force_login(dept_admin)
    with clock.frozen(at(date(2026, 11, 20), 12)):
        page = client.get("/rectifications/").content.decode()
        dashboard = client.get("/kpis/reviews/").content.decode()
    assert "超期督办" in page and "sla-overdue" in page
    assert "超期督办" in dashboard


def test_the_sweep_is_an_hourly_job_that_runs_the_sweep(opened: Rectification) -> None:
    scheduler.autodiscover()
    job = next(j for j in scheduler.jobs() if j.name == "evaluation.rectification_sweep")
    assert job.period == "hour"
    with clock.frozen(at(date(2026, 11, 20), 11)):
        assert rectification_sweep.call() == {"scanned": 1, "overdue": 1, "supervision": 0}
