"""/api/v1/: the versioned API for agencies' own systems (issue 16). Token (`Authorization: Bearer`) or
the browser's session; every operation goes through the same services as the pages. Every answer
other than success is `{code, message, field, article}` and the OpenAPI document lists each one.
OpenAPI: /api/v1/openapi.json, docs at /api/v1/docs. Changes: docs/api.md."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jiandu.duties.api import router_v1 as duties_router
from jiandu.duties.services import DutyError, RequestRefused
from jiandu.findings.api import router_v1 as findings_router
from jiandu.findings.api import router_v1_bureau as bureau_findings_router
from jiandu.integrations.http import ApiError, ErrorOut, PolicySessionAuth, TokenAuth, unstorable_input
from jiandu.integrations.pagination import PAGE_HEADERS
from jiandu.integrations.services import IdempotencyConflict
from jiandu.portal.api import router_v1_public as public_router

# Each answer the document lists, with a Chinese example (issue 16 "Contract").
RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {  # i18n: zh-only (the OpenAPI document)
    "400": (
        "请求被业务规则拒绝（不写入任何内容）",
        {"code": "refused", "message": "活动日期须晚于今天", "field": None, "article": None},
    ),
    "401": (
        "未提供有效的接口令牌或登录会话",
        {
            "code": "unauthenticated",
            "message": "未提供有效的接口令牌或登录会话",
            "field": None,
            "article": None,
        },
    ),
    "403": (
        "无权执行（角色、单位范围或令牌授权范围不允许）",
        {"code": "forbidden", "message": "无权执行此操作", "field": None, "article": None},
    ),
    "404": (
        "不存在，或不在本账号可见范围内",
        {
            "code": "not_found",
            "message": "不存在，或不在本账号可见范围内",
            "field": None,
            "article": None,
        },
    ),
    "409": (
        "幂等键已用于内容不同的请求",
        {
            "code": "idempotency_conflict",
            "message": "该幂等键已用于另一内容不同的请求",
            "field": None,
            "article": None,
        },
    ),
    "422": (
        "参数不合法（类型、格式或取值范围）",
        {
            "code": "invalid",
            "message": "参数不合法：应为整数",
            "field": "supervisors_needed",
            "article": None,
        },
    ),
    "429": (
        "请求过于频繁",
        {
            "code": "rate_limited",
            "message": "请求过于频繁，请稍后再试",
            "field": None,
            "article": None,
        },
    ),
}


class JianduV1(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = ErrorOut.model_json_schema()
        error["title"] = "ErrorOut"
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = error
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                params = {p.get("name") for p in operation.get("parameters", [])}
                # Public operations (no security) answer neither 401 nor 403.
                codes = ["401", "403", "429"] if operation.get("security") else ["429"]
                if "{" in path:
                    codes.append("404")
                if params or operation.get("requestBody"):
                    codes.append("422")
                if method == "post":
                    codes.append("400")
                if "Idempotency-Key" in params:
                    codes.append("409")
                if "cursor" in params:
                    for answer in operation["responses"].values():
                        answer.setdefault("headers", {}).update(PAGE_HEADERS)
                for code in codes:
                    description, example = RESPONSES[code]
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"},
                                    "example": example,
                                }
                            },
                        },
                    )
        _add_links(schema)
        return schema


# What a client does next with what a create answered (OpenAPI links; schemathesis follows them).
LINKS: dict[tuple[str, str], dict[str, tuple[str, str, dict[str, str]]]] = {
    ("post", "/api/v1/duties/"): {
        "ReadDuty": ("get", "/api/v1/duties/{duty_id}", {"duty_id": "$response.body#/id"}),
        "ReadContacts": ("get", "/api/v1/duties/{duty_id}/contacts", {"duty_id": "$response.body#/id"}),
        "ReadParticipants": (
            "get",
            "/api/v1/duties/{duty_id}/participants",
            {"duty_id": "$response.body#/id"},
        ),
        "ReadRecord": ("get", "/api/v1/duties/{duty_id}/record", {"duty_id": "$response.body#/id"}),
        "CancelDuty": ("post", "/api/v1/duties/{duty_id}/cancel", {"duty_id": "$response.body#/id"}),
    },
    ("post", "/api/v1/duties/{duty_id}/draws"): {
        "PerformDraw": (
            "post",
            "/api/v1/duties/{duty_id}/draws/{number}",
            {"duty_id": "$request.path.duty_id", "number": "$response.body#/number"},
        ),
    },
    ("post", "/api/v1/duties/{duty_id}/draws/{number}"): {
        "ReadContacts": ("get", "/api/v1/duties/{duty_id}/contacts", {"duty_id": "$request.path.duty_id"}),
    },
}


def _add_links(schema: dict[str, Any]) -> None:
    paths = schema.get("paths", {})
    for (method, path), links in LINKS.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        created = next(v for k, v in operation["responses"].items() if str(k).startswith("2"))
        created["links"] = {
            name: {"operationId": paths[target][target_method]["operationId"], "parameters": parameters}
            for name, (target_method, target, parameters) in links.items()
        }


api_v1 = JianduV1(
    title="Jiandu 监督 API v1",
    version="1.2.1",
    description=(
        "供被监督单位业务系统对接的接口。认证：`Authorization: Bearer <令牌>`（单位工作人员在“接口令牌”页面签发），"
        "或浏览器登录会话。所有操作与页面使用同一业务规则；创建请求须带 `Idempotency-Key` 请求头。"
        "错误一律为 `{code, message, field, article}`。"
    ),
    auth=[TokenAuth(), PolicySessionAuth()],
    urls_namespace="api_v1",
    docs_url="/docs",
)


def _answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api_v1.create_response(request, body, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return _answer(request, status, ApiError(status, code, message, **extra).body())


@api_v1.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _answer(request, exc.status, exc.body())


@api_v1.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header", "payload")]
    return _error(
        request,
        422,
        "invalid",
        gettext("参数不合法：{value}").format(value=first.get("msg", "")),
        field=".".join(loc) or None,
    )


@api_v1.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", gettext("未提供有效的接口令牌或登录会话"))


@api_v1.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", gettext("不存在，或不在本账号可见范围内"))


@api_v1.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or gettext("无权执行此操作"))


@api_v1.exception_handler(PermissionError)
def _denied_service(request: HttpRequest, exc: PermissionError) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or gettext("无权执行此操作"))


@api_v1.exception_handler(RequestRefused)
def _refused_with_reason(request: HttpRequest, exc: RequestRefused) -> HttpResponse:
    reason = exc.decision.reasons[0]
    return _error(request, 400, reason.code, reason.message, article=reason.article or None)


@api_v1.exception_handler(DutyError)
def _refused(request: HttpRequest, exc: DutyError) -> HttpResponse:
    return _error(request, 400, "refused", str(exc))


@api_v1.exception_handler(LookupError)
def _calendar_unknown(request: HttpRequest, exc: LookupError) -> HttpResponse:
    # CalendarUnknownYear: the holiday notice of that year is not loaded; the message names it.
    return _error(request, 400, "calendar_unknown", str(exc))


@api_v1.exception_handler(DjangoValidationError)
def _rejected(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _error(request, 400, "refused", "；".join(exc.messages))


@api_v1.exception_handler(IdempotencyConflict)
def _conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
    return _error(request, 409, "idempotency_conflict", str(exc), field="Idempotency-Key")


@api_v1.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))


api_v1.add_router("/duties/", duties_router)
api_v1.add_router("/findings/", findings_router)
api_v1.add_router("/bureau/findings/", bureau_findings_router)
api_v1.add_router("/public/", public_router)


def _refuse_unstorable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """422 for a NUL or a lone surrogate anywhere in the input, before authentication or any service:
    the pages' forms refuse them, and PostgreSQL cannot store them (schemathesis found the 500)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        field = unstorable_input(request)
        if field is not None:
            return _error(
                request,
                422,
                "invalid",
                gettext("参数含有不允许的字符（空字符或无效的 Unicode 字符）"),
                field=field,
            )
        return view(request, *args, **kwargs)

    return wrapped


def v1_urls() -> Any:
    """The URL patterns, each let past LoginRequiredMiddleware: authentication is the API's own
    (token or session, 401 in the error shape instead of a redirect to the sign-in page)."""
    patterns, app_name, namespace = api_v1.urls
    for pattern in patterns:
        if getattr(pattern, "name", None) == "api-root":
            continue  # ninja's empty root (a 404) stays behind sign-in like any other page
        pattern.callback = _refuse_unstorable(pattern.callback)  # type: ignore[arg-type]
        pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace
