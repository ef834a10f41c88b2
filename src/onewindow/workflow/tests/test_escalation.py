"""The SLA sweep: reminder → approvers, overdue → department head, 3 working days overdue →
the centre's supervision list; idempotent, holiday-aware, silent for paused cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from onewindow.accounts.models import User
from onewindow.core import clock, scheduler
from onewindow.core.clock import LOCAL_TZ
from onewindow.core.notifications.models import Notification
from onewindow.ledger.models import LedgerEntry
from onewindow.workflow import services
from onewindow.workflow.models import CaseTask, Escalation
from onewindow.workflow.services.escalation import escalation_digest
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LOCAL_TZ)


def sweep(day: date) -> services.SweepResult:
    with clock.frozen(at(day)):
        return services.sweep_escalations()


def test_escalation_ladder_over_2026_national_day(
    clerk: User, approver: User, gahz_head: User, centre_admin: User, client_for: Any
) -> None:
    case = make_case(clerk=clerk, at=at(date(2026, 9, 24)))
    assert CaseTask.objects.get(case=case, stage=1).due_on == date(2026, 9, 30)
    assert sweep(date(2026, 9, 28)).reminders == 0  # two working days left
    first = sweep(date(2026, 9, 29))
    assert (first.reminders, first.overdue, first.supervision) == (1, 0, 0)
    reminder = Notification.objects.get(template="task.reminder")
    assert reminder.recipient == approver and case.number in reminder.body
    # Idempotent: the same day again, or the next hour, escalates nothing new.
    assert sweep(date(2026, 9, 29)).reminders == 0
    assert Notification.objects.filter(template="task.reminder").count() == 1
    # Thu 10-8 is the first working day after the holiday: one day late, the head is told.
    late = sweep(date(2026, 10, 8))
    assert (late.overdue, late.supervision) == (1, 0)
    assert Notification.objects.get(template="task.overdue").recipient == gahz_head
    assert sweep(date(2026, 10, 9)).supervision == 0  # two working days late
    # Mon 10-12: 10-8, 10-9, Sat 10-10 and 10-12 — four working days late.
    supervised = sweep(date(2026, 10, 12))
    assert supervised.supervision == 1 and supervised.overdue == 0
    assert Notification.objects.get(template="task.supervision").recipient == centre_admin
    levels = list(Escalation.objects.order_by("created_at").values_list("level", flat=True))
    assert levels == ["reminder", "overdue", "supervision"]
    # One ledger entry per sweep that escalated something; its digest covers the rows.
    entries = LedgerEntry.objects.filter(event="task.escalated").order_by("index")
    assert [e.target for e in entries] == [
        "sweep:2026-09-29",
        "sweep:2026-10-08",
        "sweep:2026-10-12",
    ]
    for entry in entries:
        rows = list(Escalation.objects.filter(ledger_index=entry.index))
        assert entry.payload == escalation_digest(rows)
    with clock.frozen(at(date(2026, 10, 12))):
        listing = client_for(centre_admin).get("/api/v1/supervision").json()
    assert listing["total"] == 1
    row = listing["items"][0]
    assert row["case_number"] == case.number and row["overdue_days"] == 4
    assert row["department"]["code"] == "GAHZ"
    assert client_for(approver).get("/api/v1/supervision").status_code == 403


def test_a_moved_deadline_is_escalated_again_and_paused_cases_are_skipped(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk, at=at(date(2026, 11, 16)))  # due 11-19
    paused = make_case(clerk=clerk, at=at(date(2026, 11, 16)))
    with clock.frozen(at(date(2026, 11, 17))):
        services.decide_task(
            task=CaseTask.objects.get(case=paused, stage=1),
            action="supplement",
            missing=["SF-GAHZ-011-M02"],
            actor=approver,
        )
    assert sweep(date(2026, 11, 18)).reminders == 1  # the paused case is not reminded
    with clock.frozen(at(date(2026, 11, 20))):
        services.transfer_task(
            task=CaseTask.objects.get(case=case, stage=1), to="SC", reason="转办", actor=approver
        )
    # Due again on 11-25 in SC: a new reminder for the new due date.
    again = sweep(date(2026, 11, 24))
    assert again.reminders == 1
    assert Escalation.objects.filter(task__case=case).count() == 2


def test_the_sweep_is_registered_as_an_hourly_job() -> None:
    scheduler.autodiscover()
    job = next(j for j in scheduler.jobs() if j.name == "workflow.sla_sweep")
    assert job.period == "hour"
    retry = next(j for j in scheduler.jobs() if j.name == "notifications.retry")
    assert retry.period == "minute"
