"""Writes to casework. Each is one transaction with one audit event; a refusal leaves nothing written.

Audit before/after carry the 罪犯编号 and the case number, never the prisoner's name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.casework import rules
from jiandu.casework.models import (
    CaseDocument,
    CaseFile,
    CaseKind,
    CaseStatus,
    Grading,
    Ground,
    GroundKind,
    Isolation,
    Observation,
    PenaltyObjection,
    PointsPublication,
    Prisoner,
    Problem,
    ProblemSource,
    ProblemStatus,
    Publicity,
    PublicityPolicy,
    QuarterlyReport,
    ReviewStep,
    ReviewVote,
    StepOutcome,
    Trusty,
    Vote,
)
from jiandu.casework.selectors import (
    SUPERVISOR,
    case_role,
    is_administration_of,
    is_handler_of,
)
from jiandu.core.permissions import deny
from jiandu.orgs.models import Organisation, OrgKind
from jiandu.roster.models import Programme
from jiandu.rules import casework as core
from jiandu.rules import casework_checks as checks
from jiandu.rules import casework_review as review
from jiandu.rules.calendar import add_months, provisional_note
from jiandu.rules.decision import ALLOWED, REFUSED
from jiandu.rules.rulebook import ParameterNotStated

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _need(text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(gettext("请填写{label}").format(label=label))
    return text


def _require_handler(actor: Any, prison: Organisation, action: str, target: Any = None) -> None:
    if not is_handler_of(actor, prison):
        raise deny(actor, action=action, reason=gettext("只有本监狱的办案人员可以办理"), target=target)


def _require_administration(actor: Any, prison: Organisation, action: str, target: Any = None) -> None:
    if not is_administration_of(actor, prison):
        raise deny(actor, action=action, reason=gettext("只有监狱管理局可以办理"), target=target)


def _lock(case: CaseFile) -> CaseFile:
    return (
        CaseFile.objects.select_for_update(of=("self",))
        .select_related("prison", "programme", "prisoner")
        .get(pk=case.pk)
    )


def _case_state(case: CaseFile) -> dict[str, Any]:
    return {"status": case.status, "next_step": case.next_step, "prisoner": case.prisoner.number}


def _provisional(reason: Any, cal: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The reason as stored, marked 暂定 when the period crosses a year whose notice is not loaded
    (computed from the statutory holidays, DESIGN.md "Time"): never a silent guess."""
    d = reason.to_dict()
    years = list(cal.provisional_years(start, end))
    d["facts"]["provisional"] = bool(years)
    d["facts"]["provisional_years"] = years
    note = f"（{provisional_note(years)}）"
    if years and note not in d["message"]:  # the core may have said it already (medical_records_due)
        d["message"] += note
    return d


def _calendar_date(fn: Any) -> Any:
    # A date in a year whose holiday notice is not loaded is computed provisionally (暂定, marked by
    # `_provisional` and recomputed on loading: casework/calendar_dates.py). Only a year the calendar
    # cannot compute at all (before 2004, after 2100) raises CalendarUnknownYear.
    return fn()


# --- prisoners and case files (三（一）1) -------------------------------------------------------------


def prisoner_register(*, actor: Any, prison: Organisation, number: str, name: str) -> Prisoner:
    """The minimal record: 罪犯编号 and name (encrypted). A number already registered is returned."""
    number = _need(number, gettext("罪犯编号"))[:32]
    name = _need(name, gettext("罪犯姓名"))[:40]
    if prison.kind != OrgKind.PRISON:
        raise ValidationError(gettext("请选择监狱"))
    _require_handler(actor, prison, "casework.prisoner_register")
    with transaction.atomic():
        existing = Prisoner.objects.filter(prison=prison, number=number).first()
        if existing is not None:
            return existing
        p = Prisoner.objects.create(prison=prison, number=number, name=name)
        audit_record(actor=actor, action="casework.prisoner_register", target=p, after={"number": number})
    return p


def case_open(
    *,
    actor: Any,
    programme: Programme,
    prisoner: Prisoner,
    kind: str,
    proposal: str,
    points_result: str = "",
    significant: bool = False,
    today: dt.date | None = None,
) -> CaseFile:
    """The responsible officer opens the file (谁承办谁负责): the steps of the programme's rulebook are
    frozen with it, so the file keeps the order it was reviewed under."""
    today = _today(today)
    if kind not in CaseKind.values:
        raise ValidationError(gettext("请选择案件类型"))
    proposal = _need(proposal, gettext("提请建议"))
    _require_handler(actor, prisoner.prison, "casework.case_open")
    if not prisoner.prison.is_within(programme.organisation):
        raise ValidationError(gettext("该监狱不在此监督项目的范围内"))
    book = rules.rulebook_for(programme)
    try:
        steps = review.review_steps(book, today)
    except ParameterNotStated as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        case = CaseFile.objects.create(
            programme=programme,
            prison=prisoner.prison,
            prisoner=prisoner,
            kind=kind,
            officer=actor,
            proposal=proposal,
            points_result=points_result.strip()[:255],
            significant=bool(significant),
            opened_on=today,
            steps=[s.__dict__ for s in steps],
            rulebook_version=book.version,
        )
        audit_record(
            actor=actor,
            action="casework.case_open",
            target=case,
            after={"kind": kind, "prisoner": prisoner.number, "steps": [s.code for s in steps]},
        )
    return case


def ground_add(
    *,
    actor: Any,
    case: CaseFile,
    kind: str,
    facts: str,
    evidence: str,
    provided_by: str,
    hospital: str = "",
    designated_hospital: bool = False,
) -> Ground:
    """A fact with its evidence and who provided it (谁提供谁负责): all three are required."""
    if kind not in GroundKind.values:
        raise ValidationError(gettext("请选择事实类别"))
    facts = _need(facts, gettext("具体事实"))
    evidence = _need(evidence, gettext("证据材料"))
    provided_by = _need(provided_by, gettext("证据提供人（单位）"))
    if kind == GroundKind.MEDICAL and not hospital.strip():
        raise ValidationError(gettext("病情诊断须写明诊断医院"))
    _require_handler(actor, case.prison, "casework.ground_add", case)
    with transaction.atomic():
        case = _lock(case)
        if case.status in (CaseStatus.PUBLICITY, CaseStatus.PROPOSED):
            raise ValidationError(gettext("已公示或已提请的案件不能再补充事实"))
        g = Ground.objects.create(
            case=case,
            kind=kind,
            facts=facts,
            evidence=evidence,
            provided_by=provided_by[:120],
            hospital=hospital.strip()[:120],
            designated_hospital=bool(designated_hospital),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="casework.ground_add",
            target=case,
            after={"ground": g.pk, "kind": kind, "provided_by": g.provided_by},
        )
    return g


def _document_check(upload: Any) -> tuple[bytes, str]:
    data = upload.read()
    if not data:
        raise ValidationError(gettext("请选择文件"))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(gettext("文件超过 20 MB"))
    if data.startswith(b"%PDF-"):
        return data, "application/pdf"
    if data.startswith(b"\x89PNG"):
        return data, "image/png"
    if data.startswith(b"\xff\xd8"):
        return data, "image/jpeg"
    raise ValidationError(gettext("只接受 PDF、PNG 或 JPG 文件"))


def document_attach(*, actor: Any, case: CaseFile, title: str, upload: Any) -> CaseDocument:
    from django.core.files.base import ContentFile

    title = _need(title, gettext("材料名称"))[:120]
    data, content_type = _document_check(upload)
    digest = hashlib.sha256(data).hexdigest()
    _require_handler(actor, case.prison, "casework.document_attach", case)
    with transaction.atomic():
        case = _lock(case)
        ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
        doc = CaseDocument(
            case=case,
            title=title,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        doc.file.save(f"{digest[:24]}.{ext}", ContentFile(data), save=False)
        doc.save()
        audit_record(
            actor=actor,
            action="casework.document_attach",
            target=case,
            after={"document": doc.pk, "title": title, "sha256": digest},
        )
    return doc


# --- the review steps (三（一）2) ----------------------------------------------------------------------


@dataclass(frozen=True)
class VoteData:
    member: str
    vote: str  # Vote value
    opinion: str = ""


def _last_decided(case: CaseFile, before_order: int) -> ReviewStep | None:
    return (
        case.reviews.filter(order__lt=before_order, outcome__in=(StepOutcome.ALLOWED, StepOutcome.REFUSED))
        .order_by("-order", "-sitting")
        .first()
    )


def review_record(
    *,
    actor: Any,
    case: CaseFile,
    opinion: str,
    outcome: str = "",
    votes: list[VoteData] | None = None,
    should_attend: int | None = None,
    legal_basis: str = "",
    statutory_reason: str = "",
    held_on: dt.date | None = None,
) -> ReviewStep:
    """Record the next step of the file. An individual step (提名, 审核, 审定) gives its outcome; a
    collective one (会议) gives attendance and every member's vote, and the outcome is computed: two
    thirds of those who should attend decide, 较大分歧 defers, too few present decides nothing.
    A case refused at an earlier level goes on, and a level changes an earlier decision, only with the
    legal basis and statutory reason recorded (refused otherwise, nothing written)."""
    held_on = _today(held_on)
    opinion = _need(opinion, gettext("审查意见"))
    _require_handler(actor, case.prison, "casework.review_record", case)
    with transaction.atomic():
        case = _lock(case)
        if case.status not in (
            CaseStatus.PREPARING,
            CaseStatus.IN_REVIEW,
            CaseStatus.DEFERRED,
            CaseStatus.STOPPED,
        ):
            raise ValidationError(
                gettext("案件状态为“{get_status_display}”，不能再审查").format(
                    get_status_display=case.get_status_display()
                )
            )
        if case.next_step >= len(case.steps):
            raise ValidationError(gettext("各级审查已完成"))
        if not case.grounds.exists():
            raise ValidationError(gettext("请先登记提请所依据的事实及证据"))
        step = case.steps[case.next_step]
        if case.status == CaseStatus.DEFERRED:
            # 待重新调查核实后再次提请研究: the same step sits again only after the re-investigation
            # has added to the facts.
            deferred = (
                case.reviews.filter(order=case.next_step, outcome=StepOutcome.DEFERRED)
                .order_by("-sitting")
                .first()
            )
            if deferred is not None and not case.grounds.filter(recorded_at__gt=deferred.created_at).exists():
                raise ValidationError(
                    gettext("该案件因较大分歧暂缓决定，须先登记重新调查核实的事实及证据，再次提请研究")
                )
        book = rules.rulebook_for(case.programme)
        earlier = _last_decided(case, case.next_step)
        earlier_outcome = earlier.outcome if earlier else ""
        decisions: list[dict[str, Any]] = []
        if step["collective"]:
            rows = list(votes or [])
            if should_attend is None or should_attend < 1:
                raise ValidationError(gettext("请填写应参会人数"))
            if len(rows) != should_attend:
                raise ValidationError(
                    gettext("应参会{should_attend}人，请逐一登记出席及表决（现登记{count}人）").format(
                        should_attend=should_attend, count=len(rows)
                    )
                )
            for r in rows:
                if not r.member.strip():
                    raise ValidationError(gettext("请填写参会人员姓名"))
                if r.vote not in Vote.values:
                    raise ValidationError(gettext("表决应为同意、不同意、弃权或缺席"))
                if r.vote in (Vote.AGAINST, Vote.ABSTAIN) and not r.opinion.strip():
                    raise ValidationError(
                        gettext("{member}的不同意见须记录在案（对不同意见应当重点记录）").format(
                            member=r.member
                        )
                    )
            count = {v: sum(1 for r in rows if r.vote == v) for v in Vote.values}
            vote = review.review_vote_decide(
                book,
                should_attend=should_attend,
                in_favour=count[Vote.FOR],
                against=count[Vote.AGAINST],
                abstain=count[Vote.ABSTAIN],
                on=held_on,
            )
            decisions.append(vote.to_dict())
            result = vote.outcome
        else:
            if outcome not in (ALLOWED, REFUSED):
                raise ValidationError(gettext("请选择同意或不同意"))
            result = outcome
            rows = []
        overrides = case.status == CaseStatus.STOPPED
        if overrides:
            go_on = review.review_continue_decide(
                book, earlier_refused=True, legal_basis=legal_basis, reason=statutory_reason, on=held_on
            )
            if go_on.outcome == REFUSED:
                raise ValidationError(_sentence(go_on))
            decisions.append(go_on.to_dict())
        changes = False
        if result in (ALLOWED, REFUSED) and earlier_outcome:
            change = review.review_change_decide(
                book,
                earlier=earlier_outcome,
                now=result,
                legal_basis=legal_basis,
                reason=statutory_reason,
                on=held_on,
            )
            if change.outcome == REFUSED:
                raise ValidationError(_sentence(change))
            changes = bool(change.reasons)
            if changes:
                decisions.append(change.to_dict())
        sitting = case.reviews.filter(order=case.next_step).count() + 1
        rs = ReviewStep.objects.create(
            case=case,
            order=case.next_step,
            sitting=sitting,
            code=step["code"],
            name=step["name"],
            collective=bool(step["collective"]),
            held_on=held_on,
            signed_by=actor,
            responsibility=step.get("responsibility", ""),
            should_attend=should_attend if step["collective"] else None,
            outcome=result,
            opinion=opinion,
            decision={"decisions": decisions},
            changes_earlier=changes,
            overrides_refusal=overrides,
            legal_basis=legal_basis.strip() if (changes or overrides) else "",
            statutory_reason=statutory_reason.strip() if (changes or overrides) else "",
        )
        ReviewVote.objects.bulk_create(
            [
                ReviewVote(step=rs, member=r.member.strip()[:60], vote=r.vote, opinion=r.opinion.strip())
                for r in rows
            ]
        )
        before = _case_state(case)
        if result == ALLOWED:
            case.next_step += 1
            case.status = CaseStatus.IN_REVIEW
        elif result == REFUSED:
            case.next_step += 1
            case.status = CaseStatus.STOPPED
        elif result == review.DEFERRED:
            case.status = CaseStatus.DEFERRED
        else:
            case.status = CaseStatus.IN_REVIEW
        case.save(update_fields=["next_step", "status"])
        audit_record(
            actor=actor,
            action="casework.review_record",
            target=case,
            before=before,
            after={
                **_case_state(case),
                "step": rs.code,
                "sitting": sitting,
                "outcome": result,
                "votes": {v: sum(1 for r in rows if r.vote == v) for v in Vote.values} if rows else None,
                "changes_earlier": changes,
                "overrides_refusal": overrides,
            },
        )
    return rs


def _sentence(decision: Any) -> str:
    return "；".join(f"{r.message}（《{r.rulebook}》{r.article}）" for r in decision.reasons)


def review_complete(case: CaseFile) -> bool:
    return case.next_step >= len(case.steps) and case.status == CaseStatus.IN_REVIEW


# --- publicity (三（一）2 三是; 五（二）) -------------------------------------------------------------


def publicity_policy_set(
    *, actor: Any, programme: Programme, working_days: int, basis: str
) -> PublicityPolicy:
    """Where the rulebook leaves the period to another document: the administration records it once."""
    basis = _need(basis, gettext("公示期间的依据（文件名称及条款）"))[:200]
    if not 1 <= working_days <= 30:
        raise ValidationError(gettext("公示期间应为 1 至 30 个工作日"))
    if not (
        actor.can(Capability.MANAGE_PROGRAMMES)
        and actor.organisation is not None
        and programme.organisation.is_within(actor.organisation)
    ):
        raise deny(
            actor,
            action="casework.publicity_policy_set",
            reason=gettext("只有项目主管单位可以设定"),
            target=programme,
        )
    book = rules.rulebook_for(programme)
    if book.has_param("casework.publicity_working_days", timezone.localdate()):
        raise ValidationError(gettext("本项目规则已规定公示期间，不能另行设定"))
    with transaction.atomic():
        policy = PublicityPolicy.objects.select_for_update().filter(programme=programme).first()
        before = {"working_days": policy.working_days, "basis": policy.basis} if policy else None
        if policy is None:
            policy = PublicityPolicy(programme=programme)
        policy.working_days, policy.basis, policy.set_by = working_days, basis, actor
        policy.save()
        audit_record(
            actor=actor,
            action="casework.publicity_policy_set",
            target=programme,
            before=before,
            after={"working_days": working_days, "basis": basis},
        )
    return policy


def publicity_text(case: CaseFile) -> str:
    """What is published: the case, the proposal and every ground with its evidence source — the
    content is composed from the file, so it cannot be trimmed by hand (杜绝简化公示内容)."""
    lines = [
        gettext("{get_kind_display}提请公示").format(get_kind_display=case.get_kind_display()),
        gettext("罪犯编号：{number}").format(number=case.prisoner.number),
        gettext("计分考核：{value}").format(value=case.points_result or "—"),
        gettext("提请建议：{proposal}").format(proposal=case.proposal),
    ]
    for g in case.grounds.order_by("id"):
        lines.append(
            gettext("{get_kind_display}：{facts}（证据：{evidence}；提供：{provided_by}）").format(
                get_kind_display=g.get_kind_display(),
                facts=g.facts,
                evidence=g.evidence,
                provided_by=g.provided_by,
            )
        )
    for r in case.reviews.order_by("order", "sitting"):
        lines.append(f"{r.name}（{r.held_on.isoformat()}）：{r.get_outcome_display()}")
    return "\n".join(lines)


def publicity_publish(*, actor: Any, case: CaseFile, today: dt.date | None = None) -> Publicity:
    today = _today(today)
    _require_handler(actor, case.prison, "casework.publicity_publish", case)
    with transaction.atomic():
        case = _lock(case)
        if not review_complete(case):
            raise ValidationError(gettext("各级审查同意后方可公示"))
        book = rules.rulebook_for(case.programme)
        cal = rules.calendar_for(case.programme)
        try:
            end, reason = _calendar_date(lambda: review.publicity_end(book, cal, today))
        except ParameterNotStated as exc:
            policy = PublicityPolicy.objects.filter(programme=case.programme).first()
            if policy is None:
                raise ValidationError(
                    gettext("{exc}；请监狱管理局先设定公示期间及其依据").format(exc=exc)
                ) from exc
            end, reason = _calendar_date(
                lambda: review.publicity_end(book, cal, today, days=policy.working_days, basis=policy.basis)
            )
        text = publicity_text(case)
        pub = Publicity.objects.create(
            case=case,
            text=text,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            starts_on=today,
            ends_on=end,
            reason=_provisional(reason, cal, today, end),
            published_by=actor,
            published_at=timezone.now(),
        )
        before = _case_state(case)
        case.status = CaseStatus.PUBLICITY
        case.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="casework.publicity_publish",
            target=case,
            before=before,
            after={**_case_state(case), "sha256": pub.sha256, "ends_on": end},
        )
    return pub


def case_propose(*, actor: Any, case: CaseFile, today: dt.date | None = None) -> CaseFile:
    """After the publicity period has run in full, the proposal goes on (提请)."""
    today = _today(today)
    _require_handler(actor, case.prison, "casework.case_propose", case)
    with transaction.atomic():
        case = _lock(case)
        pub = case.publicities.order_by("-id").first()
        if case.status != CaseStatus.PUBLICITY or pub is None:
            raise ValidationError(gettext("案件尚未公示"))
        # The stored end may have been computed provisionally (or before a regional holiday was
        # loaded): check it against the calendar as published today, never shortening (docs/casework.md).
        end = rules.publicity_end_now(pub)
        if today <= end.used:
            raise ValidationError(
                gettext("公示期至{end}（{basis}），期满后方可提请（不得缩短公示期间）").format(
                    end=end.used.isoformat(), basis=end.basis
                )
            )
        if hashlib.sha256(pub.text.encode()).hexdigest() != pub.sha256:
            raise ValidationError(gettext("公示内容与其哈希不符，须重新公示"))
        before = _case_state(case)
        case.status = CaseStatus.PROPOSED
        case.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="casework.case_propose",
            target=case,
            before=before,
            after={**_case_state(case), "publicity_end": {**end.to_dict(), "basis": end.basis}},
        )
    return case


# --- medical parole (三（一）3) --------------------------------------------------------------------------


def medical_check(
    *,
    actor: Any,
    case: CaseFile,
    records_complete: bool,
    explanation: str,
    tumour_without_pathology: bool,
    disease_category: str,
    specialty_confirmed: bool,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The handler's medical-evidence check, stored with its reasons; the specialty match is a
    confirmation the handler makes and that is recorded with their name and time."""
    today = _today(today)
    _require_handler(actor, case.prison, "casework.medical_check", case)
    with transaction.atomic():
        case = _lock(case)
        if case.kind != CaseKind.MEDICAL_PAROLE:
            raise ValidationError(gettext("只有暂予监外执行案件需要医学材料审查"))
        diagnoses = [
            review.Diagnosis(g.hospital, g.designated_hospital)
            for g in case.grounds.filter(kind=GroundKind.MEDICAL)
        ]
        d = review.medical_checks_decide(
            rules.rulebook_for(case.programme),
            records_complete=records_complete,
            explanation=explanation,
            tumour_without_pathology=tumour_without_pathology,
            diagnoses=diagnoses,
            specialty_confirmed=specialty_confirmed,
            on=today,
        )
        case.records_complete = bool(records_complete)
        case.records_explanation = explanation.strip()
        case.tumour_without_pathology = bool(tumour_without_pathology)
        case.disease_category = disease_category.strip()[:60]
        if specialty_confirmed:
            case.specialty_confirmed_by, case.specialty_confirmed_at = actor, timezone.now()
        case.medical_decision = d.to_dict()
        case.save()
        audit_record(
            actor=actor,
            action="casework.medical_check",
            target=case,
            after={"outcome": d.outcome, "codes": d.codes},
        )
    return d.to_dict()


def medical_approve(*, actor: Any, case: CaseFile, approved_on: dt.date) -> CaseFile:
    """审批完备: with records incomplete, the 15-day deadline to supplement them starts (reminded)."""
    _require_handler(actor, case.prison, "casework.medical_approve", case)
    with transaction.atomic():
        case = _lock(case)
        if case.kind != CaseKind.MEDICAL_PAROLE:
            raise ValidationError(gettext("只有暂予监外执行案件"))
        if case.medical_decision.get("outcome") != ALLOWED:
            raise ValidationError(gettext("医学材料审查未通过，不能登记审批完备"))
        case.approved_on = approved_on
        if not case.records_complete:
            cal = rules.calendar_for(case.programme)
            due, reason = _calendar_date(
                lambda: core.medical_records_due(rules.rulebook_for(case.programme), cal, approved_on)
            )
            case.records_due, case.records_reason = due, _provisional(reason, cal, approved_on, due)
            case.records_due_provisional = bool(case.records_reason["facts"]["provisional_years"])
        case.save(update_fields=["approved_on", "records_due", "records_due_provisional", "records_reason"])
        audit_record(
            actor=actor,
            action="casework.medical_approve",
            target=case,
            after={
                "approved_on": approved_on,
                "records_due": case.records_due,
                "records_due_provisional": case.records_due_provisional,
            },
        )
    return case


def medical_records_supplement(*, actor: Any, case: CaseFile, on: dt.date | None = None) -> CaseFile:
    on = _today(on)
    _require_handler(actor, case.prison, "casework.medical_records_supplement", case)
    with transaction.atomic():
        case = _lock(case)
        if case.records_due is None or case.records_supplemented_on is not None:
            raise ValidationError(gettext("该案件没有待补充的病历"))
        case.records_supplemented_on, case.records_complete = on, True
        case.save(update_fields=["records_supplemented_on", "records_complete"])
        audit_record(
            actor=actor,
            action="casework.medical_records_supplement",
            target=case,
            after={"on": on, "in_time": on <= case.records_due},
        )
    return case


# --- supervisors (山西 第八条（三）、第九条) ------------------------------------------------------------


def case_invite_supervisors(
    *,
    actor: Any,
    case: CaseFile,
    duty_on: dt.date,
    place: str,
    supervisors_needed: int = 1,
    hearing: bool = False,
    today: dt.date | None = None,
) -> Any:
    """Ask for supervisors to attend the case's review meeting or hearing through the existing duty
    request (then the bureau's draw); the duty is linked to the case, which opens it to them."""
    from jiandu.duties.models import DutyKind
    from jiandu.duties.services import DutyError, DutyRequestData, duty_request

    _require_handler(actor, case.prison, "casework.invite", case)
    if not case.significant:
        # 山西 第八条（三）: supervisors attend the review meetings and hearings of cases of significant
        # impact or public concern; the prison marks that when it opens the file.
        raise ValidationError(gettext("只有有重大影响或社会关注度较高的案件邀请监督员列席评审会议、旁听庭审"))
    kind = DutyKind.HEARING if hearing else DutyKind.REVIEW_MEETING
    title = gettext("{get_kind_display}案件{value}（案件 #{pk}）").format(
        get_kind_display=case.get_kind_display(),
        value=gettext("开庭审理") if hearing else gettext("评审会议"),
        pk=case.pk,
    )
    with transaction.atomic():
        try:
            duty = duty_request(
                actor=actor,
                data=DutyRequestData(
                    programme=case.programme,
                    kind=kind,
                    title=title,
                    duty_on=duty_on,
                    place=place,
                    supervisors_needed=supervisors_needed,
                    description=gettext("应邀列席减刑、假释、暂予监外执行案件评审会议或旁听庭审"),
                ),
                today=today,
            )
        except DutyError as exc:
            raise ValidationError(str(exc)) from exc
        case.duties.add(duty)
        audit_record(
            actor=actor, action="casework.invite", target=case, after={"duty": duty.pk, "duty_on": duty_on}
        )
    return duty


def observation_submit(*, actor: Any, case: CaseFile, text: str, today: dt.date | None = None) -> Observation:
    """What an invited supervisor observed becomes a finding on the existing opinion path."""
    from jiandu.findings.services import finding_create_from_duty

    today = _today(today)
    text = _need(text, gettext("观察意见"))
    with transaction.atomic():
        case = _lock(case)
        if case_role(actor, case) != SUPERVISOR:
            raise deny(
                actor,
                action="casework.observation_submit",
                reason=gettext("只有受邀列席的监督员可以提出"),
                target=case,
            )
        supervisor = actor.supervisor
        step = case.reviews.order_by("-order", "-sitting").first()
        obs = Observation.objects.create(case=case, step=step, supervisor=supervisor, text=text, date=today)
        finding = finding_create_from_duty(
            actor=actor,
            duty_record=obs,
            supervisor=supervisor,
            agency=case.prison,
            text=text,
            title=gettext("{get_kind_display}案件 #{pk} 列席意见").format(
                get_kind_display=case.get_kind_display(), pk=case.pk
            ),
            today=today,
        )
        obs.finding = finding
        obs.save(update_fields=["finding"])
        # A supervisor's finding is also an item on the prison's problem list (四（二）): the prison
        # names the responsible person and the deadline; the administration ticks it off.
        Problem.objects.create(
            prison=case.prison,
            source=ProblemSource.SUPERVISOR,
            source_ref=f"finding:{finding.pk}",
            title=gettext("监督员列席意见：{text}").format(text=text[:60]),
            description=text,
            found_on=today,
        )
        audit_record(
            actor=actor,
            action="casework.observation_submit",
            target=case,
            after={"observation": obs.pk, "finding": finding.pk},
        )
    return obs


# --- compliance records (三（二）5–9, 三（四）16) ------------------------------------------------------


def points_publication_record(
    *,
    actor: Any,
    prison: Organisation,
    year: int,
    month: int,
    published_on: dt.date,
    awards_copied_on: dt.date | None = None,
) -> PointsPublication:
    _require_handler(actor, prison, "casework.points_publish")
    programme = programme_for_prison(prison)
    due, _ = core.points_publish_due(rules.rulebook_for(programme), year, month)
    with transaction.atomic():
        row, _created = PointsPublication.objects.select_for_update().get_or_create(
            prison=prison, year=year, month=month, defaults={"due_on": due}
        )
        if row.published_on is not None:
            raise ValidationError(
                gettext("{year}年{month}月的考核结果已登记公布").format(year=year, month=month)
            )
        row.published_on, row.awards_copied_on, row.recorded_by = published_on, awards_copied_on, actor
        row.save()
        audit_record(
            actor=actor,
            action="casework.points_publish",
            target=row,
            after={
                "year": year,
                "month": month,
                "published_on": published_on,
                "due_on": due,
                "late": published_on > due,
            },
        )
    return row


def programme_for_prison(prison: Organisation) -> Programme:
    """The casework programme a prison falls under: the nearest one above it whose rulebook has review steps."""
    from jiandu.findings.selectors import ancestor_paths

    candidates = (
        Programme.objects.filter(organisation__path__in=ancestor_paths(prison.path), is_active=True)
        .select_related("organisation")
        .order_by("-organisation__depth", "id")
    )
    for p in candidates:
        if rules.rulebook_for(p).has_param("casework.review_steps", timezone.localdate()):
            return p
    raise ValidationError(gettext("该监狱没有适用狱务办案规则的监督项目"))


def isolation_start(*, actor: Any, prisoner: Prisoner, starts_on: dt.date) -> Isolation:
    _require_handler(actor, prisoner.prison, "casework.isolation_start")
    book = rules.rulebook_for(programme_for_prison(prisoner.prison))
    end, reason = core.isolation_end(book, starts_on, False)
    with transaction.atomic():
        if Isolation.objects.filter(prisoner=prisoner, ended_on__isnull=True).exists():
            raise ValidationError(gettext("该罪犯已在隔离审查中"))
        iso = Isolation.objects.create(
            prison=prisoner.prison, prisoner=prisoner, starts_on=starts_on, limit_on=end
        )
        audit_record(
            actor=actor,
            action="casework.isolation_start",
            target=iso,
            after={"prisoner": prisoner.number, "limit_on": end, "reason": reason.to_dict()},
        )
    return iso


def isolation_extend(*, actor: Any, isolation: Isolation) -> Isolation:
    """The administration approves the one extension (案情复杂、届满不能终结)."""
    _require_administration(actor, isolation.prison, "casework.isolation_extend", isolation)
    with transaction.atomic():
        iso = Isolation.objects.select_for_update(of=("self",)).select_related("prison").get(pk=isolation.pk)
        if iso.extended or iso.ended_on:
            raise ValidationError(gettext("只能延长一次，且须在隔离期间"))
        book = rules.rulebook_for(programme_for_prison(iso.prison))
        end, reason = core.isolation_end(book, iso.starts_on, True)
        before = {"limit_on": iso.limit_on}
        iso.extended, iso.extension_approved_by, iso.limit_on, iso.alerted_on = True, actor, end, None
        iso.save()
        audit_record(
            actor=actor,
            action="casework.isolation_extend",
            target=iso,
            before=before,
            after={"limit_on": end, "reason": reason.to_dict()},
        )
    return iso


def isolation_end_record(*, actor: Any, isolation: Isolation, ended_on: dt.date) -> Isolation:
    _require_handler(actor, isolation.prison, "casework.isolation_end", isolation)
    with transaction.atomic():
        iso = Isolation.objects.select_for_update(of=("self",)).select_related("prison").get(pk=isolation.pk)
        if iso.ended_on:
            raise ValidationError(gettext("隔离审查已结束"))
        iso.ended_on = ended_on
        iso.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action="casework.isolation_end",
            target=iso,
            after={"ended_on": ended_on, "within": ended_on <= iso.limit_on},
        )
    return iso


def trusty_approve(*, actor: Any, prisoner: Prisoner, post: str, approved_on: dt.date) -> Trusty:
    _require_handler(actor, prisoner.prison, "casework.trusty_approve")
    post = _need(post, gettext("岗位"))
    with transaction.atomic():
        Trusty.objects.filter(prisoner=prisoner, ended_on__isnull=True).update(ended_on=approved_on)
        t = Trusty.objects.create(
            prison=prisoner.prison, prisoner=prisoner, post=post[:60], approved_on=approved_on
        )
        audit_record(
            actor=actor,
            action="casework.trusty_approve",
            target=t,
            after={"prisoner": prisoner.number, "approved_on": approved_on},
        )
    return t


def trusty_evaluate(*, actor: Any, trusty: Trusty, on: dt.date) -> Trusty:
    _require_handler(actor, trusty.prison, "casework.trusty_evaluate", trusty)
    with transaction.atomic():
        t = Trusty.objects.select_for_update(of=("self",)).select_related("prison").get(pk=trusty.pk)
        before = {"evaluated_on": t.evaluated_on}
        t.evaluated_on = on
        t.save(update_fields=["evaluated_on"])
        audit_record(
            actor=actor,
            action="casework.trusty_evaluate",
            target=t,
            before=before,
            after={"evaluated_on": on},
        )
    return t


def grading_record(*, actor: Any, prisoner: Prisoner, level: str, assessed_on: dt.date) -> Grading:
    _require_handler(actor, prisoner.prison, "casework.grading_record")
    level = _need(level, gettext("处遇级别"))[:16]
    with transaction.atomic():
        g, _ = Grading.objects.update_or_create(
            prisoner=prisoner,
            defaults={"prison": prisoner.prison, "level": level, "assessed_on": assessed_on},
        )
        audit_record(
            actor=actor,
            action="casework.grading_record",
            target=g,
            after={"prisoner": prisoner.number, "assessed_on": assessed_on},
        )
    return g


def penalty_objection_record(
    *,
    actor: Any,
    prisoner: Prisoner,
    filed_on: dt.date,
    levels_done: int,
    concluded_on: dt.date | None = None,
) -> PenaltyObjection:
    _require_handler(actor, prisoner.prison, "casework.penalty_objection")
    with transaction.atomic():
        o = PenaltyObjection.objects.create(
            prison=prisoner.prison,
            prisoner=prisoner,
            filed_on=filed_on,
            levels_done=levels_done,
            concluded_on=concluded_on,
        )
        audit_record(
            actor=actor, action="casework.penalty_objection", target=o, after={"levels_done": levels_done}
        )
    return o


# --- problem list (四（二）（三）) ---------------------------------------------------------------------


def problem_create(
    *,
    actor: Any,
    prison: Organisation,
    title: str,
    description: str = "",
    responsible: str,
    due_on: dt.date,
    source: str = "",
    today: dt.date | None = None,
) -> Problem:
    """A problem recorded by the prison or the administration: responsible person and deadline required
    (责任到人、限定时间)."""
    today = _today(today)
    title = _need(title, gettext("问题"))[:160]
    responsible = _need(responsible, gettext("责任人"))[:60]
    if due_on < today:
        raise ValidationError(gettext("整改期限不能早于今天"))
    if is_handler_of(actor, prison):
        source = ProblemSource.PRISON
    elif is_administration_of(actor, prison):
        source = ProblemSource.ADMINISTRATION
    else:
        raise deny(
            actor, action="casework.problem_create", reason=gettext("只有本监狱或监狱管理局可以登记问题")
        )
    with transaction.atomic():
        p = Problem.objects.create(
            prison=prison,
            source=source,
            title=title,
            description=description.strip(),
            found_on=today,
            responsible=responsible,
            due_on=due_on,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="casework.problem_create",
            target=p,
            after={"title": title, "due_on": due_on, "responsible": responsible},
        )
    return p


def _lock_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update(of=("self",)).select_related("prison").get(pk=problem.pk)


def problem_assign(*, actor: Any, problem: Problem, responsible: str, due_on: dt.date) -> Problem:
    """A check's item gets its responsible person and deadline from the prison."""
    responsible = _need(responsible, gettext("责任人"))[:60]
    _require_handler(actor, problem.prison, "casework.problem_assign", problem)
    with transaction.atomic():
        p = _lock_problem(problem)
        if p.status == ProblemStatus.CLOSED:
            raise ValidationError(gettext("已销号"))
        before = {"responsible": p.responsible, "due_on": p.due_on}
        p.responsible, p.due_on = responsible, due_on
        p.save(update_fields=["responsible", "due_on"])
        audit_record(
            actor=actor,
            action="casework.problem_assign",
            target=p,
            before=before,
            after={"responsible": responsible, "due_on": due_on},
        )
    return p


def problem_rectify(*, actor: Any, problem: Problem, evidence: str, today: dt.date | None = None) -> Problem:
    today = _today(today)
    evidence = _need(evidence, gettext("整改情况及佐证"))
    _require_handler(actor, problem.prison, "casework.problem_rectify", problem)
    with transaction.atomic():
        p = _lock_problem(problem)
        if p.status != ProblemStatus.OPEN:
            raise ValidationError(gettext("只有整改中的问题可以报告整改"))
        if not p.responsible or p.due_on is None:
            raise ValidationError(gettext("请先明确责任人和整改期限"))
        p.status, p.evidence, p.rectified_on = ProblemStatus.RECTIFIED, evidence, today
        p.save(update_fields=["status", "evidence", "rectified_on"])
        audit_record(
            actor=actor,
            action="casework.problem_rectify",
            target=p,
            after={"status": p.status, "on_time": today <= p.due_on},
        )
    return p


def problem_verify(
    *, actor: Any, problem: Problem, accept: bool, note: str, today: dt.date | None = None
) -> Problem:
    """对账销号: the administration checks the evidence and ticks the item off, or sends it back."""
    today = _today(today)
    note = _need(note, gettext("核验意见"))
    _require_administration(actor, problem.prison, "casework.problem_verify", problem)
    with transaction.atomic():
        p = _lock_problem(problem)
        if p.status != ProblemStatus.RECTIFIED:
            raise ValidationError(gettext("只有已报告整改的问题可以核验"))
        p.verified_by, p.verification = actor, note
        if accept:
            p.status, p.closed_on = ProblemStatus.CLOSED, today
        else:
            p.status = ProblemStatus.OPEN
        p.save(update_fields=["verified_by", "verification", "status", "closed_on"])
        audit_record(
            actor=actor,
            action="casework.problem_verify",
            target=p,
            after={"status": p.status, "accepted": accept},
        )
    return p


# --- quarterly report (五（五）) -----------------------------------------------------------------------


def quarterly_figures(prison: Organisation, year: int, quarter: int) -> dict[str, Any]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = checks_quarter_end(year, quarter)
    cases = CaseFile.objects.filter(prison=prison, opened_on__range=(start, end))
    pubs = PointsPublication.objects.filter(prison=prison, due_on__range=(start, end))
    probs = Problem.objects.filter(prison=prison, found_on__range=(start, end))
    return {
        "period": [start.isoformat(), end.isoformat()],
        "cases_opened": cases.count(),
        "cases_proposed": cases.filter(status=CaseStatus.PROPOSED).count(),
        "cases_deferred": cases.filter(status=CaseStatus.DEFERRED).count(),
        "publications": pubs.count(),
        "publications_late": sum(1 for p in pubs if p.published_on is None or p.published_on > p.due_on),
        "problems_found": probs.count(),
        "problems_closed": probs.filter(status=ProblemStatus.CLOSED).count(),
    }


def quarterly_report_generate(
    *, actor: Any, prison: Organisation, year: int, quarter: int
) -> QuarterlyReport:
    """A draft generated from the data; the prison edits the text, then submits it."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(gettext("季度应为 1 至 4"))
    _require_handler(actor, prison, "casework.report_generate")
    book = rules.rulebook_for(programme_for_prison(prison))
    quarter_end = checks_quarter_end(year, quarter)
    try:
        due, _ = checks.quarterly_report_due(book, quarter_end + dt.timedelta(days=1))
    except ParameterNotStated:
        due = None
    figures = quarterly_figures(prison, year, quarter)
    text = gettext(
        "{name}{year}年第{quarter}季度执法规范化工作开展情况：新办减刑假释暂予监外执行案件{cases_opened}件（已提请{cases_proposed}件，暂缓{cases_deferred}件）；计分考核月度公布{publications}次，逾期{publications_late}次；查找问题{problems_found}个，已销号{problems_closed}个。"
    ).format(
        name=prison.name,
        year=year,
        quarter=quarter,
        cases_opened=figures["cases_opened"],
        cases_proposed=figures["cases_proposed"],
        cases_deferred=figures["cases_deferred"],
        publications=figures["publications"],
        publications_late=figures["publications_late"],
        problems_found=figures["problems_found"],
        problems_closed=figures["problems_closed"],
    )
    with transaction.atomic():
        r = (
            QuarterlyReport.objects.select_for_update()
            .filter(prison=prison, year=year, quarter=quarter)
            .first()
        )
        if r is not None and r.submitted_on:
            raise ValidationError(gettext("该季度报告已报送"))
        if r is None:
            r = QuarterlyReport(prison=prison, year=year, quarter=quarter)
        r.due_on, r.figures, r.text = due, figures, text
        r.save()
        audit_record(
            actor=actor,
            action="casework.report_generate",
            target=r,
            after={"year": year, "quarter": quarter, "figures": figures},
        )
    return r


def checks_quarter_end(year: int, quarter: int) -> dt.date:
    return add_months(dt.date(year, 3 * quarter - 2, 1), 3) - dt.timedelta(days=1)


def quarterly_report_edit(*, actor: Any, report: QuarterlyReport, text: str) -> QuarterlyReport:
    text = _need(text, gettext("报告正文"))
    _require_handler(actor, report.prison, "casework.report_edit", report)
    with transaction.atomic():
        r = QuarterlyReport.objects.select_for_update(of=("self",)).select_related("prison").get(pk=report.pk)
        if r.submitted_on:
            raise ValidationError(gettext("已报送的报告不能修改"))
        before = {"text_sha256": hashlib.sha256(r.text.encode()).hexdigest()}
        r.text = text
        r.save(update_fields=["text"])
        audit_record(
            actor=actor,
            action="casework.report_edit",
            target=r,
            before=before,
            after={"text_sha256": hashlib.sha256(text.encode()).hexdigest()},
        )
    return r


def quarterly_report_submit(
    *, actor: Any, report: QuarterlyReport, today: dt.date | None = None
) -> QuarterlyReport:
    today = _today(today)
    _require_handler(actor, report.prison, "casework.report_submit", report)
    with transaction.atomic():
        r = QuarterlyReport.objects.select_for_update(of=("self",)).select_related("prison").get(pk=report.pk)
        if r.submitted_on:
            raise ValidationError(gettext("已报送"))
        r.submitted_on, r.submitted_by = today, actor
        r.save(update_fields=["submitted_on", "submitted_by"])
        audit_record(
            actor=actor,
            action="casework.report_submit",
            target=r,
            after={
                "submitted_on": today,
                "due_on": r.due_on,
                "sha256": hashlib.sha256(r.text.encode()).hexdigest(),
            },
        )
    return r
