"""好差评 in the API (API.md "Ratings"): reviews, rectifications and review indicators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from onewindow.accounts.auth import ApiAuth, request_user
from onewindow.accounts.models import User
from onewindow.core import clock
from onewindow.core.errors import NotFound, PermissionDenied
from onewindow.core.http import paginate
from onewindow.evaluation import access, exports, scorecard, selectors, services, steps
from onewindow.evaluation.enums import Action, Classification, ReviewChannel, Stage
from onewindow.evaluation.errors import ReviewForbidden
from onewindow.evaluation.models import Rectification, Review
from onewindow.workflow import selectors as workflow

router = Router(tags=["好差评"])
ADMINS = ApiAuth("centre_admin", "dept_admin")

StageValue = Literal["accept", "complete"]
ChannelValue = Literal[
    "PC端", "移动服务端", "二维码", "政务大厅平板电脑", "政务大厅其他终端", "电话", "短信"
]
ActionValue = Literal[
    "contact", "rectify", "reply", "revisit", "appeal", "uphold_appeal", "reject_appeal"
]
ClassificationValue = Literal["immediate", "deadline", "explain", "appeal"]

assert set(StageValue.__args__) == set(Stage.values)  # type: ignore[attr-defined]
assert set(ChannelValue.__args__) == set(ReviewChannel.values)  # type: ignore[attr-defined]
assert set(ActionValue.__args__) == set(Action.values)  # type: ignore[attr-defined]
assert set(ClassificationValue.__args__) == set(Classification.values)  # type: ignore[attr-defined]


class ReviewIn(Schema):
    stage: StageValue
    level: int = Field(ge=1, le=5)
    channel: ChannelValue
    dimensions: dict[str, Any] = Field(default_factory=dict)
    text: str = Field(default="", max_length=2000)
    token: str | None = Field(default=None, max_length=300)
    contact_consent: bool = False


class ActionIn(Schema):
    action: ActionValue
    note: str = Field(default="", max_length=2000)
    classification: ClassificationValue | None = None
    satisfied: bool | None = None


def _admin(request: HttpRequest) -> User:
    user = request_user(request)
    assert user is not None  # ADMINS authenticated the caller
    return user


class KpiQuery(Schema):
    department: str = ""
    window: str = ""
    staff: str = ""
    item: str = ""
    start: date | None = Field(None, alias="from")
    end: date | None = Field(None, alias="to")


def review_json(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "case_number": review.case.number,
        "stage": review.stage,
        "level": review.level,
        "channel": review.channel,
        "dimensions": review.dimensions,
        "text": review.text,
        "reviewed_at": review.reviewed_at,
    }


def rectification_json(
    rectification: Rectification, viewer: User, today: date | None = None
) -> dict[str, Any]:
    review = rectification.review
    body: dict[str, Any] = {
        "id": rectification.pk,
        "case_number": review.case.number,
        "level": review.level,
        "status": rectification.status,
        "classification": rectification.classification or None,
        "contact_due_on": rectification.contact_due_on,
        "rectify_due_on": rectification.rectify_due_on,
        "department": rectification.department.code,
        "text": review.text,
        "evaluator": None,
        "step_due_on": rectification.step_due_on,
        "owner": steps.owner_of(rectification),
        "sla": steps.sla_of(rectification, today),
        "escalation": rectification.escalation_level or None,
    }
    if access.may_see_evaluator(viewer, review.has_contact_consent):
        body["evaluator"] = {
            "name": review.case.applicant_name,
            "phone": review.case.applicant_phone,
        }
    return body


@router.post(
    "/cases/{number}/reviews", auth=None, response={201: dict}, summary="评价办件（好差评）"
)
def rate(request: HttpRequest, number: str, payload: ReviewIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    case = workflow.get_case(number)
    if case is None:
        raise ReviewForbidden()  # an unknown number looks like one the caller may not rate
    rating = services.Rating(
        stage=payload.stage,
        level=payload.level,
        channel=payload.channel,
        dimensions=payload.dimensions,
        text=payload.text,
        has_contact_consent=payload.contact_consent,
    )
    review = services.rate_case(case=case, rating=rating, actor=user, token=payload.token)
    return Status(201, review_json(review))


@router.get("/rectifications", auth=ADMINS, summary="差评整改单")
def rectifications(request: HttpRequest, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    user = _admin(request)
    today = clock.today()

    def rows(items: Iterable[Rectification]) -> list[dict[str, Any]]:
        return [rectification_json(r, user, today) for r in items]

    return paginate(selectors.list_rectifications(user), page, page_size, rows)


@router.post("/rectifications/{rectification_id}/actions", auth=ADMINS, summary="整改环节操作")
def act(request: HttpRequest, rectification_id: int, payload: ActionIn) -> dict[str, Any]:
    user = _admin(request)
    rectification = access.rectification_for_admin(user, rectification_id)
    rectification = services.act_on_rectification(
        rectification=rectification,
        action=payload.action,
        note=payload.note,
        actor=user,
        classification=payload.classification,
        satisfied=payload.satisfied,
    )
    fresh = selectors.get_rectification(rectification.pk)
    assert fresh is not None
    return rectification_json(fresh, user)


def _kpi_scope(request: HttpRequest, filters: KpiQuery) -> selectors.KpiFilters:
    """The caller's scope: centre admins any department, department admins only their own."""
    user = _admin(request)
    department = filters.department
    if not user.has_role("centre_admin"):
        own = user.department.code if user.department is not None else None
        if own is None or (department and department != own):
            raise PermissionDenied("部门管理员只能查看本部门的指标")
        department = own
    return selectors.KpiFilters(
        department=department or None,
        window=filters.window or None,
        staff=filters.staff or None,
        item=filters.item or None,
        start=filters.start,
        end=filters.end,
    )


@router.get("/kpis/reviews", auth=ADMINS, summary="好差评指标（实时）")
def review_kpis(request: HttpRequest, filters: Query[KpiQuery]) -> dict[str, Any]:
    return dict(vars(selectors.get_review_kpis(_kpi_scope(request, filters))))


class TrendQuery(KpiQuery):
    bucket: Literal["week", "month"] = "month"


@router.get("/kpis/reviews/trend", auth=ADMINS, summary="好差评指标趋势（按周或按月）")
def review_trend(request: HttpRequest, filters: Query[TrendQuery]) -> dict[str, Any]:
    """Extension: count, good, bad and unrated rates per week or month (docs/api.md)."""
    points = selectors.get_review_trend(_kpi_scope(request, filters), filters.bucket)
    return {"bucket": filters.bucket, "points": [vars(p) for p in points]}


class WeightsIn(Schema):
    review: int = Field(ge=0, le=100)
    rectification: int = Field(ge=0, le=100)
    points: int = Field(ge=0, le=100)


@router.get("/scorecards/departments", auth=ADMINS, summary="部门好差评考核")
def department_scorecard(request: HttpRequest, month: str = "") -> dict[str, Any]:
    """centre_admin: every department; dept_admin: their own department's row."""
    month = month or clock.today().strftime("%Y-%m")
    weights, rows = scorecard.scorecard_for(_admin(request), month)
    return {"month": month, "weights": vars(weights), "departments": [vars(r) for r in rows]}


@router.get(
    "/scorecards/departments/export.{kind}", auth=ADMINS, summary="导出部门考核（xlsx 或 pdf）"
)
def export_scorecard(request: HttpRequest, kind: str, month: str = "") -> HttpResponse:
    if kind not in exports.CONTENT_TYPES:
        raise NotFound()
    month = month or clock.today().strftime("%Y-%m")
    weights, rows = scorecard.scorecard_for(_admin(request), month)
    render = exports.render_xlsx if kind == "xlsx" else exports.render_pdf
    response = HttpResponse(render(month, weights, rows), content_type=exports.CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="scorecard-{month}.{kind}"'
    return response


@router.put("/scorecards/weights", auth=ApiAuth("centre_admin"), summary="设置部门考核权重")
def set_scorecard_weights(request: HttpRequest, payload: WeightsIn) -> dict[str, Any]:
    weights = scorecard.Weights(payload.review, payload.rectification, payload.points)
    scorecard.set_weights(weights=weights, actor=_admin(request))
    return vars(scorecard.current_weights())
