"""Duties over /api/v1/duties/ (issue 16): an agency's system requests a duty, reads the lead-time
decision, the draws and the confirmed participants, and cancels — through the page's form (the same
checks) and the same services; a token needs the `duties:read` / `duties:write` scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Header, Router, Schema, Status

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import capability_require
from jiandu.duties import contact, selectors, services
from jiandu.duties.forms import DutyRequestForm
from jiandu.duties.models import Adoption, AssignmentStatus, Duty, DutyRecord
from jiandu.integrations.http import ApiError, request_token, scope_require
from jiandu.integrations.models import Scope
from jiandu.integrations.services import idempotent_create, request_fingerprint

router_v1 = Router(tags=["duties"])


class DutyIn(Schema):
    programme_id: int = Field(description="监督项目编号（本单位上级主管的项目）")
    kind: str = Field(description="活动类型：hearing / review_meeting / inspection / file_review / other")
    title: str = Field(min_length=1, max_length=160, description="活动名称（案件或事项）")
    description: str = Field("", max_length=5000)
    duty_on: dt.date = Field(description="活动日期")
    starts_at: dt.time | None = None
    place: str = Field(min_length=1, max_length=160)
    district_id: int | None = Field(None, description="活动所在区县（就近/跨区的依据）")
    supervisors_needed: int = Field(ge=1, le=50)
    specialties: list[str] = Field(default_factory=list, description="专业要求（每项至少 1 人）")
    local_min: int = Field(0, ge=0, le=50)
    cross_min: int = Field(0, ge=0, le=50)
    parties: list[str] = Field(default_factory=list, description="案件当事人及相关单位（用于回避审查）")
    related_org_ids: list[int] = Field(default_factory=list)
    consent: bool = False
    consent_note: str = Field("", max_length=255)


class ReasonOut(Schema):
    code: str
    rulebook: str
    article: str
    message: str


class LeadOut(Schema):
    outcome: str
    provisional: bool = Field(description="按未载入节假日安排的年份暂定计算")
    rulebook: str
    reasons: list[ReasonOut]


class DrawOut(Schema):
    number: int
    drawn_at: dt.datetime
    record_hash: str
    public_url: str


class DutyOut(Schema):
    id: int
    programme_id: int
    agency_id: int
    kind: str
    title: str
    duty_on: dt.date
    starts_at: dt.time | None
    place: str
    supervisors_needed: int
    status: str
    status_label: str
    requested_on: dt.date
    lead: LeadOut
    report_due_on: dt.date | None
    report_due_provisional: bool
    draws: list[DrawOut]


class ParticipantOut(Schema):
    position: int
    supervisor_id: int
    full_name: str
    employer: str
    phone: str


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


# API field → page form field, so a form error names the field the client sent.
FORM_FIELDS = {"programme": "programme_id", "district": "district_id", "related_orgs": "related_org_ids"}


def _out(duty: Duty) -> dict[str, Any]:
    lead = duty.lead_decision or {}
    return {
        "id": duty.pk,
        "programme_id": duty.programme_id,
        "agency_id": duty.agency_id,
        "kind": duty.kind,
        "title": duty.title,
        "duty_on": duty.duty_on,
        "starts_at": duty.starts_at,
        "place": duty.place,
        "supervisors_needed": duty.supervisors_needed,
        "status": duty.status,
        "status_label": duty.get_status_display(),
        "requested_on": duty.requested_on,
        "lead": {
            "outcome": lead.get("outcome", ""),
            "provisional": duty.lead_provisional,
            "rulebook": lead.get("rulebook", ""),
            "reasons": [
                {k: r.get(k, "") for k in ("code", "rulebook", "article", "message")}
                for r in lead.get("reasons", [])
            ],
        },
        "report_due_on": duty.report_due_on,
        "report_due_provisional": duty.report_due_provisional,
        "draws": [
            {
                "number": d.commitment.number,
                "drawn_at": d.drawn_at,
                "record_hash": d.record_hash,
                "public_url": reverse("duties:draw_public", args=[d.pk]),
            }
            for d in sorted(duty.draws.all(), key=lambda d: d.pk)
        ],
    }


def _visible(request: HttpRequest) -> Any:
    return selectors.duties_visible_to(request.user).prefetch_related("draws__commitment")


@router_v1.get("/", response=list[DutyOut], summary="本单位的监督活动（最近 100 项）")
def duty_list(request: HttpRequest) -> list[dict[str, Any]]:
    scope_require(request, Scope.DUTIES_READ)
    return [_out(d) for d in _visible(request).order_by("-id")[:100]]


@router_v1.post("/", response={201: DutyOut}, summary="提出监督活动需求（返回提前通知审查结论）")
def duty_create(
    request: HttpRequest,
    payload: DutyIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100),
) -> Status:
    scope_require(request, Scope.DUTIES_WRITE)
    user: Any = request.user
    capability_require(user, Capability.REQUEST_DUTIES, action="duty.request")
    programmes = services.programmes_for_agency(user.organisation) if user.organisation else []
    form = DutyRequestForm(
        data={
            "programme": payload.programme_id,
            "kind": payload.kind,
            "title": payload.title,
            "description": payload.description,
            "duty_on": payload.duty_on.isoformat(),
            "starts_at": payload.starts_at.isoformat() if payload.starts_at else "",
            "place": payload.place,
            "district": payload.district_id or "",
            "supervisors_needed": payload.supervisors_needed,
            "specialties": payload.specialties,
            "local_min": payload.local_min,
            "cross_min": payload.cross_min,
            "parties": "\n".join(payload.parties),
            "related_orgs": payload.related_org_ids,
            "consent": payload.consent,
            "consent_note": payload.consent_note,
        },
        programmes=programmes,
    )
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise ApiError(422, "invalid", str(errors[0]), field=FORM_FIELDS.get(name, name))
    c = form.cleaned_data
    data = services.DutyRequestData(
        programme=c["programme"],
        kind=c["kind"],
        title=c["title"],
        description=c["description"],
        duty_on=c["duty_on"],
        starts_at=c["starts_at"],
        place=c["place"],
        district=c["district"],
        supervisors_needed=c["supervisors_needed"],
        specialty_minimums=dict.fromkeys(c["specialties"], 1),
        local_min=c["local_min"],
        cross_min=c["cross_min"],
        parties=tuple(p.strip() for p in payload.parties if p.strip()),
        related_orgs=tuple(c["related_orgs"]),
        consent=c["consent"],
        consent_note=c["consent_note"],
    )

    def create() -> dict[str, Any]:
        duty = services.duty_request(actor=user, data=data)
        return DutyOut.model_validate(_out(duty)).model_dump(mode="json")

    body, _replayed = idempotent_create(
        actor=user,
        token=request_token(request),
        operation="duty.create",
        key=idempotency_key,
        fingerprint=request_fingerprint(payload.model_dump(mode="json")),
        create=create,
    )
    return Status(201, body)


@router_v1.get("/{duty_id}", response=DutyOut, summary="监督活动详情（含抽选结果）")
def duty_detail(request: HttpRequest, duty_id: int) -> dict[str, Any]:
    scope_require(request, Scope.DUTIES_READ)
    return _out(selectors.duty_get(request.user, duty_id))


@router_v1.get("/{duty_id}/participants", response=list[ParticipantOut], summary="参加人员名单及联系方式")
def duty_participants(request: HttpRequest, duty_id: int) -> list[dict[str, Any]]:
    scope_require(request, Scope.DUTIES_READ)
    duty = selectors.duty_get(request.user, duty_id)
    rows = contact.participants_reveal(actor=request.user, duty=duty)
    return [
        {
            "position": i,
            "supervisor_id": a.supervisor_id,
            "full_name": a.supervisor.full_name,
            "employer": a.supervisor.employer,
            "phone": a.supervisor.phone or "",
        }
        for i, a in enumerate(rows, start=1)
    ]


@router_v1.post("/{duty_id}/cancel", response=DutyOut, summary="取消监督活动需求")
def duty_cancel(request: HttpRequest, duty_id: int, payload: CancelIn) -> dict[str, Any]:
    scope_require(request, Scope.DUTIES_WRITE)
    duty = selectors.duty_get(request.user, duty_id)
    return _out(services.duty_cancel(actor=request.user, duty=duty, reason=payload.reason))


class OpinionIn(Schema):
    supervisor_id: int
    text: str = Field("", max_length=5000)
    adoption: str = Field(Adoption.PENDING, description="pending / adopted / partly / not_adopted")
    adoption_reason: str = Field("", max_length=500)


class RecordIn(Schema):
    summary: str = Field(min_length=1, max_length=10000, description="办案活动简要情况")
    opinions: list[OpinionIn] = Field(default_factory=list)


class ConfirmationOut(Schema):
    supervisor_id: int
    full_name: str
    confirmed: bool
    confirmed_at: dt.datetime | None
    via: str


class RecordOut(Schema):
    summary: str
    filled_at: dt.datetime
    content_hash: str
    opinions: list[OpinionIn]
    confirmations: list[ConfirmationOut]


def _record_out(duty: Duty, record: DutyRecord) -> dict[str, Any]:
    attended = duty.assignments.filter(status=AssignmentStatus.ATTENDED).select_related("supervisor")
    return {
        "summary": record.summary,
        "filled_at": record.filled_at,
        "content_hash": services.record_content_hash(record),
        # What the agency wrote; never whether an opinion went on to the findings workflow.
        "opinions": [
            {
                "supervisor_id": o.supervisor_id,
                "text": o.text,
                "adoption": o.adoption,
                "adoption_reason": o.adoption_reason,
            }
            for o in record.opinions.order_by("id")
        ],
        "confirmations": [
            {
                "supervisor_id": a.supervisor_id,
                "full_name": a.supervisor.full_name,
                "confirmed": a.confirmed_at is not None,
                "confirmed_at": a.confirmed_at,
                "via": a.confirmed_via,
            }
            for a in attended.order_by("draw_id", "position")
        ],
    }


@router_v1.get("/{duty_id}/record", response=RecordOut, summary="履职情况反馈表及监督员确认情况")
def duty_record(request: HttpRequest, duty_id: int) -> dict[str, Any]:
    scope_require(request, Scope.DUTIES_READ)
    duty = selectors.duty_get(request.user, duty_id)
    record = DutyRecord.objects.filter(duty=duty).first()
    if record is None:
        raise ApiError(404, "not_found", "尚未填写履职情况反馈表")
    return _record_out(duty, record)


@router_v1.post("/{duty_id}/record", response=RecordOut, summary="提交履职情况反馈表（供监督员签字确认）")
def duty_record_save(request: HttpRequest, duty_id: int, payload: RecordIn) -> dict[str, Any]:
    scope_require(request, Scope.DUTIES_WRITE)
    capability_require(request.user, Capability.REQUEST_DUTIES, action="duty.record_save")
    duty = selectors.duty_get(request.user, duty_id)
    record = services.record_save(
        actor=request.user,
        duty=duty,
        summary=payload.summary,
        opinions=[
            services.OpinionData(
                supervisor_id=o.supervisor_id,
                text=o.text,
                adoption=o.adoption,
                adoption_reason=o.adoption_reason,
            )
            for o in payload.opinions
        ],
    )
    return _record_out(duty, record)
