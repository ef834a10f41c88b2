"""Catalog tweaks and historical cases: non-key materials for 容缺受理 and accepted cases
spread over the working days before the anchor day."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.catalog.enums import MaterialForm, Target
from onewindow.catalog.models import ItemVersion, Material
from onewindow.core import calendar, clock
from onewindow.core.errors import DomainError
from onewindow.datahub.models import Organisation, Person
from onewindow.demo.seed.common import HISTORY_DAYS, NON_KEY_ITEM_LIMIT, NonKeyMaterial, SeedSummary
from onewindow.intake import services as intake
from onewindow.workflow import services as workflow
from onewindow.workflow.enums import ApplicantKind, CaseStatus, DeliveryMethod, Provided, TaskStatus
from onewindow.workflow.models import Case, CaseTask


def mark_non_key_materials(limit: int = NON_KEY_ITEM_LIMIT) -> list[NonKeyMaterial]:
    """Mark one paper material as non-key in a few items, so that 容缺受理 can be shown.

    Picks current versions with at least two required paper materials (no certificate can
    replace them, no condition), items for citizens first, one item per department, and marks
    the last such material. This edits demo rows in place on purpose: the published version
    keeps its content hash, so reloading the catalog does not undo it.
    """
    candidates: list[tuple[ItemVersion, Material]] = []
    versions = (
        ItemVersion.objects.filter(is_current=True)
        .select_related("item", "department")
        .prefetch_related("materials")
    )
    for version in versions:
        paper = [
            m
            for m in version.materials.all()
            if m.required
            and not m.is_form
            and not m.condition
            and m.certificate_type_id is None
            and m.form != MaterialForm.ELECTRONIC
        ]
        if len(paper) >= 2:
            candidates.append((version, paper[-1]))
    candidates.sort(key=lambda c: (c[0].target != Target.PERSON, c[0].item.code))
    chosen: list[NonKeyMaterial] = []
    departments: set[str] = set()
    for version, material in candidates:
        if len(chosen) >= limit or version.department.code in departments:
            continue
        departments.add(version.department.code)
        if material.is_key:
            Material.objects.filter(pk=material.pk).update(is_key=False)
        chosen.append(NonKeyMaterial(version.item.code, version.name, material.code, material.name))
    return chosen


class _Discard(Exception):
    """Rolls back a seeded application whose outcome was a supplement notice."""


@dataclass(frozen=True)
class _CasePlan:
    index: int
    moment: datetime
    version: ItemVersion
    kind: str
    name: str
    code: str
    phone: str


def _working_days(anchor: date) -> list[date]:
    days = [anchor - timedelta(days=k) for k in range(1, HISTORY_DAYS + 1)]
    return [d for d in days if calendar.is_working_day(d)]


def _plan_cases(
    seed: int,
    count: int,
    anchor: date,
    people: list[Person],
    organisations: list[Organisation],
    citizen: Person,
    company: Organisation,
) -> list[_CasePlan]:
    versions = list(
        ItemVersion.objects.filter(is_current=True)
        .select_related("item")
        .prefetch_related("materials")
        .order_by("item__code")
    )
    for_people = [v for v in versions if v.target in {Target.PERSON, Target.BOTH}]
    for_organisations = [v for v in versions if v.target in {Target.ORGANISATION, Target.BOTH}]
    days = _working_days(anchor)
    plans: list[_CasePlan] = []
    for index in range(count):
        rng = random.Random(f"{seed}:case:{index}")
        # Every fifteenth case belongs to a demo applicant, so their "my cases" pages have
        # history to show.
        if index % 30 == 0:
            kind = ApplicantKind.PERSON
            applicant: Person | Organisation = citizen
        elif index % 30 == 15:
            kind, applicant = ApplicantKind.ORGANISATION, company
        elif rng.random() < 0.7 and people:
            kind, applicant = ApplicantKind.PERSON, rng.choice(people)
        elif organisations:
            kind, applicant = ApplicantKind.ORGANISATION, rng.choice(organisations)
        else:
            kind, applicant = ApplicantKind.PERSON, citizen
        candidates = for_people if kind == ApplicantKind.PERSON else for_organisations
        if not candidates or not days:
            continue
        day = rng.choice(days)
        moment = datetime(
            day.year, day.month, day.day, rng.randint(9, 16), rng.randint(0, 59),
            rng.randint(0, 59), tzinfo=clock.LOCAL_TZ,
        )  # fmt: skip
        code = applicant.id_number if isinstance(applicant, Person) else applicant.credit_code
        plans.append(
            _CasePlan(
                index, moment, rng.choice(candidates), kind, applicant.name, code, applicant.phone
            )
        )
    # Chronological order keeps each day's case numbers in the order of acceptance.
    plans.sort(key=lambda c: (c.moment, c.index))
    return plans


def _seed_cases(plans: list[_CasePlan], clerk: User, summary: SeedSummary) -> None:
    for plan in plans:
        if Case.objects.filter(applicant_code=plan.code, accepted_at=plan.moment).exists():
            summary.cases_existing += 1
            continue
        materials = [
            intake.MaterialInput(m.code, Provided.PAPER)
            for m in plan.version.materials.all()
            if m.required and not m.is_form
        ]
        if plan.kind == ApplicantKind.PERSON:
            applicant = intake.ApplicantInput(
                kind=plan.kind, name=plan.name, id_number=plan.code, phone=plan.phone
            )
        else:
            applicant = intake.ApplicantInput(
                kind=plan.kind, name=plan.name, credit_code=plan.code, phone=plan.phone
            )
        app = intake.Application(
            applicant=applicant, item_code=plan.version.item.code, materials=materials
        )
        try:
            with transaction.atomic(), clock.frozen(plan.moment):
                outcome = intake.submit_application(app=app, actor=clerk)
                if outcome.notice is not None:
                    raise _Discard
        except (_Discard, DomainError):
            # Demo history shows accepted cases only; anything else is left out quietly.
            summary.cases_skipped += 1
            continue
        summary.cases_created += len(outcome.cases)
    advance_cases(clerk)


def _at_ten(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=clock.LOCAL_TZ)


def advance_cases(clerk: User) -> int:
    """Move part of the untouched demo cases through the back office, so that inboxes, the
    supervision list, the ranking and the reports show every state.

    Deterministic per case number (the same cases move the same way on every run) and
    idempotent: only cases still ``accepted`` are considered, and each decision happens on a
    past working day after acceptance (never after today). About half the cases stay in the
    inbox; of the rest some are returned for supplement, a few refused, most approved stage by
    stage and many of those delivered. Returns how many cases moved.
    """
    approvers = {
        u.department_id: u
        for u in User.objects.filter(username__startswith="approver-", role_grants__role="approver")
    }
    today = clock.today()
    moved = 0
    for case in Case.objects.filter(status=CaseStatus.ACCEPTED).order_by("accepted_at"):
        roll = random.Random(f"advance:{case.number}").random()
        if roll < 0.45:
            continue
        day = calendar.add_working_days(clock.local(case.accepted_at).date(), 1)
        if day > today:
            continue
        try:
            with transaction.atomic(), clock.frozen(_at_ten(day)):
                _advance(case, roll, day, today, approvers, clerk)
        except DomainError:
            continue  # a department without a demo approver: leave the case where it is
        moved += 1
    return moved


def _advance(
    case: Case, roll: float, day: date, today: date, approvers: dict[int | None, User], clerk: User
) -> None:
    first = CaseTask.objects.filter(case=case, status=TaskStatus.OPEN).select_related("case")
    if roll < 0.55:
        task = first.first()
        if task is not None and task.department_id in approvers:
            material = case.materials.exclude(provided=Provided.CERTIFICATE).first()
            workflow.decide_task(
                task=task,
                action="supplement",
                missing=[material.material_code] if material else [],
                comment="材料不清晰，请补正",
                actor=approvers[task.department_id],
            )
        return
    if roll < 0.60:
        task = first.first()
        if task is not None and task.department_id in approvers:
            workflow.decide_task(
                task=task,
                action="reject",
                comment="经审查不符合法定条件",
                actor=approvers[task.department_id],
            )
        return
    while True:
        tasks = list(CaseTask.objects.filter(case=case, status=TaskStatus.OPEN))
        if not tasks or day > today:
            break
        for task in tasks:
            if task.department_id not in approvers:
                return
            workflow.decide_task(task=task, action="approve", actor=approvers[task.department_id])
        day = calendar.add_working_days(day, 1)
        clock.advance(timedelta(days=(day - clock.today()).days))
    case.refresh_from_db()
    if case.status == CaseStatus.APPROVED and roll > 0.7 and day <= today:
        workflow.deliver_case(case=case, method=DeliveryMethod.WINDOW, actor=clerk)
