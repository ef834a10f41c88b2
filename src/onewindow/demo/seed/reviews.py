"""Demo ratings (好差评) of the historical cases, and bad reviews at every step of their loop.

Ratings go through the rating service with the case's own review token, as an SMS link or a
receipt's QR code would, so the indicators, the rollup and the ledger see exactly what real
ratings produce. Deterministic per case number and stage, and idempotent: a rated stage is
left alone, and a rectification only moves forward from where it stands.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import DomainError
from onewindow.evaluation import services as evaluation
from onewindow.evaluation import tokens
from onewindow.evaluation.enums import (
    Action,
    Classification,
    RectificationStatus,
    ReviewChannel,
    Stage,
)
from onewindow.evaluation.models import Rectification, Review
from onewindow.workflow.models import Case

# Share of rateable events that get a rating (the rest count as 未评).
RATED_SHARE = {Stage.ACCEPT: 0.7, Stage.COMPLETE: 0.6}
LEVELS = (1, 2, 3, 4, 5)
LEVEL_WEIGHTS = (55, 25, 10, 6, 4)
CHANNELS = {
    Stage.ACCEPT: (ReviewChannel.HALL_TABLET, ReviewChannel.QR_CODE, ReviewChannel.PC),
    Stage.COMPLETE: (ReviewChannel.SMS, ReviewChannel.MOBILE, ReviewChannel.QR_CODE),
}
DIMENSIONS = ("服务效率", "服务水平", "服务态度")
BAD_TEXTS = (
    "排队等了一个多小时，窗口只开了两个",
    "材料要求前后说法不一致，跑了两趟",
    "工作人员态度生硬，问两句就不耐烦",
    "办结通知来得太晚，耽误了用证",
)
GOOD_TEXTS = ("", "", "办得很快，一次就办好了", "窗口工作人员讲解很耐心", "不用带材料，方便")
# How far a bad review's rectification has moved, by a roll in [0, 1).
STEP_PLAN = (
    (0.15, ()),
    (0.30, ((Action.CONTACT, Classification.DEADLINE),)),
    (0.45, ((Action.CONTACT, Classification.IMMEDIATE), (Action.RECTIFY, None))),
    (
        0.85,
        (
            (Action.CONTACT, Classification.IMMEDIATE),
            (Action.RECTIFY, None),
            (Action.REPLY, None),
            (Action.REVISIT, None),
        ),
    ),
    (0.93, ((Action.CONTACT, Classification.EXPLAIN), (Action.REPLY, None))),
    (1.01, ((Action.APPEAL, None),)),
)
STEP_NOTES = {
    Action.CONTACT: "已电话联系评价人，核实情况属实",
    Action.RECTIFY: "已调整窗口排班并对相关人员开展业务培训",
    Action.REPLY: "已向评价人书面答复整改情况",
    Action.REVISIT: "回访评价人，表示认可整改结果",
    Action.APPEAL: "评价内容与办件事实不符，申请复核",
}

APPEAL_NOTES = {True: "经核查，评价与事实不符", False: "经核查，评价属实，请继续整改"}


def rate_cases() -> int:
    """Rate part of the accepted and completed demo cases; returns how many ratings it added."""
    added = 0
    now = clock.now()
    rated = set(Review.objects.values_list("case_id", "stage"))
    cases = Case.objects.filter(accepted_at__isnull=False).select_related("item_version")
    for case in cases.order_by("number"):
        for stage in Stage.values:
            if (case.pk, stage) in rated:
                continue
            event_at = case.accepted_at if stage == Stage.ACCEPT else case.completed_at
            rng = random.Random(f"review:{case.number}:{stage}")
            if event_at is None or rng.random() >= RATED_SHARE[Stage(stage)]:
                continue
            at = event_at + timedelta(minutes=rng.randrange(5, 240))
            if at >= now:
                continue
            if _rate(case, stage, rng, at):
                added += 1
    return added


def _rate(case: Case, stage: str, rng: random.Random, at: datetime) -> bool:
    level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
    bad = level >= 4
    rating = evaluation.Rating(
        stage=stage,
        level=level,
        channel=rng.choice(CHANNELS[Stage(stage)]),
        dimensions={d: min(5, max(1, level + rng.choice((-1, 0, 0, 1)))) for d in DIMENSIONS},
        text=rng.choice(BAD_TEXTS if bad else GOOD_TEXTS),
        has_contact_consent=bad and rng.random() < 0.6,
    )
    try:
        with transaction.atomic(), clock.frozen(at):
            evaluation.rate_case(
                case=case, rating=rating, actor=None, token=tokens.token_for(case, stage)
            )
    except DomainError:
        return False
    return True


def advance_rectifications(centre_admin: User | None) -> int:
    """Move the demo's bad reviews along their loop, each to its own planned step, a working
    day apart and never past today; returns how many steps were taken."""
    department_admins = User.objects.filter(
        username__startswith="deptadmin-", role_grants__role="dept_admin"
    )
    admins = {u.department_id: u for u in department_admins}
    taken = 0
    now = clock.now()
    rows = Rectification.objects.select_related("review__case").order_by("review__case__number")
    for rectification in rows:
        actor = admins.get(rectification.department_id)
        if actor is None:
            continue
        roll = random.Random(f"rectify:{rectification.review.case.number}").random()
        plan = next(steps for limit, steps in STEP_PLAN if roll < limit)
        done = len(rectification.notes)
        at = rectification.review.reviewed_at
        for index, (action, classification) in enumerate(plan):
            at += timedelta(days=1)
            if index < done:
                continue
            if at >= now:
                break
            try:
                with transaction.atomic(), clock.frozen(at):
                    rectification = evaluation.act_on_rectification(
                        rectification=rectification,
                        action=action,
                        note=STEP_NOTES[Action(action)],
                        actor=actor,
                        classification=classification,
                        satisfied=(roll < 0.80) if action == Action.REVISIT else None,
                    )
            except DomainError:
                break
            taken += 1
        upheld = roll > 0.97
        if (
            centre_admin is not None
            and rectification.status == RectificationStatus.APPEALING
            and at + timedelta(days=1) < now
        ):
            with transaction.atomic(), clock.frozen(at + timedelta(days=1)):
                evaluation.act_on_rectification(
                    rectification=rectification,
                    action=Action.UPHOLD_APPEAL if upheld else Action.REJECT_APPEAL,
                    note=APPEAL_NOTES[upheld],
                    actor=centre_admin,
                )
            taken += 1
    return taken
