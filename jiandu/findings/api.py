"""Findings over the HTTP API (/api/findings/), scoped exactly like the pages: the agency gets the
redacted projection (selectors.AgencyFinding), staff their subtree, a supervisor their own."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from jiandu.findings.exports import export_rows
from jiandu.findings.selectors import AGENCY, STAFF, agency_finding, audience

router = Router(tags=["findings"])


@router.get("/", summary="监督意见列表（按账号可见范围）")
def finding_list(request: HttpRequest, status: str = "", overdue: bool = False) -> list[dict[str, Any]]:
    return export_rows(request.user, status=status, overdue=overdue)


@router.get("/{finding_id}", summary="监督意见详情")
def finding_detail(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    if audience(request.user) == AGENCY:
        item = agency_finding(request.user, finding_id)
        if item is None:
            raise Http404
        return item.to_dict()
    rows = [r for r in export_rows(request.user) if r["id"] == finding_id] if audience(request.user) else []
    if not rows:
        raise Http404
    row = rows[0]
    if audience(request.user) != STAFF:
        row.pop("reporter", None)
    return row
