"""Writes: rating a case and moving a rectification through its loop, each with a ledger entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from onewindow.accounts.models import User
from onewindow.core import calendar, clock
from onewindow.core.errors import PermissionDenied
from onewindow.evaluation import access, events, steps, tallies, tokens
from onewindow.evaluation.enums import (
    BAD_LEVELS,
    CENTRE_ACTIONS,
    CONTACT_RESULTS,
    TRANSITIONS,
    Action,
    Classification,
    ReviewEvent,
)
from onewindow.evaluation.errors import (
    ClassificationRequired,
    IllegalTransition,
    ReviewDuplicate,
    ReviewForbidden,
    ReviewNotRateable,
)
from onewindow.evaluation.models import Rectification, Review
from onewindow.ledger import services as ledger
from onewindow.workflow.models import Case


@dataclass(frozen=True)
class Rating:
    """What the evaluator said (already schema-validated)."""

    stage: str
    level: int
    channel: str
    dimensions: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    has_contact_consent: bool = False


def _actor(user: User | None) -> str:
    return user.ledger_ref if user is not None else "system"


def ensure_may_rate(*, case: Case, stage: str, user: User | None, token: str | None) -> None:
    """The applicant, or a holder of this case and stage's valid token; ReviewForbidden else."""
    if access.is_applicant(user, case):
        return
    claim = tokens.read_token(token) if token else None
    if claim is None or claim.number != case.number or claim.stage != stage:
        raise ReviewForbidden()


@transaction.atomic
def rate_case(*, case: Case, rating: Rating, actor: User | None, token: str | None) -> Review:
    """Record one review of ``rating.stage``; a 差评 opens a rectification at once.

    Raises ReviewForbidden, ReviewNotRateable (办结 before completion) or ReviewDuplicate.
    Side effects: ledger entries ``review.submitted`` and ``rectification.opened``; the
    indicators' daily tallies.
    """
    ensure_may_rate(case=case, stage=rating.stage, user=actor, token=token)
    if not events.has_happened(case, rating.stage):
        raise ReviewNotRateable()
    case = Case.objects.select_for_update().select_related("item_version").get(pk=case.pk)
    if Review.objects.filter(case=case, stage=rating.stage).exists():
        raise ReviewDuplicate()
    review = Review(
        case=case,
        stage=rating.stage,
        level=rating.level,
        channel=rating.channel,
        dimensions=rating.dimensions,
        text=rating.text,
        evaluator=actor,
        has_contact_consent=rating.has_contact_consent,
        staff_id=case.clerk_id,
        window_code=case.window_code,
        department_id=case.item_version.department_id,
        item_id=case.item_id,
        reviewed_at=clock.now(),
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise ReviewDuplicate() from exc
    ledger.record(
        event=ReviewEvent.REVIEW_SUBMITTED,
        actor=_actor(actor),
        target=case.ledger_ref,
        payload={"stage": review.stage, "level": review.level, "channel": review.channel},
    )
    tallies.count_review(review)
    if review.level in BAD_LEVELS:
        _open_rectification(review, actor)
    return review


def _open_rectification(review: Review, actor: User | None) -> Rectification:
    day = clock.local(review.reviewed_at).date()
    conf = settings.ONEWINDOW
    rectification = Rectification(
        review=review,
        department_id=review.department_id,
        contact_due_on=calendar.add_working_days(day, int(conf.get("REVIEW_CONTACT_DAYS", 1))),
        rectify_due_on=calendar.add_working_days(day, int(conf.get("REVIEW_RECTIFY_DAYS", 15))),
    )
    rectification.step_due_on = steps.due_on_entering(rectification, rectification.status, day)
    rectification.save()
    ledger.record(
        event=ReviewEvent.RECTIFICATION_OPENED,
        actor=_actor(actor),
        target=review.case.ledger_ref,
        payload={
            "rectification": rectification.pk,
            "level": review.level,
            "step_due_on": rectification.contact_due_on.isoformat(),
        },
    )
    return rectification


def next_status(rectification: Rectification, action: str, classification: str | None) -> str:
    """The status ``action`` leads to from the current one; IllegalTransition otherwise."""
    allowed_from, result = TRANSITIONS[action]
    if rectification.status not in allowed_from:
        raise IllegalTransition()
    if action == Action.CONTACT:
        if classification not in Classification.values:
            raise ClassificationRequired(fields={"classification": "请选择分类"})
        return CONTACT_RESULTS[classification]
    return result


@transaction.atomic
def act_on_rectification(
    *,
    rectification: Rectification,
    action: str,
    note: str,
    actor: User,
    classification: str | None = None,
    satisfied: bool | None = None,
) -> Rectification:
    """Take one step of the loop (TRANSITIONS). Appeal decisions are the centre's.

    The next step's deadline (``step_due_on``, see ``steps``) counts from today, and its
    escalation flag starts blank. Upholding an appeal removes the review from the indicators,
    keeping ``note`` as the reason.
    Raises IllegalTransition, ClassificationRequired or PermissionDenied. Side effects: a ledger
    entry ``rectification.step``; the indicators' daily tallies.
    """
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    counted = tallies.counted(rectification)
    if action in CENTRE_ACTIONS and not actor.has_role("centre_admin"):
        raise PermissionDenied("申诉由政务服务中心裁定")
    status = next_status(rectification, action, classification)
    now = clock.now()
    if action == Action.CONTACT:
        rectification.classification = classification or ""
        rectification.contacted_at = now
    elif action == Action.APPEAL:
        rectification.classification = Classification.APPEAL
    elif action == Action.RECTIFY:
        rectification.rectified_at = now
    elif action == Action.REPLY:
        rectification.replied_at = now
    elif action == Action.REVISIT:
        if satisfied is None:
            raise ClassificationRequired("回访须记录评价人是否满意", fields={"satisfied": "必填"})
        rectification.revisited_at = now
        rectification.is_revisit_satisfied = satisfied
    elif action == Action.UPHOLD_APPEAL:
        Review.objects.filter(pk=rectification.review_id).update(
            is_excluded=True, excluded_reason=note or "申诉成立", updated_at=now
        )
    rectification.status = status
    rectification.step_due_on = steps.due_on_entering(
        rectification, status, clock.local(now).date()
    )
    rectification.escalation_level = ""
    rectification.notes = [
        *rectification.notes,
        {"action": action, "note": note, "at": now.isoformat(), "by": actor.ledger_ref},
    ]
    rectification.save()
    ledger.record(
        event=ReviewEvent.RECTIFICATION_STEP,
        actor=actor.ledger_ref,
        target=f"rectification:{rectification.pk}",
        payload={
            "action": action,
            "status": status,
            "step_due_on": rectification.step_due_on.isoformat()
            if rectification.step_due_on
            else None,
        },
    )
    tallies.count_step(counted, rectification)
    return rectification
