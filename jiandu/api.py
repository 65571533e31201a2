"""The HTTP API (django-ninja, OpenAPI at /api/docs). Each app that offers endpoints has an `api.py`
with a `router`; they are mounted here under the app's name. Session authentication: the API serves
the same signed-in people as the pages, with the same scoping, and is never public."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from jiandu.allowances.api import router as allowances_router
from jiandu.casework.api import router as casework_router
from jiandu.findings.api import router as findings_router
from jiandu.notifications.api import router as notifications_router
from jiandu.orgs.selectors import organisations_visible_to
from jiandu.workdays.api import router as workdays_router

api = NinjaAPI(
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
