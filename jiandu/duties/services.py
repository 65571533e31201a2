"""Writes for duties: request, draw (open → witness values → draw), contact in draw order, the day,
the duty record and its confirmation, reports. Every write is one transaction with one audit event.

Articles: 威海市人民监督员履职管理实施办法 (2024) 第十条–第二十条, 第二十二条.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.permissions import deny
from jiandu.duties.models import (
    ENGAGED,
    Adoption,
    Assignment,
    AssignmentStatus,
    AttendanceCorrection,
    DrawCommitment,
    DrawRecord,
    Duty,
    DutyKind,
    DutyOpinion,
    DutyRecord,
    DutyStatus,
    MonthlySummary,
)
from jiandu.duties.pool import candidate_id, pool_build, supervisor_categories, supervisor_pk
from jiandu.integrations import webhooks
from jiandu.orgs.models import Organisation
from jiandu.roster.models import Programme, Specialty
from jiandu.roster.rules import cite_suffix, programme_cite, rulebook_for
from jiandu.rules import draw as draw_algo
from jiandu.rules import draw_v2
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Rulebook
from jiandu.workdays.services import programme_calendar

LEAD_PARAM = "duty.request_lead_working_days"
MAX_WITNESS_VALUE = 200


class DutyError(Exception):
    """A request the duties part refuses; the message is Chinese and shown as is."""


class RequestRefused(DutyError):
    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        reason = decision.reasons[0]
        super().__init__(f"{reason.message}（{reason.article}）")


def _now() -> dt.datetime:
    return timezone.now()


def _today() -> dt.date:
    return timezone.localdate()


def calendar_for(programme: Programme) -> Any:
    """The working-day calendar of the programme's region, with the overlays staff loaded."""
    return programme_calendar(programme)


# --------------------------------------------------------------------------------------------------
# Requests (第十条)
# --------------------------------------------------------------------------------------------------


def lead_time_decide(
    *, programme: Programme, requested_on: dt.date, duty_on: dt.date, consent: bool
) -> Decision:
    # One door to the rulebook (roster.rules): a broken rulebook raises, it is never "no rule".
    book = rulebook_for(programme)
    if not book.has_param(LEAD_PARAM, requested_on):
        return Decision(
            ALLOWED,
            [Reason("request.no_lead_rule", book.id, "", gettext("本项目适用的规则未规定提前通知期限"), {})],
            book.id,
            book.version,
        )
    from jiandu.rules.deadlines import request_lead_decide

    return request_lead_decide(
        book, calendar_for(programme), requested_on=requested_on, duty_on=duty_on, consent=consent
    )


def programmes_for_agency(agency: Organisation) -> list[Programme]:
    """Programmes run by an organisation at or above the agency in the tree."""
    return [
        p
        for p in Programme.objects.filter(is_active=True).select_related("organisation")
        if agency.path.startswith(p.organisation.path)
    ]


@dataclass(frozen=True)
class DutyRequestData:
    programme: Programme
    kind: str
    title: str
    duty_on: dt.date
    place: str
    supervisors_needed: int
    starts_at: dt.time | None = None
    description: str = ""
    district: Organisation | None = None
    specialty_minimums: dict[str, int] | None = None
    local_min: int = 0
    cross_min: int = 0
    parties: tuple[str, ...] = ()
    related_orgs: tuple[Organisation, ...] = ()
    consent: bool = False
    consent_note: str = ""
    # Draw quotas beyond the minimums above: [{category, value, min, max}] (docs/draw.md part II).
    quotas: tuple[dict[str, Any], ...] = ()


def _check_request(actor: Any, data: DutyRequestData, today: dt.date) -> None:
    agency = actor.organisation
    if agency is None or not agency.path.startswith(data.programme.organisation.path):
        raise DutyError(gettext("只能向本单位上级主管的监督项目提出需求"))
    if data.kind not in DutyKind.values:
        raise DutyError(gettext("请选择活动类型"))
    if not data.title.strip() or not data.place.strip():
        raise DutyError(gettext("请填写活动名称和地点"))
    if data.duty_on <= today:
        raise DutyError(gettext("活动日期须晚于今天"))
    if not 1 <= data.supervisors_needed <= 50:
        raise DutyError(gettext("所需人数须在 1 至 50 人之间"))
    minimums = data.specialty_minimums or {}
    for code, n in minimums.items():
        if code not in Specialty.values:
            raise DutyError(gettext("未知的专业领域：{code}").format(code=code))
        if n < 0 or n > data.supervisors_needed:
            raise DutyError(gettext("专业要求人数不能为负，也不能超过所需人数"))
    if data.local_min + data.cross_min > data.supervisors_needed:
        raise DutyError(gettext("本区县与跨区县的最低人数之和不能超过所需人数"))
    if (data.local_min or data.cross_min) and data.district is None:
        raise DutyError(gettext("要求就近或跨区履职时，须注明活动所在区县"))
    if data.consent and not data.consent_note.strip():
        shortened = programme_cite(data.programme, "duty.request_lead_working_days_with_consent", today)
        raise DutyError(
            gettext("按特殊情况缩短通知期限的，须注明同意的情况{cite_suffix}").format(
                cite_suffix=cite_suffix(shortened)
            )
        )


def duty_request(*, actor: Any, data: DutyRequestData, today: dt.date | None = None) -> Duty:
    """The agency asks for supervisors (第十条). A late request is refused with the article and the
    latest day it could have been made; nothing is written."""
    today = today or _today()
    _check_request(actor, data, today)
    decision = lead_time_decide(
        programme=data.programme, requested_on=today, duty_on=data.duty_on, consent=data.consent
    )
    if decision.outcome == REFUSED:
        raise RequestRefused(decision)
    book = rulebook_for(data.programme)
    report_due_on, report_due_provisional = report_due_for(data.programme, book, data.duty_on)
    with transaction.atomic():
        duty = Duty.objects.create(
            programme=data.programme,
            agency=actor.organisation,
            requested_by=actor,
            kind=data.kind,
            title=data.title.strip(),
            description=data.description.strip(),
            duty_on=data.duty_on,
            starts_at=data.starts_at,
            place=data.place.strip(),
            district=data.district,
            supervisors_needed=data.supervisors_needed,
            specialty_minimums={k: v for k, v in sorted((data.specialty_minimums or {}).items()) if v > 0},
            local_min=data.local_min,
            cross_min=data.cross_min,
            quotas=_clean_quotas(data.quotas, data.supervisors_needed),
            parties=[p.strip() for p in data.parties if p.strip()],
            consent=data.consent,
            consent_note=data.consent_note.strip(),
            requested_on=today,
            lead_decision=decision.to_dict(),
            lead_provisional=_provisional(decision.reasons),
            report_due_on=report_due_on,
            report_due_provisional=report_due_provisional,
        )
        duty.related_orgs.set(data.related_orgs)
        audit_record(actor=actor, action="duty.request", target=duty, after=duty_snapshot(duty))
    return duty


def report_due_for(
    programme: Programme, book: Rulebook | None, duty_on: dt.date
) -> tuple[dt.date | None, bool]:
    """The report due date and whether it is provisional (a year whose holiday notice is not loaded)."""
    if book is None or not book.has_param("duty.report_due_working_days", duty_on):
        return None, False
    from jiandu.rules.deadlines import report_due

    due, reason = report_due(book, calendar_for(programme), duty_on=duty_on)
    return due, _provisional([reason])


def _provisional(reasons: list[Reason]) -> bool:
    return any(r.facts.get("provisional") for r in reasons)


def duty_snapshot(duty: Duty) -> dict[str, Any]:
    return {
        "programme": duty.programme_id,
        "agency": duty.agency_id,
        "kind": duty.kind,
        "title": duty.title,
        "duty_on": duty.duty_on.isoformat(),
        "place": duty.place,
        "supervisors_needed": duty.supervisors_needed,
        "specialty_minimums": duty.specialty_minimums,
        "local_min": duty.local_min,
        "cross_min": duty.cross_min,
        "consent": duty.consent,
        "status": duty.status,
        "lead": duty.lead_decision.get("outcome"),
    }


def _may_cancel(actor: Any, duty: Duty) -> bool:
    """The requesting agency, or the bureau that runs the programme."""
    org = getattr(actor, "organisation", None)
    if org is None:
        return False
    return (actor.can(Capability.REQUEST_DUTIES) and duty.agency.path.startswith(org.path)) or (
        actor.can(Capability.MANAGE_PROGRAMMES) and duty.programme.organisation.path.startswith(org.path)
    )


def duty_cancel(*, actor: Any, duty: Duty, reason: str) -> Duty:
    # Issue 16: the API offers cancelling, so the service checks who may (it had no check at all) and
    # reads the status under the lock (STYLE.md drift 6).
    if not _may_cancel(actor, duty):
        raise deny(
            actor,
            action="duty.cancel",
            reason=gettext("只有提出需求的单位或项目主管机关可以取消"),
            target=duty,
        )
    if not reason.strip():
        raise DutyError(gettext("请填写取消理由"))
    with transaction.atomic():
        duty = _lock_duty(duty)
        if duty.status in (DutyStatus.HELD, DutyStatus.CANCELLED):
            raise DutyError(gettext("该活动已结束或已取消"))
        before = duty.status
        duty.status = DutyStatus.CANCELLED
        duty.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="duty.cancel",
            target=duty,
            before={"status": before},
            after={"reason": reason},
        )
    return duty


# --------------------------------------------------------------------------------------------------
# The draw (第十一条, 第十四条; docs/draw.md)
# --------------------------------------------------------------------------------------------------


def _engaged(duty: Duty) -> list[Assignment]:
    return list(duty.assignments.filter(status__in=ENGAGED).select_related("supervisor"))


def requirements_for(duty: Duty, *, k: int | None = None) -> dict[str, Any]:
    """The v1 requirements (docs/draw.md part I): specialty minimums, local and cross minimums."""
    return draw_algo.Requirements(
        k=duty.supervisors_needed if k is None else k,
        specialty_minimums=dict(duty.specialty_minimums),
        local_min=duty.local_min,
        cross_min=duty.cross_min,
    ).to_dict()


QUOTA_CATEGORIES = {
    "district": gettext_lazy("区县"),
    "local": gettext_lazy("就近/跨区"),
    "specialty": gettext_lazy("专业"),
    "gender": gettext_lazy("性别"),
    "ethnicity": gettext_lazy("民族"),
}


def _clean_quotas(quotas: Any, needed: int) -> list[dict[str, Any]]:
    out = []
    for q in quotas or ():
        category, value = str(q.get("category", "")).strip(), str(q.get("value", "")).strip()
        if category not in QUOTA_CATEGORIES or not value:
            raise DutyError(gettext("名额要求须写明类别（区县、就近/跨区、专业、性别、民族）和取值"))
        mn, mx = int(q.get("min") or 0), q.get("max")
        mx = None if mx in (None, "") else int(mx)
        if mn < 0 or (mx is not None and mx < 0) or mn > needed or (mx is not None and mn > mx):
            raise DutyError(
                gettext("名额要求“{quota_label}”的人数范围无效").format(
                    quota_label=quota_label(category, value)
                )
            )
        out.append({"category": category, "value": value, "min": mn, "max": mx})
    return out


def duty_quotas(duty: Duty) -> tuple[draw_v2.Quota, ...]:
    """Every quota of the duty, the old minimums included (specialty → specialty, local_min and
    cross_min → the local category's "local" and "cross")."""
    qs = [draw_v2.Quota("specialty", s, int(n)) for s, n in sorted(duty.specialty_minimums.items()) if n]
    if duty.local_min:
        qs.append(draw_v2.Quota("local", "local", duty.local_min))
    if duty.cross_min:
        qs.append(draw_v2.Quota("local", "cross", duty.cross_min))
    for q in duty.quotas or ():
        mx = q.get("max")
        qs.append(
            draw_v2.Quota(q["category"], q["value"], int(q.get("min") or 0), None if mx is None else int(mx))
        )
    return draw_v2.quotas_merge(qs)


def requirements_v2(duty: Duty, *, k: int | None = None, engaged: Sequence[Any] = ()) -> draw_v2.Requirements:
    """The v2 requirements; for a redraw, each quota less what those still engaged already count."""
    quotas = []
    for q in duty_quotas(duty):
        have = sum(1 for s in engaged if q.value in supervisor_categories(s, duty).get(q.category, []))
        quotas.append(
            draw_v2.Quota(
                q.category, q.value, max(0, q.min - have), None if q.max is None else max(0, q.max - have)
            )
        )
    return draw_v2.Requirements(k=duty.supervisors_needed if k is None else k, quotas=tuple(quotas))


def draw_algorithm_for(duty: Duty) -> str:
    """New draws follow v2; a deployment may keep v1 by setting JIANDU_DRAW_ALGORITHM."""
    from django.conf import settings

    name = getattr(settings, "JIANDU_DRAW_ALGORITHM", draw_v2.ALGORITHM)
    if name not in (draw_algo.ALGORITHM, draw_v2.ALGORITHM):
        raise DutyError(gettext("未知的抽选算法：{name}").format(name=name))
    return str(name)


def quota_label(category: str, value: str) -> str:
    if category == "local":
        shown = {"local": gettext("本区县"), "cross": gettext("跨区县")}.get(value, value)
    elif category == "specialty":
        shown = str(dict(Specialty.choices).get(value, value))
    elif category == "district" and value.isdigit():
        org = Organisation.objects.filter(pk=int(value)).only("name").first()
        shown = org.name if org else value
    else:
        shown = value
    return f"{QUOTA_CATEGORIES.get(category, category)}“{shown}”"


def _range(facts: dict[str, Any]) -> str:
    mn, mx = facts["min"], facts["max"]
    if mx is None:
        return gettext("至少 {mn} 人").format(mn=mn)
    return gettext("{mn}～{mx} 人").format(mn=mn, mx=mx) if mn else gettext("至多 {mx} 人").format(mx=mx)


def infeasibility_message(duty: Duty, reasons: list[dict[str, Any]]) -> str:
    """The Chinese sentence for a draw that cannot meet its quotas, citing the programme's rulebook
    (duty.random_draw: 机会均衡、就近与跨区、特定专业)."""
    cite = cite_suffix(programme_cite(duty.programme, "duty.random_draw", duty.duty_on))
    parts = []
    for r in reasons:
        f = r["facts"]
        if r["code"] == "quotas_conflict":
            names = "、".join(f"{quota_label(q['category'], q['value'])}{_range(q)}" for q in f["quotas"])
            parts.append(
                gettext("{names}不能在 {places} 人中同时满足").format(names=names, places=f["places"])
            )
            continue
        label = f"{quota_label(f['category'], f['value'])}{_range(f)}"
        if r["code"] == "quota_min_above_max":
            parts.append(gettext("{label}：最少人数大于最多人数").format(label=label))
        elif r["code"] == "quota_min_above_places":
            parts.append(
                gettext("{label}：超过本次抽选的 {places} 人").format(label=label, places=f["places"])
            )
        elif r["code"] == "quota_short":
            parts.append(
                gettext("{label}：候选池中符合条件的只有 {available} 人").format(
                    label=label, available=f["available"]
                )
            )
        elif r["code"] == "quota_max_too_low":
            parts.append(
                gettext("{label}：其余候选人只有 {others_available} 人，凑不足 {places} 人").format(
                    label=label, others_available=f["others_available"], places=f["places"]
                )
            )
    return gettext("名额要求无法满足，未发起抽选{cite}：").format(cite=cite) + "；".join(parts)


def draw_open(*, actor: Any, duty: Duty, at: dt.datetime | None = None) -> DrawCommitment:
    """Snapshot the pool, generate the secret seed, publish SHA-256(seed) and the pool hash.
    `at` (default now) lets a record of an earlier ceremony keep its real order; never in the future.

    A redraw (the order ran out, 第十四条) draws only the places still open and leaves out everyone
    already asked for this duty. Under v2, quotas that no panel of this pool can meet refuse the draw
    here, saying which and why, before any seed exists; nothing is written."""
    with transaction.atomic():
        # Two clicks at once: the second waits here and then sees DRAW_OPEN (was a 500 on the
        # commitment number's unique constraint).
        given, duty = duty, _lock_duty(duty)
        if duty.status not in (DutyStatus.REQUESTED, DutyStatus.REDRAW_NEEDED):
            raise DutyError(gettext("当前状态不能发起抽选"))
        previous = duty.commitments.order_by("-number").first()
        if previous is not None and not DrawRecord.objects.filter(commitment=previous).exists():
            raise DutyError(gettext("已有公布承诺、尚未抽选的抽选"))
        redraw = duty.status == DutyStatus.REDRAW_NEEDED
        engaged = _engaged(duty) if redraw else []
        open_places = duty.supervisors_needed - len(engaged) if redraw else duty.supervisors_needed
        pool = pool_build(duty, exclude_contacted=redraw)
        algorithm = draw_algorithm_for(duty)
        if algorithm == draw_v2.ALGORITHM:
            req = requirements_v2(duty, k=max(open_places, 1), engaged=[a.supervisor for a in engaged])
            pool_out, req_out, sealed = draw_v2.pool_seal(pool, req.to_dict())
            reasons = draw_v2.infeasibility(draw_v2.pool_prepare(pool_out, req))
            if reasons:
                raise DutyError(infeasibility_message(duty, reasons))
        else:
            pool_out, req_out, sealed = draw_algo.pool_seal(
                pool, requirements_for(duty, k=max(open_places, 1))
            )
        seed = draw_algo.seed_new()
        opened_at = _now() if at is None else min(at, _now())
        commitment = DrawCommitment.objects.create(
            duty=duty,
            number=(previous.number + 1) if previous else 1,
            redraw_of=previous if redraw else None,
            algorithm=algorithm,
            commitment=draw_algo.commitment(seed),
            pool=pool_out,
            requirements=req_out,
            pool_hash=sealed,
            seed=seed.hex(),
            opened_by=actor,
            opened_at=opened_at,
        )
        duty.status = DutyStatus.DRAW_OPEN
        duty.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="duty.draw_open",
            target=duty,
            after={
                "algorithm": algorithm,
                "commitment": commitment.commitment,
                "pool_hash": sealed,
                "number": commitment.number,
                "candidates": pool_out["counts"].get("candidates", len(pool["candidates"])),
                "excluded": len(pool_out["excluded"]),
            },
        )
    given.status = duty.status  # the caller's object follows the row it locked
    return commitment


def _clean_witnesses(witnesses: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for w in witnesses:
        value = unicodedata.normalize("NFC", (w.get("value") or "").strip())
        name = (w.get("name") or "").strip()
        role = (w.get("role") or "").strip()
        if not value and not name:
            continue
        if not value or not name:
            raise DutyError(gettext("每位见证人须填写姓名和自选的值"))
        if len(value) > MAX_WITNESS_VALUE:
            raise DutyError(
                gettext("见证值不超过 {MAX_WITNESS_VALUE} 个字符").format(MAX_WITNESS_VALUE=MAX_WITNESS_VALUE)
            )
        out.append({"name": name[:60], "role": role[:60], "value": value})
    if not out:
        raise DutyError(gettext("至少需要一名在场人员输入见证值"))
    return out


def draw_public_meta(commitment: DrawCommitment) -> dict[str, Any]:
    duty = commitment.duty
    return {
        "number": commitment.number,
        "redraw_of": commitment.redraw_of.number if commitment.redraw_of else None,
        "duty": {
            "id": duty.pk,
            "programme": duty.programme.name,
            "rulebook": duty.programme.rulebook_id,
            "kind": duty.kind,
            "date": duty.duty_on.isoformat(),
            "supervisors_needed": duty.supervisors_needed,
        },
        "opened_at": commitment.opened_at.isoformat(),
    }


def draw_perform(
    *, actor: Any, commitment: DrawCommitment, witnesses: list[dict[str, str]], at: dt.datetime | None = None
) -> DrawRecord:
    """Reveal the seed, mix in the witness values, draw, seal the record, and ask the first ones in
    order (第十二条)."""
    clean = _clean_witnesses(witnesses)
    with transaction.atomic():
        duty = _lock_duty(commitment.duty)  # simultaneous performs: the second sees the record
        if DrawRecord.objects.filter(commitment=commitment).exists():
            raise DutyError(gettext("该次抽选已完成"))
        if duty.status != DutyStatus.DRAW_OPEN:
            raise DutyError(gettext("当前状态不能抽选"))
        drawn_at = at or _now()
        if drawn_at < commitment.opened_at:
            # The commitment must be public before the draw, or it proves nothing (docs/draw.md §1).
            raise DutyError(
                gettext(
                    "抽选时间（{localtime:%Y-%m-%d %H:%M}）须晚于承诺公布时间（{localtime2:%Y-%m-%d %H:%M}）"
                ).format(
                    localtime=timezone.localtime(drawn_at),
                    localtime2=timezone.localtime(commitment.opened_at),
                )
            )
        meta = draw_public_meta(commitment)
        meta["drawn_at"] = drawn_at.isoformat()
        record = draw_record_build(commitment, clean, meta)
        if record["pool_hash"] != commitment.pool_hash:  # the stored pool changed after publication
            raise DutyError(gettext("候选池与公布时不一致，拒绝抽选"))
        drawn = DrawRecord.objects.create(
            commitment=commitment,
            duty=duty,
            record=record,
            record_hash=record["record_hash"],
            drawn_by=actor,
            drawn_at=drawn_at,
        )
        invited = []
        for position, cid in enumerate(record["result"]["selected"], start=1):
            invited.append(_invite(duty, drawn, cid, position, at=drawn_at))
        duty.status = DutyStatus.CONTACTING if invited else DutyStatus.REDRAW_NEEDED
        duty.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="duty.draw",
            target=duty,
            after={
                "draw": drawn.pk,
                "record_hash": drawn.record_hash,
                "selected": record["result"]["selected"],
                "notes": [n["code"] for n in record["result"]["notes"]],
            },
        )
        webhooks.duty_drawn_emit(duty=duty, drawn=drawn, invited=len(invited))
    commitment.duty.status = duty.status
    return drawn


def draw_record_build(
    commitment: DrawCommitment, witnesses: list[dict[str, str]], meta: dict[str, Any]
) -> dict[str, Any]:
    """The public record, by the algorithm the commitment was opened under."""
    seed = bytes.fromhex(commitment.seed)
    if commitment.algorithm == draw_v2.ALGORITHM:
        return draw_v2.record_build(
            pool_doc=commitment.pool,
            requirements=commitment.requirements,
            seed=seed,
            witnesses=witnesses,
            meta=meta,
        )
    return draw_algo.record_build(
        pool=commitment.pool, requirements=commitment.requirements, seed=seed, witnesses=witnesses, meta=meta
    )


def draw_preview(commitment: DrawCommitment, values: list[str]) -> tuple[list[str], list[str]]:
    """(selected, order) the draw would give with these witness values. For the demo only: at a real
    draw nobody can try values out, the seed being secret until the draw."""
    seed = bytes.fromhex(commitment.seed)
    if commitment.algorithm == draw_v2.ALGORITHM:
        req = draw_v2.requirements_from_dict(commitment.requirements)
        r2 = draw_v2.draw(commitment.pool, req, seed, values)
        return r2.selected, r2.order
    pool = [draw_algo.candidate_from_dict(c) for c in commitment.pool["candidates"]]
    r1 = draw_algo.draw(pool, draw_algo.requirements_from_dict(commitment.requirements), seed, values)
    return r1.selected, r1.order


def _invite(duty: Duty, drawn: DrawRecord, cid: str, position: int, *, at: dt.datetime) -> Assignment:
    return Assignment.objects.create(
        duty=duty, supervisor_id=supervisor_pk(cid), draw=drawn, position=position, invited_at=at
    )


def _pool_candidates(drawn: DrawRecord) -> list[draw_algo.Candidate]:
    return [draw_algo.candidate_from_dict(c) for c in drawn.record["pool"]["candidates"]]


def _next_v2(duty: Duty, drawn: DrawRecord, assignments: list[Assignment]) -> str | None:
    req = requirements_v2(duty)  # the duty's whole need and quotas; engaged counted below
    engaged = {
        candidate_id(a.supervisor_id): draw_v2.profile_of(supervisor_categories(a.supervisor, duty), req)
        for a in assignments
        if a.status in ENGAGED
    }
    contacted = [candidate_id(a.supervisor_id) for a in assignments]
    return draw_v2.next_to_contact(
        drawn.order, drawn.commitment.pool, req, engaged=engaged, contacted=contacted
    )


def _contact_next(duty: Duty, *, at: dt.datetime) -> Assignment | None:
    """After a decline or recusal: the next in the latest draw's order (docs/draw.md §4 and §II.4);
    None and REDRAW_NEEDED when the order is exhausted (第十四条第一款) or, under v2, when nobody
    left in it keeps the quotas that the pool could still meet."""
    drawn = duty.draws.select_related("commitment").order_by("-id").first()
    if drawn is None:
        return None
    assignments = list(duty.assignments.select_related("supervisor"))
    if drawn.record.get("algorithm") == draw_v2.ALGORITHM:
        nxt = _next_v2(duty, drawn, assignments)
    else:
        engaged = [candidate_id(a.supervisor_id) for a in assignments if a.status in ENGAGED]
        contacted = [candidate_id(a.supervisor_id) for a in assignments]
        requirements = draw_algo.requirements_from_dict(
            {**drawn.record["requirements"], "k": duty.supervisors_needed}
        )
        nxt = draw_algo.next_to_contact(
            drawn.order, _pool_candidates(drawn), requirements, engaged=engaged, contacted=contacted
        )
    if nxt is None:
        duty.status = DutyStatus.REDRAW_NEEDED
        duty.save(update_fields=["status"])
        return None
    position = drawn.order.index(nxt) + 1
    return _invite(duty, drawn, nxt, position, at=at)


def _refresh_status(duty: Duty) -> None:
    if duty.status in (DutyStatus.HELD, DutyStatus.CANCELLED, DutyStatus.REDRAW_NEEDED, DutyStatus.DRAW_OPEN):
        return
    accepted = duty.assignments.filter(status=AssignmentStatus.ACCEPTED).count()
    duty.status = DutyStatus.STAFFED if accepted >= duty.supervisors_needed else DutyStatus.CONTACTING
    duty.save(update_fields=["status"])


def _assignment_state(a: Assignment) -> dict[str, Any]:
    return {"supervisor": a.supervisor_id, "status": a.status, "reason": a.reason}


def _lock_duty(duty: Duty) -> Duty:
    """The duty's row, locked for this transaction and re-read: every state check comes after it
    (the findings `_lock` pattern), so simultaneous requests queue instead of racing."""
    return Duty.objects.select_for_update(of=("self",)).select_related("programme").get(pk=duty.pk)


def _lock_assignment(assignment: Assignment) -> tuple[Duty, Assignment]:
    """Lock the duty first (every answer for one duty goes through it, in one order), then re-read
    the assignment: a stale object from the page can no longer answer twice."""
    duty = _lock_duty(assignment.duty)
    return duty, Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)


def assignment_respond(*, actor: Any, assignment: Assignment, accept: bool, reason: str = "") -> Assignment:
    """The supervisor accepts or declines on the phone (第十四条第二款: 有正当理由 … 及时通知); or the
    bureau, which contacts supervisors in order (第十二条), records an answer given to it by telephone."""
    from jiandu.accounts.roles import Capability

    if not accept and not reason.strip():
        raise DutyError(gettext("谢绝时请说明理由"))
    with transaction.atomic():
        duty, a = _lock_assignment(assignment)
        own = getattr(getattr(actor, "supervisor", None), "pk", None) == a.supervisor_id
        if not own and not actor.can(Capability.MANAGE_PROGRAMMES):
            raise DutyError(gettext("只能答复本人的监督活动邀请"))
        if a.status != AssignmentStatus.INVITED:
            raise DutyError(gettext("该邀请已答复"))
        status = AssignmentStatus.ACCEPTED if accept else AssignmentStatus.DECLINED
        a = _respond(actor, duty, a, status, reason)
    assignment.status, assignment.reason, assignment.responded_at = a.status, a.reason, a.responded_at
    return a


def assignment_recuse(*, actor: Any, assignment: Assignment, reason: str) -> Assignment:
    """Recusal (第十三条): declared by the supervisor, or decided by the bureau on the agency's notice.
    The next in draw order is asked."""
    from jiandu.accounts.roles import Capability

    if not reason.strip():
        recusal = programme_cite(assignment.duty.programme, "duty.recusal_grounds", assignment.duty.duty_on)
        raise DutyError(gettext("请说明回避理由{cite_suffix}").format(cite_suffix=cite_suffix(recusal)))
    with transaction.atomic():
        duty, a = _lock_assignment(assignment)
        own = getattr(getattr(actor, "supervisor", None), "pk", None) == a.supervisor_id
        if not own and not actor.can(Capability.MANAGE_PROGRAMMES):
            raise DutyError(gettext("回避由监督员本人申报，或由项目主管机关决定"))
        if a.status not in (AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED):
            raise DutyError(gettext("当前状态不能申报回避"))
        a = _respond(actor, duty, a, AssignmentStatus.RECUSED, reason)
    assignment.status, assignment.reason, assignment.responded_at = a.status, a.reason, a.responded_at
    return a


def _respond(actor: Any, duty: Duty, a: Assignment, status: str, reason: str) -> Assignment:
    """Called with the duty and the assignment locked (_lock_assignment)."""
    at = _now()
    with transaction.atomic():
        before = _assignment_state(a)
        a.status = status
        a.reason = reason.strip()[:255]
        a.responded_at = at
        a.save(update_fields=["status", "reason", "responded_at"])
        nxt = None
        if status in (AssignmentStatus.DECLINED, AssignmentStatus.RECUSED):
            nxt = _contact_next(duty, at=at)
            from jiandu.duties.contact import invitations_follow_up

            invitations_follow_up(duty, nxt, at=at)  # the next in order hears at once (第十四条)
        _refresh_status(duty)
        audit_record(
            actor=actor,
            action=f"duty.assignment_{status}",
            target=a,
            before=before,
            after={
                **_assignment_state(a),
                "next": nxt.supervisor_id if nxt else None,
                "duty_status": duty.status,
            },
        )
        if status == AssignmentStatus.ACCEPTED:
            accepted = duty.assignments.filter(status=AssignmentStatus.ACCEPTED).count()
            webhooks.participant_confirmed_emit(duty=duty, assignment=a, accepted=accepted)
    return a


# --------------------------------------------------------------------------------------------------
# The day (第十六条, 第十七条)
# --------------------------------------------------------------------------------------------------


def _may_record_attendance(actor: Any, duty: Duty) -> bool:
    """Who may record the day: the agency that asked for the duty (it hosts it) or the bureau that runs
    the programme. Nobody else, and each only through attendance_record / attendance_correct."""
    from jiandu.accounts.roles import Capability

    org = getattr(actor, "organisation", None)
    if org is None:
        return False
    if actor.can(Capability.MANAGE_PROGRAMMES):
        return duty.programme.organisation.path.startswith(org.path)
    return actor.can(Capability.REQUEST_DUTIES) and duty.agency.path.startswith(org.path)


def attendance_record(
    *,
    actor: Any,
    duty: Duty,
    present: set[int],
    excused: dict[int, str] | None = None,
    absent: set[int] | None = None,
) -> Duty:
    """Mark who came, among those who accepted. An absence with a recorded valid excuse does not count
    toward the missed-duty grounds (威海 2022 第十六条(六) “无故”, 万州 第十八条(三) “无正当理由”).

    The rules (issue 11 #2: an empty POST by the agency had marked two confirmed supervisors absent):
    - recorded ONCE, on or after the duty day, while the duty is staffed, by the requesting agency or
      the bureau (_may_record_attendance);
    - when `absent` is given (the web form always gives it), every accepted supervisor must be marked
      present or absent explicitly — nothing is inferred from a missing field;
    - afterwards the attendance is frozen: a change is a new, audited correction by the bureau with
      the supervisor told (attendance_correct)."""
    excused = excused or {}
    with transaction.atomic():
        given, duty = duty, _lock_duty(duty)
        if not _may_record_attendance(actor, duty):
            raise DutyError(gettext("出席情况由申请活动的单位或项目主管机关登记"))
        if duty.status == DutyStatus.CANCELLED:
            raise DutyError(gettext("该活动已取消"))
        if duty.status == DutyStatus.HELD:
            raise DutyError(gettext("出席情况已登记，不能重新登记；如有错误，由项目主管机关更正并通知监督员"))
        if duty.status not in (DutyStatus.STAFFED, DutyStatus.CONTACTING, DutyStatus.REDRAW_NEEDED):
            # The day may come before every place is filled: those who accepted are recorded.
            raise DutyError(gettext("尚无已接受邀请的监督员，不能登记出席情况"))
        if duty.duty_on > _today():
            raise DutyError(gettext("活动当天或之后才能登记出席情况"))
        rows = list(duty.assignments.select_for_update(of=("self",)).filter(status=AssignmentStatus.ACCEPTED))
        if not rows:
            raise DutyError(gettext("没有已接受邀请的监督员"))
        ids = {a.pk for a in rows}
        if (present - ids) or ((absent or set()) - ids) or (present & (absent or set())):
            raise DutyError(gettext("出席登记与本活动的人员不符"))
        if absent is not None and present | absent != ids:
            raise DutyError(gettext("请为每位监督员选择“出席”或“缺席”"))
        marks = {}
        for a in rows:
            a.status = AssignmentStatus.ATTENDED if a.pk in present else AssignmentStatus.ABSENT
            a.excused = a.status == AssignmentStatus.ABSENT and bool(excused.get(a.pk, "").strip())
            if a.excused:
                a.reason = excused[a.pk].strip()[:255]
            a.save(update_fields=["status", "excused", "reason"])
            marks[a.supervisor_id] = {"status": a.status, "excused": a.excused}
        duty.status = DutyStatus.HELD
        duty.save(update_fields=["status"])
        audit_record(actor=actor, action="duty.attendance", target=duty, after={"marks": marks})
    given.status = duty.status
    return duty


def attendance_correct(
    *, actor: Any, assignment: Assignment, attended: bool, excuse: str = "", reason: str
) -> AttendanceCorrection:
    """A correction to recorded attendance: only by the bureau that runs the programme, with a reason,
    as a new row (the original marks stay in the audit trail and on the correction), and the
    supervisor is told. The agency cannot change attendance once recorded."""
    from jiandu.accounts.roles import Capability
    from jiandu.notifications.services import EMAIL, INBOX, notification_send

    if not reason.strip():
        raise DutyError(gettext("请填写更正理由"))
    with transaction.atomic():
        duty, a = _lock_assignment(assignment)
        if not (actor.can(Capability.MANAGE_PROGRAMMES) and _may_record_attendance(actor, duty)):
            raise DutyError(gettext("出席情况的更正由项目主管机关办理"))
        if duty.status != DutyStatus.HELD or a.status not in (
            AssignmentStatus.ATTENDED,
            AssignmentStatus.ABSENT,
        ):
            raise DutyError(gettext("只能更正已登记的出席情况"))
        new_status = AssignmentStatus.ATTENDED if attended else AssignmentStatus.ABSENT
        new_excused = not attended and bool(excuse.strip())
        if (a.status, a.excused) == (new_status, new_excused):
            raise DutyError(gettext("更正后的情况与现有记录相同"))
        correction = AttendanceCorrection.objects.create(
            assignment=a,
            before_status=a.status,
            before_excused=a.excused,
            after_status=new_status,
            after_excused=new_excused,
            reason=reason.strip()[:500],
            corrected_by=actor,
            corrected_at=_now(),
        )
        a.status, a.excused = new_status, new_excused
        if new_excused:
            a.reason = excuse.strip()[:255]
        a.save(update_fields=["status", "excused", "reason"])
        audit_record(
            actor=actor,
            action="duty.attendance_correct",
            target=a,
            before={"status": correction.before_status, "excused": correction.before_excused},
            after={"status": new_status, "excused": new_excused, "reason": correction.reason},
        )
        user = a.supervisor.user
        if user is not None:
            label = AssignmentStatus(new_status).label + (gettext("（有正当理由）") if new_excused else "")
            notification_send(
                recipients=[user],
                subject=gettext("您在“{title}”的出席记录已更正为：{label}").format(
                    title=duty.title, label=label
                ),
                body=gettext("更正理由：{reason}").format(reason=correction.reason),
                link=reverse("duties:mine_detail", args=[a.pk]),
                channels=(INBOX, EMAIL),
                kind="duty.attendance_correct",
                audit=False,
            )
    return correction


def record_content_hash(record: DutyRecord) -> str:
    """What a supervisor confirms: the summary and every opinion with its adoption, hashed."""
    body = {
        "duty": record.duty_id,
        "summary": record.summary,
        "opinions": [
            {
                "supervisor": o.supervisor_id,
                "text": o.text,
                "adoption": o.adoption,
                "reason": o.adoption_reason,
            }
            for o in record.opinions.order_by("id")
        ],
    }
    return hashlib.sha256(draw_algo.canonical_json(body)).hexdigest()


@dataclass(frozen=True)
class OpinionData:
    supervisor_id: int
    text: str
    adoption: str = Adoption.PENDING
    adoption_reason: str = ""


def record_locked_reason(duty: Duty, record: DutyRecord | None) -> str | None:
    """Why the record can no longer be changed, or None while it can: the page offers 修改 only when
    this is None, so it never offers what the service then refuses."""
    if record is None:
        return None
    if duty.assignments.filter(confirmed_at__isnull=False).exists():
        return gettext("监督员已签字确认，反馈表不能再修改")
    if record.opinions.filter(sent_at__isnull=False).exists():
        return gettext("反馈表已定稿，不能再修改")  # never says an opinion went on (第十四条)
    return None


def record_save(*, actor: Any, duty: Duty, summary: str, opinions: list[OpinionData]) -> DutyRecord:
    """The agency fills in the 履职情况反馈表 (第十七条). Once a supervisor has confirmed it, it is fixed."""
    if duty.status != DutyStatus.HELD:
        raise DutyError(gettext("请先登记出席情况"))
    if not summary.strip():
        raise DutyError(gettext("请填写办案活动简要情况"))
    attended = set(
        duty.assignments.filter(status=AssignmentStatus.ATTENDED).values_list("supervisor_id", flat=True)
    )
    for o in opinions:
        if o.supervisor_id not in attended:
            raise DutyError(gettext("只能登记出席监督员的意见"))
        if o.adoption not in Adoption.values:
            raise DutyError(gettext("采纳情况无效"))
        if o.adoption in (Adoption.NOT_ADOPTED, Adoption.PARTLY) and not o.adoption_reason.strip():
            # Only where the programme's text asks that the supervisor be told how the opinion was used.
            told = programme_cite(duty.programme, "duty.adoption_told", duty.duty_on)
            if told is not None and told.value:
                raise DutyError(
                    gettext("未采纳或部分采纳的，须说明理由，以便告知监督员{cite_suffix}").format(
                        cite_suffix=cite_suffix(told)
                    )
                )
    existing = DutyRecord.objects.filter(duty=duty).first()
    if (locked := record_locked_reason(duty, existing)) is not None:
        raise DutyError(locked)
    with transaction.atomic():
        record = existing or DutyRecord(duty=duty)
        record.summary = summary.strip()
        record.filled_by = actor
        record.filled_at = _now()
        record.save()
        record.opinions.all().delete()
        for o in opinions:
            if o.text.strip():
                DutyOpinion.objects.create(
                    record=record,
                    supervisor_id=o.supervisor_id,
                    text=o.text.strip(),
                    adoption=o.adoption,
                    adoption_reason=o.adoption_reason.strip(),
                )
        audit_record(
            actor=actor,
            action="duty.record_save",
            target=record,
            after={"hash": record_content_hash(record), "opinions": len(opinions)},
        )
    return record


def record_confirm(*, actor: Any, assignment: Assignment, via: str = "phone") -> Assignment:
    """The supervisor confirms the record (第十七条 现场签字确认): on the phone (their own), or staff
    record that the printed form was signed."""
    a = assignment
    from jiandu.accounts.roles import Capability

    if via == "phone":
        if getattr(getattr(actor, "supervisor", None), "pk", None) != a.supervisor_id:
            raise DutyError(gettext("只能确认本人的履职记录"))
    elif via == "paper":
        if not (actor.can(Capability.REQUEST_DUTIES) or actor.can(Capability.MANAGE_PROGRAMMES)):
            raise DutyError(gettext("纸质签字由工作人员登记"))
    else:
        raise DutyError(gettext("确认方式无效"))
    if a.status != AssignmentStatus.ATTENDED:
        raise DutyError(gettext("只有出席的监督员确认反馈表"))
    record = DutyRecord.objects.filter(duty_id=a.duty_id).first()
    if record is None:
        raise DutyError(gettext("反馈表尚未填写"))
    if a.confirmed_at is not None:
        raise DutyError(gettext("已确认"))
    with transaction.atomic():
        a.confirmed_at = _now()
        a.confirmed_via = via
        a.confirmed_hash = record_content_hash(record)
        a.save(update_fields=["confirmed_at", "confirmed_via", "confirmed_hash"])
        audit_record(
            actor=actor, action="duty.record_confirm", target=a, after={"via": via, "hash": a.confirmed_hash}
        )
        attended = a.duty.assignments.filter(status=AssignmentStatus.ATTENDED)
        webhooks.record_confirmed_emit(
            duty=a.duty,
            assignment=a,
            confirmed=attended.filter(confirmed_at__isnull=False).count(),
            attended=attended.count(),
        )
    return a


def opinion_send_to_findings(*, actor: Any, opinion: DutyOpinion, confidential: bool = False) -> DutyOpinion:
    """Send an opinion given at a duty on to the findings workflow (jiandu.findings), by the supervisor
    who gave it or by the bureau; the finding's number is kept on the opinion."""
    from django.core.exceptions import ValidationError

    from jiandu.accounts.roles import Capability
    from jiandu.findings.services import finding_create_from_duty

    own = getattr(getattr(actor, "supervisor", None), "pk", None) == opinion.supervisor_id
    if not own and not actor.can(Capability.MANAGE_PROGRAMMES):
        raise DutyError(gettext("由提出意见的监督员本人或项目主管机关转办"))
    if opinion.sent_at is not None:
        raise DutyError(gettext("该意见已转办"))
    record = opinion.record
    with transaction.atomic():
        try:
            finding = finding_create_from_duty(
                actor=actor,
                duty_record=record,
                supervisor=opinion.supervisor,
                agency=record.duty.agency,
                text=opinion.text,
                confidential=confidential,
                # A confidential finding must not point back at the duty (whose attendees the agency
                # knows): no duty title, no duty date; staff follow its source_ref.
                title="" if confidential else gettext("{title}：监督意见").format(title=record.duty.title),
                occurred_on_known=not confidential,
            )
        except ValidationError as exc:
            raise DutyError("；".join(exc.messages)) from exc
        opinion.finding_ref = str(finding.pk)
        opinion.sent_at = _now()
        opinion.sent_confidential = bool(confidential)
        opinion.save(update_fields=["finding_ref", "sent_at", "sent_confidential"])
        audit_record(
            actor=actor,
            action="duty.opinion_to_findings",
            target=opinion,
            after={"finding": finding.pk, "confidential": opinion.sent_confidential},
        )
    return opinion


# --------------------------------------------------------------------------------------------------
# Reports (第二十条)
# --------------------------------------------------------------------------------------------------


def duty_report(*, actor: Any, duty: Duty, on: dt.date | None = None) -> Duty:
    """The agency reports on the duty to the bureau (within N working days after it)."""
    on = on or _today()
    if duty.status != DutyStatus.HELD or not DutyRecord.objects.filter(duty=duty).exists():
        raise DutyError(gettext("请先登记出席情况并填写反馈表"))
    if duty.reported_on is not None:
        raise DutyError(gettext("已通报"))
    with transaction.atomic():
        duty.reported_on = on
        duty.save(update_fields=["reported_on"])
        late = duty.report_due_on is not None and on > duty.report_due_on
        audit_record(
            actor=actor,
            action="duty.report",
            target=duty,
            after={"reported_on": on.isoformat(), "due": str(duty.report_due_on), "late": late},
        )
    return duty


def monthly_summary_due_on(
    programme: Programme, year: int, month: int
) -> tuple[dt.date | None, Reason | None]:
    book = rulebook_for(programme)
    next_first = dt.date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    if book is None or not book.has_param("duty.monthly_summary_day", next_first):
        return None, None
    from jiandu.rules.deadlines import monthly_summary_due

    return monthly_summary_due(book, year=year, month=month)


def monthly_summary_send(
    *, actor: Any, programme: Programme, year: int, month: int, on: dt.date | None = None
) -> MonthlySummary:
    """第二十条: the month's feedback forms, summarised and forwarded to the bureau."""
    on = on or _today()
    agency = actor.organisation
    if not 1 <= month <= 12:
        raise DutyError(gettext("月份无效"))
    if dt.date(year, month, 1) > on.replace(day=1):
        raise DutyError(gettext("只能汇总已开始的月份"))
    if MonthlySummary.objects.filter(programme=programme, agency=agency, year=year, month=month).exists():
        raise DutyError(gettext("该月已汇总转送"))
    due, _reason = monthly_summary_due_on(programme, year, month)
    duties = Duty.objects.filter(
        programme=programme, agency=agency, duty_on__year=year, duty_on__month=month, record__isnull=False
    )
    with transaction.atomic():
        summary = MonthlySummary.objects.create(
            programme=programme,
            agency=agency,
            year=year,
            month=month,
            due_on=due or on,
            sent_on=on,
            sent_by=actor,
            duty_ids=sorted(duties.values_list("id", flat=True)),
        )
        audit_record(
            actor=actor,
            action="duty.monthly_summary",
            target=summary,
            after={"duties": summary.duty_ids, "due": str(due), "late": bool(due and on > due)},
        )
    return summary
