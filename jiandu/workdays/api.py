"""The working-day calendar over the HTTP API (/api/workdays/): the same arithmetic as
`jiandu calendar …`, each answer saying whether it is provisional (暂定) and for which years."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router
from ninja.errors import HttpError

from jiandu.rules.calendar import CalendarResult, CalendarUnknownYear
from jiandu.workdays.services import programme_region, work_calendar

router = Router(tags=["workdays"])


def _out(result: CalendarResult, **extra: Any) -> dict[str, Any]:
    return {**extra, **result.to_dict()}


def _region(region: str, programme: int | None = None) -> str | None:
    """The region whose calendar to use: given, or the programme's (its organisation's 行政区划代码,
    the same helper the services use)."""
    if programme is not None:
        from jiandu.roster.models import Programme

        if region:
            raise HttpError(400, gettext("地区代码与项目只能给出一个"))
        row = Programme.objects.select_related("organisation").filter(pk=programme).first()
        if row is None:
            raise HttpError(404, gettext("项目不存在"))
        return programme_region(row)
    if region and not (len(region) == 6 and region.isdigit()):
        raise HttpError(400, gettext("地区代码应为6位行政区划代码，例如 640000"))
    return region or None


@router.get("/deadline", summary="期间末日（末日为休息日的顺延；含是否暂定）")
def deadline(
    request: HttpRequest, start: dt.date, days: int, region: str = "", programme: int | None = None
) -> dict[str, Any]:
    if not 1 <= days <= 3660:
        raise HttpError(400, gettext("期间天数应为1至3660之间的整数"))
    try:
        result = work_calendar(_region(region, programme)).deadline_result(start, days)
    except CalendarUnknownYear as exc:
        raise HttpError(400, str(exc)) from None
    return _out(result, start=start.isoformat(), days=days)


@router.get("/add-working-days", summary="D 之后（n 为负则之前）第 |n| 个工作日（含是否暂定）")
def add_working_days(
    request: HttpRequest, start: dt.date, n: int, region: str = "", programme: int | None = None
) -> dict[str, Any]:
    if abs(n) > 1000:
        raise HttpError(400, gettext("工作日数过大"))
    calendar = work_calendar(_region(region, programme))
    try:
        result = (
            calendar.add_working_days_result(start, n)
            if n >= 0
            else calendar.subtract_working_days_result(start, -n)
        )
    except CalendarUnknownYear as exc:
        raise HttpError(400, str(exc)) from None
    return _out(result, start=start.isoformat(), working_days=n)
