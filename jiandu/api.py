"""The HTTP API (django-ninja, OpenAPI at /api/docs). Each app that offers endpoints has an `api.py`
with a `router`; they are mounted here under the app's name. Session authentication: the API serves
the same signed-in people as the pages, with the same scoping, and is never public."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from jiandu.allowances.api import router as allowances_router
from jiandu.casework.api import router as casework_router
from jiandu.findings.api import router as findings_router
from jiandu.notifications.api import router as notifications_router
from jiandu.orgs.selectors import organisations_visible_to
from jiandu.workdays.api import router as workdays_router

# Every operation may answer these; the OpenAPI document says so (issue 11 #7: it listed only 200).
ERROR_RESPONSES: dict[str, dict[str, Any]] = {  # i18n: zh-only (the OpenAPI document)
    "401": {"description": "未登录（会话无效或已过期）", "schema": "ErrorOut"},
    "403": {"description": "无权访问（角色或单位范围不允许）", "schema": "ErrorOut"},
    "404": {"description": "不存在，或不在本账号可见范围内", "schema": "ErrorOut"},
    "422": {
        "description": "参数不合法（类型、格式或取值范围）",
        "schema": "ValidationErrorOut",
    },
}
ERROR_SCHEMAS: dict[str, Any] = {
    "ErrorOut": {
        "title": "ErrorOut",
        "type": "object",
        "properties": {"detail": {"title": "Detail", "type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrorOut": {
        "title": "ValidationErrorOut",
        "type": "object",
        "properties": {
            "detail": {
                "title": "Detail",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "loc": {"type": "array", "items": {}},
                        "msg": {"type": "string"},
                    },
                },
            }
        },
        "required": ["detail"],
    },
}


class JianduAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI lists the error answers: 401 and 403 everywhere, 404 where the path names
    an object, 422 where there are parameters or a body."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(ERROR_SCHEMAS)
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                codes = ["401", "403"]
                if "{" in path:
                    codes.append("404")
                if operation.get("parameters") or operation.get("requestBody"):
                    codes.append("422")
                for code in codes:
                    spec = ERROR_RESPONSES[code]
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": spec["description"],
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/{spec['schema']}"}
                                }
                            },
                        },
                    )
        return schema


api = JianduAPI(
    title="Jiandu 监督 API",
    version="1",
    description="监督项目平台接口。所有接口需登录，数据范围与页面一致（本单位及下级单位）。",
    auth=django_auth,
    urls_namespace="api",
)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    organisation: str | None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region_code: str
    uscc: str | None
    parent_id: int | None


@api.get("/me", response=MeOut, summary="当前账号")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.get_username(),
        full_name=user.full_name,  # type: ignore[union-attr]
        role=user.role,  # type: ignore[union-attr]
        role_label=user.get_role_display(),  # type: ignore[union-attr]
        organisation=str(user.organisation) if user.organisation_id else None,  # type: ignore[union-attr]
    )


@api.get("/organisations", response=list[OrganisationOut], summary="本单位及下级单位")
def organisations(request: HttpRequest) -> list[OrganisationOut]:
    return list(organisations_visible_to(request.user).values(*OrganisationOut.model_fields))  # type: ignore[arg-type]


# Each part's router, imported directly: a missing or broken module fails loudly at start-up instead
# of silently dropping its endpoints.
api.add_router("/allowances/", allowances_router)
api.add_router("/casework/", casework_router)
api.add_router("/findings/", findings_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/workdays/", workdays_router)
