"""The REST API under /api/v1/ (API.md): one NinjaAPI, one router per app, errors as
``{"code","message","fields"}`` with 400 (not 422) for schema validation."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from onewindow.accounts.api import router as accounts_router
from onewindow.accounts.auth import ApiAuth
from onewindow.analytics.api import router as analytics_router
from onewindow.catalog.api import router as catalog_router
from onewindow.core.errors import DomainError
from onewindow.core.http import Renderer, domain_error_response, error_response
from onewindow.datahub.api import router as datahub_router
from onewindow.evaluation.api import router as evaluation_router
from onewindow.guidance.api import router as guidance_router
from onewindow.intake.api import router as intake_router
from onewindow.ledger.api import router as ledger_router
from onewindow.workflow.api import router as workflow_router

api = NinjaAPI(
    title="一窗通办 OneWindow API",
    version="1.0.0",
    description="政务服务“一窗通办”平台的稳定接口（见 API.md）。",
    auth=ApiAuth(),
    renderer=Renderer(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

_TYPE_MESSAGES = {
    "missing": "此项为必填项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "请求体不是有效的 JSON",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "string_too_long": "文本过长",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}
_ROOTS = {"body", "query", "path", "header", "cookie", "form"}


def _field_path(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _ROOTS:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters", "data"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        path = _field_path(list(error.get("loc", [])))
        fields.setdefault(path, _TYPE_MESSAGES.get(str(error.get("type")), "输入格式不正确"))
    return error_response(400, "input.invalid", "输入格式不正确，请检查标出的字段", fields)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return domain_error_response(exc)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "auth.required", "请先登录或提供有效的访问令牌")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", "未找到相应记录")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {405: "method.not_allowed", 413: "input.too_large"}
    return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))


api.add_router("", accounts_router)
api.add_router("", catalog_router)
api.add_router("", datahub_router)
api.add_router("", guidance_router)
api.add_router("", intake_router)
api.add_router("", evaluation_router)
api.add_router("", ledger_router)
api.add_router("", workflow_router)
api.add_router("", analytics_router)
