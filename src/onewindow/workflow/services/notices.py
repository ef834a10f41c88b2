"""Who is told what when a case moves: the workflow's Chinese message templates and the
recipients (applicant, department staff, the window, the centre)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from onewindow.accounts.models import User
from onewindow.core.notifications import services as outbox
from onewindow.core.notifications import templates
from onewindow.core.notifications.services import Recipient
from onewindow.workflow import links
from onewindow.workflow.models import Case

templates.register(
    "case.supplement_requested",
    "办件需补正材料",
    "您申请的“{item}”（办件编号{number}）需补正以下材料：{materials}。{comment}"
    "请携带材料到综合窗口提交；补正期间审批时限暂停计算。",
)
templates.register(
    "case.returned_to_window",
    "办件退回窗口补正",
    "办件{number}（{item}）由{department}退回补正，需收取：{materials}。{comment}",
)
templates.register(
    "case.supplemented",
    "补正材料已收齐",
    "办件{number}（{item}）的补正材料已收齐，审批时限恢复计算，本环节到期日调整为{due}。",
)
templates.register(
    "case.extension_requested",
    "延长审批待批准",
    "{department}申请将办件{number}（{item}）的审批期限延长{days}个工作日，理由：{reason}。",
)
templates.register(
    "case.extended",
    "审批期限延长",
    "您申请的“{item}”（办件编号{number}）经批准延长审批期限{days}个工作日，"
    "承诺办结日期调整为{due}。延长理由：{reason}。",
)
templates.register(
    "case.suspended",
    "办件进入特别程序",
    "您申请的“{item}”（办件编号{number}）需要进行{kind}，理由：{reason}。"
    "依照《中华人民共和国行政许可法》第四十五条，所需时间不计算在审批期限内。",
)
templates.register(
    "case.resumed",
    "特别程序结束",
    "您申请的“{item}”（办件编号{number}）的{kind}已结束，审批期限恢复计算，"
    "承诺办结日期调整为{due}。",
)
templates.register(
    "case.approved",
    "审批通过",
    "您申请的“{item}”（办件编号{number}）已审批通过，请按约定方式领取办理结果。",
)
templates.register(
    "case.rejected",
    "不予许可",
    "您申请的“{item}”（办件编号{number}）经审查不予许可，理由：{reason}。"
    "如不服，可以依法申请行政复议或者提起行政诉讼。",
)
templates.register(
    "case.completed",
    "办结出件",
    "您申请的“{item}”（办件编号{number}）已办结，办理结果已{method}。{review}",
)
templates.register(
    "task.transferred",
    "转办任务",
    "办件{number}（{item}）的“{task}”环节由{from_department}转来，理由：{reason}。"
    "请于{due}前办理。",
)
templates.register(
    "task.opened",
    "新的待办",
    "办件{number}（{item}）已流转到本部门“{task}”环节，请于{due}前办理。",
)
templates.register(
    "task.reminder",
    "临期提醒",
    "本部门有{count}件办理环节将于1个工作日内到期：{cases}。请及时办理。",
)
templates.register(
    "task.overdue",
    "超期督办",
    "本部门有{count}件办理环节已超期：{cases}。请督促办理并说明原因。",
)
templates.register(
    "task.supervision",
    "电子监察：超期列入督办清单",
    "{count}件办理环节超期{days}个工作日以上，已列入中心督办清单：{cases}。",
)


def applicant_recipients(case: Case) -> list[Recipient]:
    """The applicant: their account (in-app) and the phone given at acceptance (SMS)."""
    user_ids: list[int] = []
    if case.person_id is not None and case.person is not None and case.person.user_id:
        user_ids.append(case.person.user_id)
    if (
        case.organisation_id is not None
        and case.organisation is not None
        and case.organisation.user_id
    ):
        user_ids.append(case.organisation.user_id)
    if case.submitted_by_id is not None and case.submitted_by_id != case.clerk_id:
        user_ids.append(case.submitted_by_id)
    unique = list(dict.fromkeys(user_ids))
    if not unique:
        return [Recipient(phone=case.applicant_phone)] if case.applicant_phone else []
    first, *rest = unique
    return [Recipient(user_id=first, phone=case.applicant_phone)] + [
        Recipient(user_id=u) for u in rest
    ]


def staff_recipients(department_id: int | None, role: str) -> list[Recipient]:
    """Active staff holding ``role`` in the department (in-app only)."""
    rows = User.objects.filter(is_active=True, role_grants__role=role)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    return [Recipient(user_id=pk) for pk in rows.values_list("pk", flat=True).distinct()]


def user_recipient(user_id: int | None) -> list[Recipient]:
    return [Recipient(user_id=user_id)] if user_id is not None else []


def tell(
    template: str,
    case: Case,
    recipients: Iterable[Recipient],
    sms: bool = True,
    **context: object,
) -> None:
    """Queue ``template`` about ``case`` for ``recipients`` (after commit; see outbox)."""
    values: Mapping[str, object] = {
        "number": case.number,
        "item": case.item_version.name,
        **context,
    }
    outbox.notify(
        template=template,
        context=values,
        recipients=list(recipients),
        target=case.ledger_ref,
        sms=sms,
    )


def review_invitation(case: Case, stage: str) -> str:
    """The sentence that closes a message with the event's rating link (好差评: the signed
    one-time link lets the applicant rate from the SMS without signing in); empty without one."""
    link = links.review_link(case, stage, links.VIA_SMS)
    return f"欢迎对本次服务作出评价：{link}" if link else ""


def format_day(day: object) -> str:
    """``2026年11月24日`` for messages."""
    if isinstance(day, date):
        return f"{day.year}年{day.month}月{day.day}日"
    return str(day or "")
