"""Cursor pagination and the common list filters for /api/v1/ (issue 16): a list is ordered by
(key, id) descending, which is stable however many rows are added meanwhile; the cursor is opaque
(base64 of the last row's key and id) and the next one travels in the `X-Next-Cursor` header and a
`Link: <…>; rel="next"` header, so the body stays the plain JSON array v1.0 answered."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Field, Schema

from jiandu.integrations.http import ApiError

MAX_LIMIT = 100

# The response headers each list operation documents.
PAGE_HEADERS: dict[str, Any] = {  # i18n: zh-only (the OpenAPI document)
    "X-Next-Cursor": {
        "description": "下一页的游标（无下一页时不返回）；原样放入 `cursor` 参数",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": '下一页的地址（RFC 8288，rel="next"）',
        "schema": {"type": "string"},
    },
}


class PageParams(Schema):
    """Query parameters shared by the list operations."""

    cursor: str | None = Field(None, max_length=200, description="上一页答复头 `X-Next-Cursor` 的值")
    limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数（1–{MAX_LIMIT}）")


class ListFilters(PageParams):
    date_from: dt.date | None = Field(None, description="起始日期（含）")
    date_to: dt.date | None = Field(None, description="截止日期（含）")
    status: str | None = Field(None, max_length=24, description="状态代码")
    programme_id: int | None = Field(None, ge=1, description="监督项目编号")


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(qs: QuerySet[Any], key: str, cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError
        return qs.model._meta.get_field(key).to_python(value), pk
    except (ValueError, TypeError, binascii.Error, ValidationError, UnicodeDecodeError) as exc:
        raise ApiError(422, "invalid", gettext("游标无效，请从第一页重新读取"), field="cursor") from exc


def filtered(
    qs: QuerySet[Any],
    params: ListFilters,
    *,
    date_field: str,
    statuses: list[str] | None = None,
    programme_field: str = "programme_id",
) -> QuerySet[Any]:
    """Apply the date range (on `date_field`), the status and the programme filters."""
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ApiError(422, "invalid", gettext("起始日期不能晚于截止日期"), field="date_from")
    if params.date_from:
        qs = qs.filter(**{f"{date_field}__gte": params.date_from})
    if params.date_to:
        qs = qs.filter(**{f"{date_field}__lte": params.date_to})
    if params.status:
        if statuses is not None and params.status not in statuses:
            raise ApiError(
                422,
                "invalid",
                gettext("状态代码无效，可用：{value}").format(value="、".join(statuses)),
                field="status",
            )
        qs = qs.filter(status=params.status)
    if params.programme_id:
        qs = qs.filter(**{programme_field: params.programme_id})
    return qs


def cursor_page(
    qs: QuerySet[Any], params: PageParams, *, key: str, request: HttpRequest, response: HttpResponse
) -> list[Any]:
    """One page of `qs` ordered by (`key`, id) descending; the next page's cursor (if any) goes in
    the answer's headers (`response` is ninja's temporal response)."""
    qs = qs.order_by(f"-{key}", "-id")
    if params.cursor:
        value, pk = _decode(qs, key, params.cursor)
        qs = qs.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "id__lt": pk}))
    rows = list(qs[: params.limit + 1])
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, key), last.pk)
        _headers(request, response, next_cursor)
    return rows


def _headers(request: HttpRequest, response: HttpResponse, cursor: str) -> None:
    query = request.GET.copy()
    query["cursor"] = cursor
    response["X-Next-Cursor"] = cursor
    response["Link"] = f'<{request.path}?{urlencode(list(query.items()))}>; rel="next"'
