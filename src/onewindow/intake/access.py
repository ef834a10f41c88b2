"""Permission-checked fetches of intake records."""

from __future__ import annotations

from onewindow.accounts.models import User
from onewindow.core.errors import PermissionDenied
from onewindow.intake.errors import NoticeNotFound
from onewindow.intake.models import Refusal, SupplementNotice


def check_applicant_allowed(user: User, named_code: str | None) -> None:
    """Clerks name the applicant; citizens and enterprises apply only for themselves (naming
    themselves is allowed, naming anybody else is not)."""
    if user.has_role("clerk"):
        if named_code is None:
            raise PermissionDenied("窗口受理须填写申请人信息", code="intake.applicant_required")
        return
    if named_code is None:
        return
    person = getattr(user, "person", None)
    organisation = getattr(user, "organisation", None)
    own = {
        code.upper()
        for code in (
            person.id_number if person else "",
            organisation.credit_code if organisation else "",
        )
        if code
    }
    if named_code.strip().upper() not in own:
        raise PermissionDenied("网上申请只能为本人或本单位办理")


def refusal_for_user(user: User, number: str) -> Refusal:
    refusal = (
        Refusal.objects.select_related("item_version__item", "item_version__department", "clerk")
        .filter(number=number)
        .first()
    )
    if refusal is None:
        raise NoticeNotFound("不予受理决定书不存在")
    return refusal


def notice_for_user(user: User, number: str) -> SupplementNotice:
    notice = (
        SupplementNotice.objects.select_related(
            "item_version__item", "item_version__department", "issued_by"
        )
        .filter(notice_number=number)
        .first()
    )
    if notice is None:
        raise NoticeNotFound()
    if user.has_role("clerk", "centre_admin") or notice.issued_by_id == user.pk:
        return notice
    raise NoticeNotFound()
