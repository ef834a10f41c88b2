"""The figures of a dispatch report (周例会/月调度), per department and for the whole centre.

Definitions (STANDARDS.md, efficiency indicators):

* 受理 accepted — cases accepted in the period, by the item's lead department;
* 办结 completed — cases delivered (办结出件) in the period, by lead department;
* 按时办结率 on-time rate — of the cases decided in the period (approved or refused), the share
  decided by their promised date on the working-day clock; paused time (补正, §45 special
  procedures) and approved extensions are already in the promised date;
* 平均用时 / 承诺时限 — working days from acceptance to decision, pauses excluded, against the
  item's promised working days, for the cases decided in the period;
* per department also the tasks it decided and how many on time, the supplements it asked for,
  the tasks it transferred away, its open overdue tasks and its collaboration points;
* 超期清单 — open tasks overdue at the end of the period, with the owning department and the
  department heads responsible.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Sum

from onewindow.accounts.models import Department, User
from onewindow.analytics.enums import ReportPeriod
from onewindow.core import calendar, clock
from onewindow.core.errors import BadInput
from onewindow.workflow.enums import CaseStatus, TaskStatus
from onewindow.workflow.models import (
    Case,
    CaseTask,
    PointEntry,
    SupplementRequest,
    TaskTransfer,
)

OVERDUE_LIST_LIMIT = 200


@dataclass(frozen=True)
class Period:
    period: str
    key: str
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        if self.period == ReportPeriod.WEEK:
            return f"{self.key}（{self.starts_on:%m月%d日}—{self.ends_on:%m月%d日}）"
        return f"{self.starts_on.year}年{self.starts_on.month}月"


def period_of(period: str, key: str) -> Period:
    """The dates of ``2026-W47`` (ISO week, Monday to Sunday) or ``2026-11``; BadInput else."""
    try:
        if period == ReportPeriod.WEEK:
            year, week = key.split("-W")
            start = date.fromisocalendar(int(year), int(week), 1)
            return Period(period, key, start, start + timedelta(days=6))
        if period == ReportPeriod.MONTH:
            year, month = key.split("-")
            start = date(int(year), int(month), 1)
            following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return Period(period, f"{start:%Y-%m}", start, following - timedelta(days=1))
    except ValueError:
        pass
    raise BadInput(fields={"key": "周报为 2026-W47 格式，月报为 2026-11 格式"})


def previous_period(period: str, today: date | None = None) -> Period:
    """The last complete week or month before ``today``."""
    today = today or clock.today()
    if period == ReportPeriod.WEEK:
        last = today - timedelta(days=today.isoweekday())
        year, week, _ = last.isocalendar()
        return period_of(period, f"{year}-W{week:02d}")
    last = today.replace(day=1) - timedelta(days=1)
    return period_of(period, f"{last:%Y-%m}")


def current_period(period: str, today: date | None = None) -> Period:
    """The week or month containing ``today`` (a report so far)."""
    today = today or clock.today()
    if period == ReportPeriod.WEEK:
        year, week, _ = today.isocalendar()
        return period_of(period, f"{year}-W{week:02d}")
    return period_of(period, f"{today:%Y-%m}")


@dataclass
class DepartmentRow:
    code: str
    name: str
    accepted: int = 0
    completed: int = 0
    decided: int = 0
    decided_on_time: int = 0
    tasks_decided: int = 0
    tasks_on_time: int = 0
    days_used: float = 0.0  # average over decided cases
    days_promised: float = 0.0
    supplements: int = 0
    transfers: int = 0
    overdue: int = 0
    points: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(100.0 * self.decided_on_time / self.decided, 1) if self.decided else None

    @property
    def task_on_time_rate(self) -> float | None:
        if not self.tasks_decided:
            return None
        return round(100.0 * self.tasks_on_time / self.tasks_decided, 1)


@dataclass(frozen=True)
class OverdueRow:
    case_number: str
    item: str
    task: str
    department: str
    owners: str
    due_on: date
    overdue_days: int


@dataclass
class DispatchFigures:
    period: Period
    generated_at: datetime
    centre: DepartmentRow
    departments: list[DepartmentRow] = field(default_factory=list)
    overdue: list[OverdueRow] = field(default_factory=list)
    overdue_total: int = 0

    def as_json(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, rates included."""

        def row(r: DepartmentRow) -> dict[str, Any]:
            return asdict(r) | {
                "on_time_rate": r.on_time_rate,
                "task_on_time_rate": r.task_on_time_rate,
            }

        return {
            "period": self.period.period,
            "key": self.period.key,
            "label": self.period.label,
            "starts_on": self.period.starts_on.isoformat(),
            "ends_on": self.period.ends_on.isoformat(),
            "generated_at": clock.local(self.generated_at).isoformat(timespec="seconds"),
            "centre": row(self.centre),
            "departments": [row(r) for r in self.departments],
            "overdue": [asdict(o) | {"due_on": o.due_on.isoformat()} for o in self.overdue],
            "overdue_total": self.overdue_total,
        }


def _bounds(p: Period) -> tuple[datetime, datetime]:
    start = datetime.combine(p.starts_on, time.min, tzinfo=clock.LOCAL_TZ)
    end = datetime.combine(p.ends_on + timedelta(days=1), time.min, tzinfo=clock.LOCAL_TZ)
    return start, end


def dispatch_figures(p: Period) -> DispatchFigures:
    """Compute the report of period ``p`` (a fixed number of aggregate queries)."""
    start, end = _bounds(p)
    as_of = min(p.ends_on, clock.today())
    rows: dict[int, DepartmentRow] = {}
    names = {d.pk: d for d in Department.objects.only("code", "name")}

    def get(department_id: int) -> DepartmentRow:
        if department_id not in rows:
            d = names[department_id]
            rows[department_id] = DepartmentRow(d.code, d.name)
        return rows[department_id]

    for dept, n in (
        Case.objects.filter(accepted_at__gte=start, accepted_at__lt=end)
        .values_list("item_version__department_id")
        .annotate(n=Count("pk"))
    ):
        get(dept).accepted = n
    for dept, n in (
        Case.objects.filter(
            status=CaseStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
        )
        .values_list("item_version__department_id")
        .annotate(n=Count("pk"))
    ):
        get(dept).completed = n
    used: dict[int, list[tuple[int, int]]] = {}
    decided = Case.objects.filter(decided_at__gte=start, decided_at__lt=end).values_list(
        "item_version__department_id",
        "accepted_at",
        "decided_at",
        "promised_due_on",
        "paused_days",
        "item_version__promised_days",
    )
    for dept, accepted_at, decided_at, promised_on, paused, promised_days in decided.iterator():
        if decided_at is None:  # filtered out by the query; narrows the type
            continue
        decided_on = clock.local(decided_at).date()
        row = get(dept)
        row.decided += 1
        row.decided_on_time += int(decided_on <= promised_on)
        days = calendar.working_days_between(clock.local(accepted_at).date(), decided_on)
        used.setdefault(dept, []).append((max(days - paused, 0), promised_days))
    for dept, pairs in used.items():
        get(dept).days_used = round(sum(u for u, _ in pairs) / len(pairs), 1)
        get(dept).days_promised = round(sum(p for _, p in pairs) / len(pairs), 1)
    tasks = CaseTask.objects.filter(
        decided_at__gte=start, decided_at__lt=end, status=TaskStatus.APPROVED
    ).values_list("department_id", "decided_at", "due_on")
    for dept, decided_at, due_on in tasks.iterator():
        if decided_at is None:
            continue
        row = get(dept)
        row.tasks_decided += 1
        row.tasks_on_time += int(due_on is None or clock.local(decided_at).date() <= due_on)
    for dept, n in (
        SupplementRequest.objects.filter(requested_at__gte=start, requested_at__lt=end)
        .values_list("department_id")
        .annotate(n=Count("pk"))
    ):
        get(dept).supplements = n
    for dept, n in (
        TaskTransfer.objects.filter(at__gte=start, at__lt=end)
        .values_list("from_department_id")
        .annotate(n=Count("pk"))
    ):
        get(dept).transfers = n
    for dept, n in (
        PointEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values_list("department_id")
        .annotate(n=Sum("points"))
    ):
        get(dept).points = int(n or 0)
    overdue_rows = CaseTask.objects.filter(status=TaskStatus.OPEN, due_on__lt=as_of).exclude(
        case__status__in=(CaseStatus.SUPPLEMENT, CaseStatus.SUSPENDED)
    )
    for dept, n in overdue_rows.values_list("department_id").annotate(n=Count("pk")):
        get(dept).overdue = n
    heads: dict[int, list[str]] = {}
    for dept, name in User.objects.filter(role_grants__role="dept_admin").values_list(
        "department_id", "name"
    ):
        if dept is not None:
            heads.setdefault(dept, []).append(name)
    overdue = [
        OverdueRow(
            case_number=t.case.number,
            item=t.case.item_version.name,
            task=t.name,
            department=t.department.name,
            owners="、".join(heads.get(t.department_id, [])) or "（未设负责人）",
            due_on=t.due_on,
            overdue_days=calendar.working_days_between(t.due_on, as_of),
        )
        for t in overdue_rows.select_related("case", "case__item_version", "department").order_by(
            "due_on", "pk"
        )[:OVERDUE_LIST_LIMIT]
        if t.due_on is not None
    ]
    departments = sorted(rows.values(), key=lambda r: r.code)
    centre = DepartmentRow("CENTRE", "全中心")
    for r in departments:
        for name in (
            "decided",
            "decided_on_time",
            "tasks_decided",
            "tasks_on_time",
            "supplements",
            "transfers",
            "overdue",
            "points",
        ):
            setattr(centre, name, getattr(centre, name) + getattr(r, name))
    centre.accepted = sum(r.accepted for r in departments)
    centre.completed = sum(r.completed for r in departments)
    all_pairs = [pair for pairs in used.values() for pair in pairs]
    if all_pairs:
        centre.days_used = round(sum(u for u, _ in all_pairs) / len(all_pairs), 1)
        centre.days_promised = round(sum(p for _, p in all_pairs) / len(all_pairs), 1)
    return DispatchFigures(
        period=p,
        generated_at=clock.now(),
        centre=centre,
        departments=departments,
        overdue=overdue,
        overdue_total=sum(r.overdue for r in departments),
    )
