"""Findings over the HTTP API (/api/findings/), scoped exactly like the pages: the agency gets the
redacted projection (selectors.AgencyFinding), staff their subtree, a supervisor their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from jiandu.findings.exports import export_rows
from jiandu.findings.models import AGENCY_STATUSES, Finding, Status
from jiandu.findings.selectors import (
    AGENCY,
    STAFF,
    AgencyFinding,
    agency_finding,
    agency_findings,
    agency_findings_queryset,
    audience,
    findings_for_staff,
)
from jiandu.findings.services import (
    finding_decline,
    finding_forward,
    finding_investigate,
    finding_merge,
    finding_reply,
    finding_report_rectified,
    finding_return,
    finding_verify,
)
from jiandu.integrations.http import ApiError, scope_require
from jiandu.integrations.models import Scope
from jiandu.integrations.pagination import ListFilters, cursor_page, filtered

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


@router_v1.get(
    "/",
    response=list[AgencyFinding],
    summary="转送本单位的监督意见，按登记时间倒序分页",
    description="筛选：`date_from`/`date_to` 按提出日期，`status`，`programme_id`。下一页游标在答复头 `X-Next-Cursor`。",
)
def finding_list_v1(
    request: HttpRequest, response: HttpResponse, params: Query[ListFilters]
) -> list[AgencyFinding]:
    scope_require(request, Scope.FINDINGS_READ)
    base = agency_findings_queryset(request.user)
    qs = filtered(base, params, date_field="submitted_on", statuses=[str(s) for s in AGENCY_STATUSES])
    page = [
        f.pk
        for f in cursor_page(
            qs.only("id", "created_at"), params, key="created_at", request=request, response=response
        )
    ]
    items = {a.id: a for a in agency_findings(request.user, qs=base.filter(pk__in=page))}
    return [items[pk] for pk in page if pk in items]


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


# --- /api/v1/bureau/findings/ (issue 16): the bureau's triage, as on the finding page (分办 → 转送 /
# 调查 / 不予处理 / 合并; 核验销号 or 退回 after the reply), through the same forms' rules and services.

router_v1_bureau = Router(tags=["bureau"])


class StaffFindingOut(Schema):
    id: int
    number: str
    title: str
    text: str
    source: str
    source_label: str
    reporter_name: str = Field(description="提出人（司法行政机关可见；被监督单位看不到要求保密的提出人）")
    confidential: bool
    programme_id: int
    agency_id: int
    agency_name: str
    status: str
    status_label: str
    submitted_on: dt.date
    occurred_on: dt.date | None
    forwarded_on: dt.date | None
    forward_note: str
    reply_due: dt.date | None
    reply_due_provisional: bool
    reply_article: str
    replied_on: dt.date | None
    reply_text: str
    adopted: bool | None
    correction: str
    rectification_plan: str
    rectify_due: dt.date | None
    rectified_on: dt.date | None
    rectification_report: str
    decline_reason: str
    merged_into_id: int | None
    closed_on: dt.date | None
    result_text: str
    overdue: bool


class ForwardIn(Schema):
    note: str = Field("", max_length=5000, description="转送说明")
    reply_due: dt.date | None = Field(None, description="答复截止日（仅规则未规定期限时填写）")


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=5000, description="不予处理理由")


class MergeIn(Schema):
    into_id: int = Field(ge=1, description="合并至的监督意见编号")


class VerifyIn(Schema):
    result_text: str = Field(min_length=1, max_length=5000, description="核验意见及处理结果（反馈提出人）")


class ReturnIn(Schema):
    note: str = Field(min_length=1, max_length=5000, description="退回理由")


def _staff_out(f: Finding) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": f.pk,
        "number": f.number,
        "title": f.title,
        "text": f.text,
        "source": f.source,
        "source_label": f.get_source_display(),
        "reporter_name": f.reporter.full_name if f.reporter is not None else "",
        "confidential": f.confidential,
        "programme_id": f.programme_id,
        "agency_id": f.agency_id,
        "agency_name": f.agency.name,
        "status": f.status,
        "status_label": f.get_status_display(),
        "submitted_on": f.submitted_on,
        "occurred_on": f.occurred_on,
        "forwarded_on": f.forwarded_on,
        "forward_note": f.forward_note,
        "reply_due": f.reply_due,
        "reply_due_provisional": f.reply_due_provisional,
        "reply_article": (f.reply_reason or {}).get("article", ""),
        "replied_on": f.replied_on,
        "reply_text": f.reply_text,
        "adopted": f.adopted,
        "correction": f.correction,
        "rectification_plan": f.rectification_plan,
        "rectify_due": f.rectify_due,
        "rectified_on": f.rectified_on,
        "rectification_report": f.rectification_report,
        "decline_reason": f.decline_reason,
        "merged_into_id": f.merged_into_id,
        "closed_on": f.closed_on,
        "result_text": f.result_text,
        "overdue": f.is_overdue(timezone.localdate()),
    }


def _staff_finding(request: HttpRequest, finding_id: int, scope: str) -> Finding:
    scope_require(request, scope)
    if audience(request.user) != STAFF:
        raise ApiError(403, "forbidden", gettext("仅司法行政机关工作人员可分办监督意见"))
    return get_object_or_404(findings_for_staff(request.user), pk=finding_id)


@router_v1_bureau.get(
    "/",
    response=list[StaffFindingOut],
    summary="本局项目及辖区的监督意见（分办、督办），按登记时间倒序分页",
    description="筛选：`date_from`/`date_to` 按提出日期，`status`，`programme_id`。下一页游标在答复头 `X-Next-Cursor`。",
)
def staff_finding_list(
    request: HttpRequest, response: HttpResponse, params: Query[ListFilters]
) -> list[dict[str, Any]]:
    scope_require(request, Scope.FINDINGS_READ)
    if audience(request.user) != STAFF:
        raise ApiError(403, "forbidden", gettext("仅司法行政机关工作人员可查看分办清单"))
    qs = filtered(
        findings_for_staff(request.user), params, date_field="submitted_on", statuses=list(Status.values)
    )
    return [
        _staff_out(f) for f in cursor_page(qs, params, key="created_at", request=request, response=response)
    ]


@router_v1_bureau.get("/{finding_id}", response=StaffFindingOut, summary="监督意见详情（司法行政机关）")
def staff_finding_detail(request: HttpRequest, finding_id: int) -> dict[str, Any]:
    return _staff_out(_staff_finding(request, finding_id, Scope.FINDINGS_READ))


def _reread(request: HttpRequest, finding: Finding) -> dict[str, Any]:
    return _staff_out(findings_for_staff(request.user).get(pk=finding.pk))


@router_v1_bureau.post(
    "/{finding_id}/forward",
    response=StaffFindingOut,
    summary="转送被监督单位（答复期限按规则起算）",
)
def staff_finding_forward(request: HttpRequest, finding_id: int, payload: ForwardIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    finding_forward(actor=request.user, finding=f, note=payload.note, reply_due=payload.reply_due)
    return _reread(request, f)


@router_v1_bureau.post("/{finding_id}/investigate", response=StaffFindingOut, summary="转为本局调查")
def staff_finding_investigate(request: HttpRequest, finding_id: int, payload: NoteIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    finding_investigate(actor=request.user, finding=f, note=payload.note)
    return _reread(request, f)


@router_v1_bureau.post("/{finding_id}/decline", response=StaffFindingOut, summary="不予处理（办结）")
def staff_finding_decline(request: HttpRequest, finding_id: int, payload: ReasonIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    finding_decline(actor=request.user, finding=f, reason=payload.reason)
    return _reread(request, f)


@router_v1_bureau.post("/{finding_id}/merge", response=StaffFindingOut, summary="与重复的监督意见合并办理")
def staff_finding_merge(request: HttpRequest, finding_id: int, payload: MergeIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    into = findings_for_staff(request.user).filter(pk=payload.into_id).first()
    if into is None:
        raise ApiError(422, "invalid", gettext("找不到要合并到的监督意见"), field="into_id")
    finding_merge(actor=request.user, finding=f, into=into)
    return _reread(request, f)


@router_v1_bureau.post(
    "/{finding_id}/verify", response=StaffFindingOut, summary="核验销号（办结，结果反馈提出人）"
)
def staff_finding_verify(request: HttpRequest, finding_id: int, payload: VerifyIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    finding_verify(actor=request.user, finding=f, result_text=payload.result_text)
    return _reread(request, f)


@router_v1_bureau.post(
    "/{finding_id}/return", response=StaffFindingOut, summary="退回被监督单位（答复不符合要求）"
)
def staff_finding_return(request: HttpRequest, finding_id: int, payload: ReturnIn) -> dict[str, Any]:
    f = _staff_finding(request, finding_id, Scope.FINDINGS_TRIAGE)
    finding_return(actor=request.user, finding=f, note=payload.note)
    return _reread(request, f)
