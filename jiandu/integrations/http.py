"""The pieces every /api/v1/ operation shares: token authentication (with the per-token rate limit and
the audit of each call), the scope check, and the one error shape `{code, message, field, article}`."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Schema
from ninja.security import HttpBearer, SessionAuth

from jiandu.core.permissions import deny
from jiandu.core.ratelimits import limit_exceeded
from jiandu.integrations.models import ApiToken
from jiandu.integrations.services import token_find, token_use


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    article: str | None = None


class ApiError(Exception):
    """An answer other than success, in the API's one error shape."""

    def __init__(
        self, status: int, code: str, message: str, *, field: str | None = None, article: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.article = status, code, message, field, article

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field, "article": self.article}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer jd_…`. The call then acts as the token's issuer, narrowed to its scopes."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_find(token)
        if found is None:
            return None
        if limit_exceeded(
            request,
            group="api-token",
            key=f"token:{found.pk}",
            rate_setting="JIANDU_RATE_API_TOKEN",
            default="120/m",
        ):
            raise ApiError(429, "rate_limited", gettext("请求过于频繁，请稍后再试"))
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        token_use(token=found, method=request.method or "", path=request.path)
        return found


class PolicySessionAuth(SessionAuth):
    """The browser's session, under the same account policy as the pages (AccountPolicyMiddleware lets
    /api/v1/ through, since the API authenticates itself): a privileged account that has not passed its
    second factor, or whose password has expired, is not signed in here (401)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        if (user.needs_second_factor and not user.is_verified()) or user.password_expired:
            return None
        return user


def request_token(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)


def scope_require(request: HttpRequest, scope: str) -> None:
    """A token must carry the scope; a signed-in person is limited by their role alone (the services)."""
    token = request_token(request)
    if token is not None and scope not in token.scopes:
        deny(
            request.user,
            action=f"api.{scope}",
            reason=gettext("令牌未获授权：{scope}").format(scope=scope),
            target=token,
        )
        raise ApiError(403, "scope_missing", gettext("该令牌未获授权执行此操作"))


def _unstorable(text: str) -> bool:
    """A NUL (PostgreSQL text cannot hold it; Django's form fields refuse it with
    ProhibitNullCharactersValidator) or a lone surrogate (not encodable as UTF-8)."""
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def _walk(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return where if _unstorable(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            found = _walk(str(k), where) or _walk(v, f"{where}.{k}" if where else str(k))
            if found is not None:
                return found
    if isinstance(value, list):
        for v in value:
            found = _walk(v, where)
            if found is not None:
                return found
    return None


def unstorable_input(request: HttpRequest) -> str | None:
    """The first input (the path, a query parameter or a JSON body field) that no page's form would
    accept: a NUL or a lone surrogate. None when all is well (malformed JSON is left to the API's own
    422)."""
    if _unstorable(request.path):
        return "path"
    for key, values in request.GET.lists():
        if _unstorable(key) or any(_unstorable(v) for v in values):
            return key
    if request.body and (request.content_type or "").endswith("json"):
        try:
            data = json.loads(request.body)
        except ValueError:
            return None
        return _walk(data, "")
    return None
