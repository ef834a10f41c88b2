"""Account and authentication errors."""

from __future__ import annotations

from onewindow.core.errors import BadInput, NotAuthenticated


class BadCredentials(NotAuthenticated):
    code = "auth.invalid_credentials"
    message = "用户名或密码不正确"


class TokenInvalid(NotAuthenticated):
    code = "auth.invalid_token"
    message = "访问令牌无效或已过期，请重新登录"


class UnknownDepartment(BadInput):
    code = "department.unknown"
    message = "部门不存在"
