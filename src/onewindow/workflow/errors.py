"""Workflow errors with stable codes (API clients rely on them) and Chinese messages."""

from __future__ import annotations

from onewindow.core.errors import BadInput, Conflict, NotFound


class CaseNotFound(NotFound):
    code = "case.not_found"
    message = "办件不存在"


class CaseClosed(Conflict):
    code = "case.closed"
    message = "办件已办结，不能再操作"


class IllegalTransition(Conflict):
    code = "case.illegal_transition"
    message = "办件当前状态不允许此操作"


class CasePaused(Conflict):
    code = "case.paused"
    message = "办件正在补正或特别程序中，计时已暂停，请恢复后再办理"


class CaseNotInSupplement(Conflict):
    code = "case.not_in_supplement"
    message = "办件不在待补正状态"


class CaseNotApproved(Conflict):
    code = "case.not_approved"
    message = "办件尚未审批通过，不能出件"


class TaskNotFound(NotFound):
    code = "task.not_found"
    message = "办理环节不存在"


class TaskNotOpen(Conflict):
    code = "task.not_open"
    message = "该环节不在办理中，不能再作决定"


class SupplementIncomplete(BadInput):
    code = "supplement.incomplete"
    message = "补正材料尚未收齐"


class ExtensionNotFound(NotFound):
    code = "extension.not_found"
    message = "延长审批申请不存在"


class ExtensionPending(Conflict):
    code = "extension.pending"
    message = "该办件已有待批准的延长审批申请"


class ExtensionAlreadyGranted(Conflict):
    code = "extension.already_granted"
    message = "该办件已延长过审批期限，依法只能延长一次"


class ExtensionNotPending(Conflict):
    code = "extension.not_pending"
    message = "该延长审批申请已处理"


class SpecialProcedureNotFound(NotFound):
    code = "special_procedure.not_found"
    message = "特别程序不存在"


class SpecialProcedureEnded(Conflict):
    code = "special_procedure.ended"
    message = "该特别程序已结束"
