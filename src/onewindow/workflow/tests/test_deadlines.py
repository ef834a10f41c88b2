"""Deadlines on the working-day clock across the 2025 and 2026 Spring Festival and National Day
holidays (行政许可法 §82): acceptance, 补正 pauses, special procedures (§45), transfers and
extensions (§42). Expected dates were counted by hand from the State Council schedules:

* 2025 春节: 1-28 … 2-4 off; Sun 1-26 and Sat 2-8 are working days.
* 2025 国庆/中秋: 10-1 … 10-8 off; Sun 9-28 and Sat 10-11 are working days.
* 2026 春节: 2-15 … 2-23 off; Sat 2-14 and Sat 2-28 are working days.
* 2026 中秋 Fri 9-25 off; 国庆 10-1 … 10-7 off; Sun 9-20 and Sat 10-10 are working days.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.clock import LOCAL_TZ
from onewindow.workflow import services
from onewindow.workflow.models import Case, CaseTask, Extension, SpecialProcedure
from onewindow.workflow.selectors import sla_state
from onewindow.workflow.tests.factories import make_case

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LOCAL_TZ)


def first_task(case: Case) -> CaseTask:
    return CaseTask.objects.get(case=case, stage=1)


def test_acceptance_before_the_2025_spring_festival_counts_the_adjusted_sunday(
    clerk: User,
) -> None:
    case = make_case(clerk=clerk, at=at(date(2025, 1, 24)))  # Friday
    # 3 working days: Sun 1-26, Mon 1-27, then the holiday, then Wed 2-5.
    assert first_task(case).due_on == date(2025, 2, 5)
    assert case.due_is_provisional is False


def test_supplement_over_the_2025_spring_festival_adds_only_working_days(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk, at=at(date(2025, 1, 24)))
    promised = case.promised_due_on
    with clock.frozen(at(date(2025, 1, 27))):
        services.decide_task(
            task=first_task(case), action="supplement", missing=["SF-GAHZ-011-M02"], actor=approver
        )
    with clock.frozen(at(date(2025, 2, 6))):
        services.receive_supplement(
            case=case,
            materials=[services.SuppliedMaterial("SF-GAHZ-011-M02", "paper")],
            actor=clerk,
        )
    case.refresh_from_db()
    # Paused from Mon 1-27 to Thu 2-6: only Wed 2-5 and Thu 2-6 were working days.
    assert case.paused_days == 2
    assert first_task(case).due_on == date(2025, 2, 7)
    assert case.promised_due_on > promised


def test_a_special_procedure_over_2025_national_day_pauses_one_working_day(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk, at=at(date(2025, 9, 26)))  # Friday
    task = first_task(case)
    assert task.due_on == date(2025, 9, 30)  # Sun 9-28, Mon 9-29, Tue 9-30
    with clock.frozen(at(date(2025, 9, 30))):
        services.start_special_procedure(
            case=case, department_id=task.department_id, kind="检测", reason="送检", actor=approver
        )
    procedure = SpecialProcedure.objects.get(case=case)
    with clock.frozen(at(date(2025, 10, 9))):
        services.end_special_procedure(procedure=procedure, result="合格", actor=approver)
    # 10-1 … 10-8 were holidays: the procedure took one working day (Thu 10-9).
    assert first_task(case).due_on == date(2025, 10, 9)
    assert Case.objects.get(pk=case.pk).paused_days == 1


def test_a_transfer_before_the_2026_spring_festival_restarts_across_the_holiday(
    clerk: User, approver: User
) -> None:
    case = make_case(clerk=clerk, at=at(date(2026, 2, 12)))
    with clock.frozen(at(date(2026, 2, 13))):  # Friday
        services.transfer_task(task=first_task(case), to="SC", reason="转办", actor=approver)
    # Sat 2-14 (working), the holiday 2-15 … 2-23, then Tue 2-24 and Wed 2-25.
    assert first_task(case).due_on == date(2026, 2, 25)


def test_an_extension_over_the_2026_spring_festival(
    clerk: User, approver: User, gahz_head: User
) -> None:
    case = make_case(clerk=clerk, at=at(date(2026, 2, 13)))
    assert case.promised_due_on == date(2026, 3, 19)  # 20 working days over the holiday
    with clock.frozen(at(date(2026, 2, 24))):
        extension = services.request_extension(
            case=case,
            department_id=first_task(case).department_id,
            days=10,
            reason="节后集中核查",
            actor=approver,
        )
        services.approve_extension(extension=extension, actor=gahz_head)
    case.refresh_from_db()
    assert case.promised_due_on == date(2026, 4, 2)
    assert Extension.objects.get(pk=extension.pk).status == "approved"


def test_sla_light_around_2026_national_day() -> None:
    # Due Wed 9-30: on Thu 10-8 one working day late (the holiday does not count) …
    assert sla_state(date(2026, 9, 30), date(2026, 10, 8)) == "overdue"
    # … and a task due Mon 9-28 is already due soon on Thu 9-24: Fri 9-25 is 中秋.
    assert sla_state(date(2026, 9, 28), date(2026, 9, 24)) == "due_soon"
    assert sla_state(date(2026, 9, 29), date(2026, 9, 24)) == "normal"
    # A paused case's light is judged on the day the pause began.
    assert sla_state(date(2026, 9, 30), date(2026, 10, 20), paused_on=date(2026, 9, 29)) == (
        "due_soon"
    )
