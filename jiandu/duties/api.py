"""Duties over /api/v1/duties/ (issue 16): an agency's system requests a duty, reads the lead-time
decision, the draws and the confirmed participants, and cancels — through the page's form (the same
checks) and the same services; a token needs the `duties:read` / `duties:write` scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Header, Query, Router, Schema, Status

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import capability_require
from jiandu.core.personal import personal_reveal
from jiandu.duties import contact, selectors, services
from jiandu.duties.forms import DutyRequestForm
from jiandu.duties.models import (
    Adoption,
    Assignment,
    AssignmentStatus,
    DrawCommitment,
    Duty,
    DutyRecord,
    DutyStatus,
)
from jiandu.integrations.http import ApiError, request_token, scope_require
from jiandu.integrations.models import Scope
from jiandu.integrations.pagination import ListFilters, cursor_page, filtered
from jiandu.integrations.services import idempotent_create, request_fingerprint
from jiandu.rules.identifiers import mobile_mask

router_v1 = Router(tags=["duties"])


class QuotaIn(Schema):
    category: str = Field(
        description="gender / ethnicity / district（区县机构编号）/ specialty / local（local 或 cross）"
    )
    value: str
    min: int = Field(0, ge=0, le=50)
    max: int | None = Field(None, ge=0, le=50, description="空：不设上限")


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
    quotas: list[QuotaIn] = Field(
        default_factory=list,
        description="抽选名额要求（docs/draw.md §II.2）：category 为 gender / ethnicity / district / specialty / local",
    )
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


@router_v1.get(
    "/",
    response=list[DutyOut],
    summary="监督活动列表（被监督单位：本单位提出的；司法行政机关：本局项目的），按提出时间倒序分页",
    description=(
        "筛选：`date_from`/`date_to` 按活动日期，`status` 按状态，`programme_id` 按项目。"
        "下一页游标在答复头 `X-Next-Cursor`。"
    ),
)
def duty_list(
    request: HttpRequest, response: HttpResponse, params: Query[ListFilters]
) -> list[dict[str, Any]]:
    scope_require(request, Scope.DUTIES_READ)
    qs = filtered(_visible(request), params, date_field="duty_on", statuses=list(DutyStatus.values))
    return [_out(d) for d in cursor_page(qs, params, key="created_at", request=request, response=response)]


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
        quotas=tuple(q.model_dump() for q in payload.quotas),
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
        raise ApiError(404, "not_found", gettext("尚未填写履职情况反馈表"))
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


# --- the bureau: draw, contacts (第十二条), through the same services as the duty page -------------


class CommitmentOut(Schema):
    number: int
    commitment: str = Field(description="SHA-256(种子)，抽选前公布")
    pool_hash: str
    candidates: int
    excluded: int
    opened_at: dt.datetime
    redraw: bool
    public_url: str = Field(description="公开的抽选记录页（承诺与抽选结果）")


class WitnessIn(Schema):
    name: str = Field(min_length=1, max_length=60, description="见证人姓名")
    role: str = Field("", max_length=60, description="身份（如 检察院代表）")
    value: str = Field(min_length=1, max_length=64, description="见证人自选的值")


class DrawIn(Schema):
    witnesses: list[WitnessIn] = Field(min_length=1, max_length=20)


class DrawResultOut(Schema):
    draw: DrawOut
    duty_status: str
    selected: list[int] = Field(description="抽中的监督员编号，按联络顺序")
    notes: list[str] = Field(description="抽选说明代码（如 人数不足）")


class ContactOut(Schema):
    assignment_id: int
    draw_number: int
    position: int
    supervisor_id: int
    full_name: str
    phone_masked: str
    status: str
    status_label: str
    invited_at: dt.datetime
    notified_at: dt.datetime | None
    answer_due_at: dt.datetime | None
    responded_at: dt.datetime | None
    reason: str


class PhoneOut(Schema):
    assignment_id: int
    full_name: str
    phone: str


class AnswerIn(Schema):
    accept: bool = Field(description="true：接受；false：谢绝")
    reason: str = Field("", max_length=255, description="谢绝理由")


class SentOut(Schema):
    recipients: int = Field(description="收到站内消息的账号数")


def _bureau(request: HttpRequest, scope: str, action: str, duty_id: int) -> Duty:
    """Scope, role (as the page's require_capability), then the duty within the account's reach."""
    scope_require(request, scope)
    capability_require(request.user, Capability.MANAGE_PROGRAMMES, action=action)
    return selectors.duty_get(request.user, duty_id)


def _commitment_out(c: DrawCommitment) -> dict[str, Any]:
    return {
        "number": c.number,
        "commitment": c.commitment,
        "pool_hash": c.pool_hash,
        "candidates": len(c.pool.get("candidates", [])),
        "excluded": len(c.pool.get("excluded", [])),
        "opened_at": c.opened_at,
        "redraw": c.redraw_of_id is not None,
        "public_url": reverse("duties:draws_public"),
    }


@router_v1.post(
    "/{duty_id}/draws",
    response={201: CommitmentOut},
    summary="发起抽选：封存候选池并公布承诺值（司法行政机关）",
)
def draw_open(
    request: HttpRequest,
    duty_id: int,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100),
) -> Status:
    duty = _bureau(request, Scope.DRAWS_WRITE, "duty.draw_open", duty_id)
    user: Any = request.user

    def create() -> dict[str, Any]:
        c = services.draw_open(actor=user, duty=duty)
        return CommitmentOut.model_validate(_commitment_out(c)).model_dump(mode="json")

    body, _replayed = idempotent_create(
        actor=user,
        token=request_token(request),
        operation=f"duty.draw_open:{duty.pk}",
        key=idempotency_key,
        fingerprint=request_fingerprint({"duty": duty.pk}),
        create=create,
    )
    return Status(201, body)


@router_v1.post(
    "/{duty_id}/draws/{number}",
    response={201: DrawResultOut},
    summary="实施抽选：公开种子、加入见证值、抽选并按顺序联络（司法行政机关）",
)
def draw_perform(
    request: HttpRequest,
    duty_id: int,
    number: int,
    payload: DrawIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=100),
) -> Status:
    duty = _bureau(request, Scope.DRAWS_WRITE, "duty.draw", duty_id)
    commitment = get_object_or_404(DrawCommitment, duty=duty, number=number)
    user: Any = request.user

    def create() -> dict[str, Any]:
        drawn = services.draw_perform(
            actor=user, commitment=commitment, witnesses=[w.model_dump() for w in payload.witnesses]
        )
        result = drawn.record["result"]
        body = {
            "draw": {
                "number": commitment.number,
                "drawn_at": drawn.drawn_at,
                "record_hash": drawn.record_hash,
                "public_url": reverse("duties:draw_public", args=[drawn.pk]),
            },
            "duty_status": commitment.duty.status,
            "selected": [a.supervisor_id for a in drawn.assignments.order_by("position")],
            "notes": [n["code"] for n in result["notes"]],
        }
        return DrawResultOut.model_validate(body).model_dump(mode="json")

    body, _replayed = idempotent_create(
        actor=user,
        token=request_token(request),
        operation=f"duty.draw:{duty.pk}:{number}",
        key=idempotency_key,
        fingerprint=request_fingerprint(payload.model_dump(mode="json")),
        create=create,
    )
    return Status(201, body)


@router_v1.get(
    "/{duty_id}/contacts",
    response=list[ContactOut],
    summary="联络情况：抽中的监督员按抽选顺序及其答复（手机号码遮蔽）",
)
def duty_contacts(request: HttpRequest, duty_id: int) -> list[dict[str, Any]]:
    scope_require(request, Scope.DUTIES_READ)
    duty = selectors.duty_get(request.user, duty_id)
    return [_contact_out(a) for a in selectors.contact_rows(duty)]


def _contact_out(a: Assignment) -> dict[str, Any]:
    return {
        "assignment_id": a.pk,
        "draw_number": a.draw.commitment.number,
        "position": a.position,
        "supervisor_id": a.supervisor_id,
        "full_name": a.supervisor.full_name,
        "phone_masked": mobile_mask(a.supervisor.phone or ""),
        "status": a.status,
        "status_label": a.get_status_display(),
        "invited_at": a.invited_at,
        "notified_at": a.notified_at,
        "answer_due_at": a.answer_due_at,
        "responded_at": a.responded_at,
        "reason": a.reason,
    }


def _assignment(duty: Duty, assignment_id: int) -> Assignment:
    return get_object_or_404(duty.assignments.select_related("supervisor"), pk=assignment_id)


@router_v1.get(
    "/{duty_id}/contacts/{assignment_id}/phone",
    response=PhoneOut,
    summary="查看一名抽中监督员的完整手机号码（每次查看记入审计日志）",
)
def contact_phone(request: HttpRequest, duty_id: int, assignment_id: int) -> dict[str, Any]:
    scope_require(request, Scope.DUTIES_READ)
    duty = selectors.duty_get(request.user, duty_id)
    a = _assignment(duty, assignment_id)
    phone = personal_reveal(actor=request.user, obj=a.supervisor, field="phone")
    return {"assignment_id": a.pk, "full_name": a.supervisor.full_name, "phone": phone}


@router_v1.post(
    "/{duty_id}/contacts/{assignment_id}/answer",
    response=ContactOut,
    summary="登记监督员电话答复（接受或谢绝；谢绝后按顺序联络下一位）",
)
def contact_answer(
    request: HttpRequest, duty_id: int, assignment_id: int, payload: AnswerIn
) -> dict[str, Any]:
    duty = _bureau(request, Scope.DRAWS_WRITE, "duty.answer", duty_id)
    a = services.assignment_respond(
        actor=request.user,
        assignment=_assignment(duty, assignment_id),
        accept=payload.accept,
        reason=payload.reason,
    )
    return _contact_out(Assignment.objects.select_related("supervisor", "draw__commitment").get(pk=a.pk))


@router_v1.post(
    "/{duty_id}/participants/send",
    response=SentOut,
    summary="向提出需求的单位送交参加人员名单（人员确定后）",
)
def participants_send(request: HttpRequest, duty_id: int) -> dict[str, Any]:
    duty = _bureau(request, Scope.DRAWS_WRITE, "duty.participants_send", duty_id)
    return {"recipients": contact.participants_send(actor=request.user, duty=duty)}
