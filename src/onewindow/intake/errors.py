"""Intake errors with stable codes and Chinese messages."""

from __future__ import annotations

from onewindow.core.errors import BadInput, NotFound


class InvalidApplication(BadInput):
    code = "intake.invalid"
    message = "申请信息有误，请按提示修改"


class TargetMismatch(BadInput):
    code = "intake.target_mismatch"
    message = "该事项的服务对象与申请人类型不符"


class UnknownItem(BadInput):
    code = "item.not_found"
    message = "事项不存在"


class NoticeNotFound(NotFound):
    code = "notice.not_found"
    message = "告知书不存在"
