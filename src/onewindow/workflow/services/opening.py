"""Opening cases: the hand-over from the window to the back office (前台受理、后台审批)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction

from onewindow.accounts.models import User
from onewindow.catalog.models import ItemVersion
from onewindow.catalog.stages import build_stages
from onewindow.core import calendar, clock, sequences
from onewindow.datahub.models import Organisation, Person
from onewindow.ledger import services as ledger
from onewindow.workflow import signals
from onewindow.workflow.enums import ApplicantKind, CaseStatus, Event, TaskStatus
from onewindow.workflow.models import Case, CaseMaterial, CaseTask


@dataclass(frozen=True)
class ApplicantRecord:
    kind: str  # ApplicantKind
    name: str
    code: str  # citizen ID (18) or credit code
    phone: str = ""
    person: Person | None = None
    organisation: Organisation | None = None
    checksum_overridden: bool = False


@dataclass(frozen=True)
class MaterialReceipt:
    material_code: str
    name: str
    provided: str  # Provided
    certificate_identifier: str = ""


@dataclass(frozen=True)
class NewCase:
    version: ItemVersion
    applicant: ApplicantRecord
    channel: str
    materials: list[MaterialReceipt]
    window_code: str = ""
    clerk: User | None = None
    submitted_by: User | None = None
    conditions: list[str] = field(default_factory=list)
    parties: list[dict[str, str]] = field(default_factory=list)
    form_data: dict[str, Any] = field(default_factory=dict)
    form_missing: list[str] = field(default_factory=list)
    is_tolerant: bool = False
    supplement_due_on: date | None = None
    group_number: str = ""


def allocate_case_number(region_code: str, day: date) -> str:
    """Readable, unique case number: region + date + 5-digit daily sequence."""
    seq = sequences.next_value(f"case:{region_code}:{day:%Y%m%d}")
    return f"{region_code}{day:%Y%m%d}{seq:05d}"


@transaction.atomic
def open_case(*, new: NewCase, actor: User) -> Case:
    """Create the case, its material receipts and one task per review step.

    The first review stage's tasks open now with due dates in working days; later stages wait.
    Precondition: the caller has validated the application (intake). Side effects: ledger
    entries ``case.accepted`` and ``task.opened`` (one per opened task); ``case_event``.
    """
    now = clock.now()
    today = clock.today()
    version = new.version
    region = settings.REGION_CODE
    promised = calendar.due_date(today, version.promised_days)
    legal = calendar.due_date(today, version.legal_days)
    case = Case.objects.create(
        number=allocate_case_number(region, today),
        group_number=new.group_number,
        region_code=region,
        item=version.item,
        item_version=version,
        applicant_kind=new.applicant.kind,
        person=new.applicant.person,
        organisation=new.applicant.organisation,
        applicant_name=new.applicant.name,
        applicant_code=new.applicant.code,
        applicant_phone=new.applicant.phone,
        checksum_overridden=new.applicant.checksum_overridden,
        parties=new.parties,
        channel=new.channel,
        window_code=new.window_code,
        clerk=new.clerk,
        submitted_by=new.submitted_by,
        accepted_at=now,
        promised_due_on=promised.on,
        legal_due_on=legal.on,
        due_is_provisional=promised.is_provisional or legal.is_provisional,
        status=CaseStatus.ACCEPTED,
        is_tolerant=new.is_tolerant,
        supplement_due_on=new.supplement_due_on,
        conditions=new.conditions,
        form_data=new.form_data,
        form_missing=new.form_missing,
    )
    materials = CaseMaterial.objects.bulk_create(
        CaseMaterial(
            case=case,
            material_code=m.material_code,
            name=m.name,
            provided=m.provided,
            certificate_identifier=m.certificate_identifier,
            received_at=now if m.provided != "tolerated" else None,
        )
        for m in new.materials
    )
    # Steps come prefetched with their departments (catalog.selectors.get_current_version).
    review_steps = [s for s in version.steps.all() if s.kind == "review"]
    tasks: list[CaseTask] = []
    for stage in build_stages(review_steps):
        for step in stage.steps:
            is_first = stage.order == 1
            tasks.append(
                CaseTask(
                    case=case,
                    stage=stage.order,
                    position=step.position,
                    name=step.name,
                    department=step.department,
                    role=step.role,
                    days=step.days,
                    status=TaskStatus.OPEN if is_first else TaskStatus.WAITING,
                    opened_on=today if is_first else None,
                    due_on=calendar.add_working_days(today, step.days) if is_first else None,
                    case_accepted_at=now,
                )
            )
    CaseTask.objects.bulk_create(tasks)
    events = [
        ledger.Event(
            Event.CASE_ACCEPTED,
            actor.ledger_ref,
            case.ledger_ref,
            {
                "item": version.item.code,
                "version": version.version,
                "channel": new.channel,
                "window": new.window_code,
                "applicant": (
                    new.applicant.person.pseudonym
                    if new.applicant.person
                    else new.applicant.organisation.pseudonym
                    if new.applicant.organisation
                    else ApplicantKind(new.applicant.kind).value
                ),
                "promised_due_on": promised.on.isoformat(),
                "tolerant": new.is_tolerant,
                # Names only (no values): which pre-filled fields were corrected at intake.
                "corrected_fields": sorted(
                    name
                    for name, entry in new.form_data.items()
                    if isinstance(entry, dict) and "corrected" in entry
                ),
                "materials": {m.material_code: m.provided for m in new.materials},
            },
        )
    ]
    events += [
        ledger.Event(
            Event.TASK_OPENED,
            actor.ledger_ref,
            case.ledger_ref,
            {
                "task": t.pk,
                "stage": t.stage,
                "department": t.department.code,
                "due_on": str(t.due_on),
            },
        )
        for t in tasks
        if t.status == TaskStatus.OPEN
    ]
    ledger.record_many(events)
    signals.case_event.send(sender=Case, case=case, event="accept")
    # The response reads tasks and materials right away: hand it what was just written.
    case._prefetched_objects_cache = {  # type: ignore[attr-defined]  # Django's own cache slot
        "tasks": tasks,
        "materials": materials,
        "supplements": [],
        "extensions": [],
        "special_procedures": [],
    }
    return case
