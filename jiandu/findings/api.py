"""Findings over the HTTP API (/api/findings/), scoped exactly like the pages: the agency gets the
redacted projection (selectors.AgencyFinding), staff their subtree, a supervisor their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from jiandu.findings.exports import export_rows
from jiandu.findings.models import Finding
from jiandu.findings.selectors import (
    AGENCY,
    STAFF,
    AgencyFinding,
    agency_finding,
    agency_findings,
    agency_findings_queryset,
    audience,
)
from jiandu.findings.services import finding_reply, finding_report_rectified
from jiandu.integrations.http import scope_require
from jiandu.integrations.models import Scope

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


# --- /api/v1/findings/ (issue 16): the agency's own system reads what was forwarded to it and
# replies, through the agency projection (never a confidential reporter) and the page's services.

router_v1 = Router(tags=["findings"])


class ReplyIn(Schema):
    adopted: bool = Field(description="是否采纳")
    reply_text: str = Field(min_length=1, max_length=5000, description="答复内容")
    correction: str = Field(description="整改方式：immediate（已立即纠正）/ plan（制定整改计划）/ none")
    rectification_plan: str = Field("", max_length=5000)
    rectify_due: dt.date | None = Field(None, description="整改期限（制定整改计划时必填）")


class RectifiedIn(Schema):
    report: str = Field(min_length=1, max_length=5000, description="整改情况")


def _agency_finding_or_404(request: HttpRequest, finding_id: int) -> Finding:
    finding = agency_findings_queryset(request.user).filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    return finding


def _projected(request: HttpRequest, finding_id: int) -> AgencyFinding:
    item = agency_finding(request.user, finding_id)
    if item is None:
        raise Http404
    return item


@router_v1.get("/", response=list[AgencyFinding], summary="转送本单位的监督意见")
def finding_list_v1(request: HttpRequest) -> list[AgencyFinding]:
    scope_require(request, Scope.FINDINGS_READ)
    return agency_findings(request.user)


@router_v1.get("/{finding_id}", response=AgencyFinding, summary="监督意见详情（本单位可见的部分）")
def finding_detail_v1(request: HttpRequest, finding_id: int) -> AgencyFinding:
    scope_require(request, Scope.FINDINGS_READ)
    return _projected(request, finding_id)


@router_v1.post("/{finding_id}/reply", response=AgencyFinding, summary="答复监督意见（采纳情况、整改计划）")
def finding_reply_v1(request: HttpRequest, finding_id: int, payload: ReplyIn) -> AgencyFinding:
    scope_require(request, Scope.FINDINGS_REPLY)
    finding_reply(
        actor=request.user,
        finding=_agency_finding_or_404(request, finding_id),
        adopted=payload.adopted,
        reply_text=payload.reply_text,
        correction=payload.correction,
        rectification_plan=payload.rectification_plan,
        rectify_due=payload.rectify_due,
    )
    return _projected(request, finding_id)


@router_v1.post("/{finding_id}/rectified", response=AgencyFinding, summary="报送整改完成情况")
def finding_rectified_v1(request: HttpRequest, finding_id: int, payload: RectifiedIn) -> AgencyFinding:
    scope_require(request, Scope.FINDINGS_REPLY)
    finding_report_rectified(
        actor=request.user, finding=_agency_finding_or_404(request, finding_id), report=payload.report
    )
    return _projected(request, finding_id)
