"""Workflow errors with stable codes."""

from __future__ import annotations

from onewindow.core.errors import Conflict, NotFound


class CaseNotFound(NotFound):
    code = "case.not_found"
    message = "办件不存在"


class CaseClosed(Conflict):
    code = "case.closed"
    message = "办件已办结，不能再操作"


class IllegalTransition(Conflict):
    code = "case.illegal_transition"
    message = "办件当前状态不允许此操作"
