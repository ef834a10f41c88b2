"""Domain errors with stable codes for API clients and Chinese messages for people.

Each app's ``errors.py`` subclasses these. The API layer turns any :class:`DomainError` into
``{"code", "message", "fields"}`` with the status the class declares.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every expected failure. ``fields`` maps dotted input paths to Chinese messages."""

    status = 400
    code = "error"
    message = "请求有误"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.fields: dict[str, str] = dict(fields or {})
        super().__init__(self.message)


class BadInput(DomainError):
    status = 400
    code = "input.invalid"
    message = "输入有误，请检查后重试"


class NotAuthenticated(DomainError):
    status = 401
    code = "auth.required"
    message = "请先登录或提供有效的访问令牌"


class PermissionDenied(DomainError):
    status = 403
    code = "permission.denied"
    message = "当前账号无权执行此操作"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "未找到相应记录"


class Conflict(DomainError):
    status = 409
    code = "state.conflict"
    message = "当前状态不允许此操作"


class TooManyRequests(DomainError):
    status = 429
    code = "rate.limited"
    message = "请求过于频繁，请稍后再试"


class IdempotencyConflict(Conflict):
    code = "idempotency.conflict"
    message = "同一幂等键已用于不同的请求内容"
