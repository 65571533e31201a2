"""/api/v1/public/ (issue 16): what anyone may read on the portal, without a token — the published
draw records, the certificate check by number, the programmes with their public roster and
announcements, and the open statistics. The same selectors as the public pages (names, employers,
terms; never an identifier, a phone or a reporter), and rate-limited per address like them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from jiandu.core.ratelimits import limit_exceeded
from jiandu.core.request_context import client_ip
from jiandu.duties.selectors import draws_public
from jiandu.duties.verify import record_problems
from jiandu.integrations.http import ApiError
from jiandu.integrations.pagination import ListFilters, PageParams, cursor_page, filtered
from jiandu.portal import selectors
from jiandu.roster.models import AnnouncementKind

router_v1_public = Router(tags=["public"], auth=None)


def _limit(request: HttpRequest, group: str = "api-public", setting: str = "JIANDU_RATE_PUBLIC_API") -> None:
    """Per client address, like the public pages (jiandu.core.ratelimits)."""
    default = "30/m" if group == "public-lookup" else "120/m"
    key = client_ip(request) or "unknown"
    if limit_exceeded(request, group=group, key=key, rate_setting=setting, default=default):
        raise ApiError(429, "rate_limited", gettext("请求过于频繁，请稍后再试"))


class PublicDrawOut(Schema):
    id: int
    duty_id: int
    programme: str
    kind: str
    duty_on: dt.date
    number: int = Field(description="第几次抽选")
    drawn_at: dt.datetime
    record_hash: str
    public_url: str
    json_url: str


class PublicDrawRecordOut(Schema):
    id: int
    record_hash: str
    drawn_at: dt.datetime
    problems: list[str] = Field(description="独立复核发现的问题（空表示记录自洽）")
    record: dict[str, Any] = Field(description="完整抽选记录（docs/draw.md），可独立复算")


class CertificateOut(Schema):
    number: str
    name: str
    programme: str
    state: str = Field(description="valid / expired / revoked / pending")
    label: str


class ProgrammeOut(Schema):
    id: int
    name: str
    kind: str
    organisation: str


class RosterEntryOut(Schema):
    id: int
    full_name: str
    employer: str
    term_start: dt.date | None
    term_end: dt.date | None
    certificate_no: str


class AnnouncementOut(Schema):
    id: int
    programme_id: int
    programme: str
    kind: str
    title: str
    body: str
    article: str
    published_on: dt.date


class StatisticsOut(Schema):
    programme: str
    year: int
    supervisors: int
    duties: int
    opinions: int
    replied: int
    replied_on_time: int
    adopted: int
    adoption_rate: str
    on_time_rate: str


@router_v1_public.get(
    "/draws/",
    response=list[PublicDrawOut],
    summary="已公布的抽选记录，按抽选时间倒序分页",
    description="筛选：`date_from`/`date_to` 按抽选日期，`programme_id`。下一页游标在答复头 `X-Next-Cursor`。",
)
def public_draws(
    request: HttpRequest, response: HttpResponse, params: Query[ListFilters]
) -> list[dict[str, Any]]:
    _limit(request)
    if params.status:
        raise ApiError(422, "invalid", gettext("抽选记录不按状态筛选"), field="status")
    qs = filtered(draws_public(), params, date_field="drawn_at__date", programme_field="duty__programme_id")
    return [
        {
            "id": r.pk,
            "duty_id": r.duty_id,
            "programme": r.duty.programme.name,
            "kind": r.duty.kind,
            "duty_on": r.duty.duty_on,
            "number": r.commitment.number,
            "drawn_at": r.drawn_at,
            "record_hash": r.record_hash,
            "public_url": reverse("duties:draw_public", args=[r.pk]),
            "json_url": reverse("duties:draw_public_json", args=[r.pk]),
        }
        for r in cursor_page(qs, params, key="drawn_at", request=request, response=response)
    ]


@router_v1_public.get(
    "/draws/{draw_id}", response=PublicDrawRecordOut, summary="一次抽选的完整记录及复核结果"
)
def public_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    _limit(request)
    row = draws_public().filter(pk=draw_id).first()
    if row is None:
        raise Http404
    return {
        "id": row.pk,
        "record_hash": row.record_hash,
        "drawn_at": row.drawn_at,
        "problems": record_problems(row),
        "record": row.record,
    }


@router_v1_public.get(
    "/certificates/{number}",
    response=CertificateOut,
    summary="按证书编号核验聘书（有效、期满、收回）",
)
def public_certificate(request: HttpRequest, number: str) -> dict[str, Any]:
    # The same budget as the page's check by number: one counter per address for both.
    _limit(request, "public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP")
    cert = selectors.certificate_by_number(number[:40])
    if cert is None:
        raise Http404
    check = selectors.certificate_check(cert, today=timezone.localdate())
    return {
        "number": check.number,
        "name": check.name,
        "programme": check.programme,
        "state": check.state,
        "label": check.label,
    }


@router_v1_public.get("/programmes/", response=list[ProgrammeOut], summary="运行中的监督项目")
def public_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    _limit(request)
    return [
        {"id": p.pk, "name": p.name, "kind": p.kind, "organisation": p.organisation.name}
        for p in selectors.public_programmes().order_by("id")
    ]


def _programme(programme_id: int) -> Any:
    programme = selectors.public_programme_get(programme_id)
    if programme is None:
        raise Http404
    return programme


@router_v1_public.get(
    "/programmes/{programme_id}/roster",
    response=list[RosterEntryOut],
    summary="在任监督员名单（姓名、工作单位、任期），分页",
)
def public_roster(
    request: HttpRequest, response: HttpResponse, programme_id: int, params: Query[PageParams]
) -> list[dict[str, Any]]:
    _limit(request)
    rows = selectors.public_roster(_programme(programme_id), on=timezone.localdate())
    return [
        {
            "id": s.pk,
            "full_name": s.full_name,
            "employer": s.employer,
            "term_start": s.term_start,
            "term_end": s.term_end,
            "certificate_no": s.certificate_no or "",
        }
        for s in cursor_page(rows, params, key="id", request=request, response=response)
    ]


@router_v1_public.get(
    "/announcements/",
    response=list[AnnouncementOut],
    summary="公告（聘任、解聘、优秀公示及其他），按发布日期倒序分页",
    description="筛选：`date_from`/`date_to` 按发布日期，`status` 为公告类型，`programme_id`。",
)
def public_announcements(
    request: HttpRequest, response: HttpResponse, params: Query[ListFilters]
) -> list[dict[str, Any]]:
    _limit(request)
    qs = selectors.public_announcements()
    if params.status:
        if params.status not in AnnouncementKind.values:
            raise ApiError(
                422,
                "invalid",
                gettext("公告类型无效，可用：{value}").format(value="、".join(AnnouncementKind.values)),
                field="status",
            )
        qs = qs.filter(kind=params.status)
    qs = filtered(qs, params.model_copy(update={"status": None}), date_field="published_on")
    return [
        {
            "id": a.pk,
            "programme_id": a.programme_id,
            "programme": a.programme.name,
            "kind": a.kind,
            "title": a.title,
            "body": a.body,
            "article": a.article,
            "published_on": a.published_on,
        }
        for a in cursor_page(qs, params, key="published_on", request=request, response=response)
    ]


@router_v1_public.get(
    "/programmes/{programme_id}/statistics/{year}",
    response=StatisticsOut,
    summary="年度公开统计（在任人数、监督活动、意见及答复、采纳率、按期答复率）",
)
def public_statistics(request: HttpRequest, programme_id: int, year: int) -> dict[str, Any]:
    _limit(request)
    programme = _programme(programme_id)
    today = timezone.localdate()
    if not selectors.FIRST_YEAR <= year <= today.year:
        raise Http404
    return selectors.open_statistics(programme, year=year, today=today).to_dict()
