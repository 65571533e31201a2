"""Writes to the roster: appointment, renewal, replenishment, leaving, expiry, profile changes.

Every write is one transaction with one audit event whose target is the supervisor, so the
supervisor's timeline (selectors.supervisor_timeline) is the audit trail itself (issue #4 §10).
Rule values come from the programme's rulebook through jiandu.roster.rules.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from jiandu.audit.models import Outcome
from jiandu.audit.services import audit_record
from jiandu.core.crypto import lookup_hash
from jiandu.roster import rules
from jiandu.roster.models import (
    Announcement,
    AnnouncementKind,
    Appointment,
    AppointmentKind,
    Certificate,
    Departure,
    DepartureKind,
    EmployerChange,
    ProfileReport,
    Programme,
    Relationship,
    ReportKind,
    ReportStatus,
    Specialty,
    Supervisor,
    SupervisorStatus,
    TermEnd,
)
from jiandu.rules.identifiers import (
    id_number_birth_date,
    id_number_error,
    id_number_mask,
    mobile_error,
    mobile_mask,
    normalise_id_number,
)


class RosterError(Exception):
    """A request the roster refuses; the message is Chinese and shown as is."""


class RenewalRefused(RosterError):
    def __init__(self, decision: Any) -> None:
        self.decision = decision
        reasons = "；".join(f"{r.message}（{r.article}）" for r in decision.reasons)
        super().__init__(gettext("不予续聘：{reasons}").format(reasons=reasons))


PROFILE_FIELDS = (
    "full_name",
    "gender",
    "email",
    "education",
    "political_status",
    "employer",
    "position",
    "specialties",
    "district_id",
    "recommending_unit",
    "initial_training_on",
)


def supervisor_snapshot(s: Supervisor) -> dict[str, Any]:
    """What the audit trail keeps of a supervisor: never the plain identifiers."""
    return {
        "full_name": s.full_name,
        "status": s.status,
        "id_number": id_number_mask(s.id_number) if s.id_number else "",
        "employer": s.employer,
        "specialties": list(s.specialties or []),
        "district_id": s.district_id,
        "term_start": s.term_start,
        "term_end": s.term_end,
        "consecutive_terms": s.consecutive_terms,
        "certificate_no": s.certificate_no,
    }


def _check_specialties(values: list[str]) -> list[str]:
    valid = set(Specialty.values)
    bad = [v for v in values if v not in valid]
    if bad:
        raise RosterError(gettext("专业领域不在可选范围内：{value}").format(value="、".join(bad)))
    return list(dict.fromkeys(values))


@dataclass
class PersonData:
    """Who is being appointed (from an application, a form or an import row)."""

    full_name: str
    id_number: str
    phone: str = ""
    gender: str = ""
    email: str = ""
    education: str = ""
    political_status: str = ""
    employer: str = ""
    position: str = ""
    specialties: list[str] | None = None
    district_id: int | None = None
    recommending_unit: str = ""
    source: str = ""


def _apply_person(s: Supervisor, p: PersonData, *, today: dt.date) -> None:
    idn = normalise_id_number(p.id_number)
    error = id_number_error(idn, today=today)
    if error:
        raise RosterError(error)
    if p.phone and (perr := mobile_error(p.phone)):
        raise RosterError(perr)
    if not p.full_name.strip():
        raise RosterError(gettext("姓名不能为空"))
    s.full_name = p.full_name.strip()
    s.id_number = idn
    s.id_number_lookup = lookup_hash("id_number", idn)
    s.id_number_masked = id_number_mask(idn)
    s.birth_date = id_number_birth_date(idn)
    s.phone = p.phone.strip()
    s.phone_lookup = lookup_hash("phone", s.phone) if s.phone else ""
    s.phone_masked = mobile_mask(s.phone) if s.phone else ""
    s.gender = p.gender or ("男" if int(idn[16]) % 2 else "女")  # i18n: zh-only (the stored value)
    s.email = p.email
    s.education = p.education
    s.political_status = p.political_status
    s.employer = p.employer
    s.position = p.position
    s.specialties = _check_specialties(p.specialties or [])
    s.district_id = p.district_id
    s.recommending_unit = p.recommending_unit
    s.source = p.source


def certificate_number(programme: Programme, year: int) -> str:
    prefix = f"JD{programme.pk:02d}-{year}-"
    last = Certificate.objects.filter(number__startswith=prefix).aggregate(m=Max("number")).get("m")
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _issue_certificate(s: Supervisor, appointment: Appointment, *, on: dt.date) -> Certificate:
    cert = Certificate.objects.create(
        supervisor=s,
        appointment=appointment,
        number=certificate_number(s.programme, on.year),
        token=secrets.token_urlsafe(18),
        issued_on=on,
        valid_until=appointment.ends_on,
    )
    s.certificate_no = cert.number
    return cert


def _term(
    programme: Programme, *, kind: str, start: dt.date, on: dt.date, ends_on: dt.date | None = None
) -> tuple[dt.date, dict[str, Any]]:
    from jiandu.rules.terms import replenishment_term, term_end

    rb = rules.rulebook_for(programme)
    if not rb.has_param("term.years", on):
        # The rulebook sets no term (e.g. 宁夏 2020, an activity plan): the letter of appointment's end
        # date is recorded as given, and says so — never a guessed length.
        if ends_on is None or ends_on <= start:
            raise RosterError(
                gettext("《{title}》未规定聘期，请填写聘书载明的聘期截止日").format(title=rb.title)
            )
        return ends_on, {
            "code": "term.from_letter",
            "rulebook": rb.id,
            "article": "",
            "message": gettext("规则未规定聘期；按聘书载明至{isoformat}").format(
                isoformat=ends_on.isoformat()
            ),
            "facts": {"start": start.isoformat(), "end": ends_on.isoformat()},
        }
    if kind == AppointmentKind.REPLENISHMENT:
        if programme.cohort_end is None:
            raise RosterError(gettext("本项目尚无本届任期（请先完成一次聘任），无法补聘"))
        end, reason = replenishment_term(rb, start=start, cohort_end=programme.cohort_end, on=on)
    else:
        end, reason = term_end(rb, start=start, on=on)
    return end, rules.reason_dict(reason)


def supervisor_appoint(
    *,
    actor: Any,
    programme: Programme,
    person: PersonData,
    starts_on: dt.date,
    on: dt.date,
    kind: str = AppointmentKind.INITIAL,
    decision: dict[str, Any] | None = None,
    ends_on: dt.date | None = None,
) -> Supervisor:
    """Appoint one person: the supervisor, their first term (end date from the rulebook) and a
    certificate. A replenishment (补聘) ends with the cohort (山西 第六条（三）). `ends_on` is read only
    when the rulebook sets no term length: the end date the letter of appointment states."""
    lookup = lookup_hash("id_number", normalise_id_number(person.id_number))
    if Supervisor.objects.filter(
        programme=programme, id_number_lookup=lookup, status=SupervisorStatus.ACTIVE
    ).exists():
        raise RosterError(gettext("此人已是本项目在任监督员"))
    ends_on, term_reason = _term(programme, kind=kind, start=starts_on, on=on, ends_on=ends_on)
    rb = rules.rulebook_for(programme)
    with transaction.atomic():
        s = Supervisor(programme=programme, status=SupervisorStatus.ACTIVE)
        _apply_person(s, person, today=on)
        s.term_start, s.term_end, s.consecutive_terms = starts_on, ends_on, 1
        s.save()
        appointment = Appointment.objects.create(
            supervisor=s,
            kind=kind,
            term_no=1,
            starts_on=starts_on,
            ends_on=ends_on,
            term_reason=term_reason,
            decision=decision or {},
            rulebook_id=rb.id,
            rulebook_version=rb.version,
        )
        cert = _issue_certificate(s, appointment, on=on)
        s.save(update_fields=["certificate_no"])
        audit_record(
            actor=actor,
            action=f"supervisor.{'replenish' if kind == AppointmentKind.REPLENISHMENT else 'appoint'}",
            target=s,
            after={**supervisor_snapshot(s), "certificate": cert.number, "term_reason": term_reason},
        )
    return s


def current_appointment(s: Supervisor) -> Appointment | None:
    return s.appointments.filter(ended_on__isnull=True).order_by("-starts_on", "-id").first()


def renewal_check(*, supervisor: Supervisor, on: dt.date) -> Any:
    """The rules core's renewal decision (威海 2022 第五条, 万州 第七条: the cap on consecutive terms)."""
    from jiandu.rules.terms import renewal_decide

    rb = rules.rulebook_for(supervisor.programme)
    return renewal_decide(rb, consecutive_terms=supervisor.consecutive_terms, on=on)


def supervisor_renew(*, actor: Any, supervisor: Supervisor, on: dt.date) -> Supervisor:
    """续聘: a new term from the day after the current one ends. Refused (and the refusal audited,
    with the article) when the rulebook's cap on consecutive terms is reached."""
    from jiandu.rules.decision import ALLOWED, REVIEW

    s = supervisor
    if s.status != SupervisorStatus.ACTIVE:
        raise RosterError(gettext("只有在任监督员可以续聘"))
    decision = renewal_check(supervisor=s, on=on)
    if decision.outcome not in (ALLOWED, REVIEW):
        audit_record(
            actor=actor,
            action="supervisor.renew",
            target=s,
            outcome=Outcome.DENIED,
            after={"decision": decision.to_dict()},
        )
        raise RenewalRefused(decision)
    start = (s.term_end + dt.timedelta(days=1)) if s.term_end else on
    ends_on, term_reason = _term(s.programme, kind=AppointmentKind.RENEWAL, start=start, on=on)
    with transaction.atomic():
        before = supervisor_snapshot(s)
        previous = current_appointment(s)
        if previous is not None:
            previous.ended_on = s.term_end
            previous.end_kind = TermEnd.RENEWED
            previous.save(update_fields=["ended_on", "end_kind"])
        s.consecutive_terms += 1
        appointment = Appointment.objects.create(
            supervisor=s,
            kind=AppointmentKind.RENEWAL,
            term_no=s.consecutive_terms,
            starts_on=start,
            ends_on=ends_on,
            term_reason=term_reason,
            decision=decision.to_dict(),
            rulebook_id=decision.rulebook,
            rulebook_version=decision.rulebook_version,
        )
        s.term_start, s.term_end = start, ends_on
        cert = _issue_certificate(s, appointment, on=on)
        s.save(update_fields=["consecutive_terms", "term_start", "term_end", "certificate_no"])
        audit_record(
            actor=actor,
            action="supervisor.renew",
            target=s,
            before=before,
            after={**supervisor_snapshot(s), "certificate": cert.number, "decision": decision.to_dict()},
        )
    return s


def grounds_for(programme: Programme, *, on: dt.date) -> list[Any]:
    """Resignation first (open in every programme), then the rulebook's own grounds."""
    from jiandu.rules.dismissal import leaving_grounds

    return leaving_grounds(rules.rulebook_for(programme), on=on)


def _revoke_certificates(s: Supervisor, *, on: dt.date, reason: str) -> list[str]:
    numbers = []
    for cert in s.certificates.filter(revoked_on__isnull=True):
        cert.revoked_on, cert.revoked_reason = on, reason[:255]
        cert.save(update_fields=["revoked_on", "revoked_reason"])
        numbers.append(cert.number)
    return numbers


def supervisor_leave(
    *,
    actor: Any,
    supervisor: Supervisor,
    kind: str,
    ground_code: str,
    on: dt.date,
    note: str = "",
) -> Departure:
    """辞聘 / 解聘 / 免除资格 on a ground from the rulebook's list (each cited). The certificate is
    revoked; a public announcement is made where the rulebook asks (万州 第十九条, 威海 人民监督员
    第九条); the recommending unit is told (万州 第十八条)."""
    s = supervisor
    if kind not in DepartureKind.values:
        raise RosterError(gettext("离任方式无效"))
    if s.status == SupervisorStatus.ENDED:
        raise RosterError(gettext("该监督员已离任"))
    from jiandu.rules.dismissal import RESIGNED

    if kind == DepartureKind.RESIGNATION:
        # 辞聘 rests on the person's own request, never on a dismissal ground.
        if ground_code and ground_code != RESIGNED:
            raise RosterError(gettext("辞聘以本人申请为依据，不能选择解聘情形"))
        ground_code = RESIGNED
    grounds = {g.code: g for g in grounds_for(s.programme, on=on)}
    ground = grounds.get(ground_code)
    if ground is None:
        raise RosterError(gettext("请从本项目规则列明的情形中选择离任依据"))
    rb = rules.rulebook_for(s.programme)
    announce = rules.cited(rb, "dismissal.announce_publicly", on)
    kind_label = DepartureKind(kind).label
    with transaction.atomic():
        before = supervisor_snapshot(s)
        appointment = current_appointment(s)
        if appointment is not None:
            appointment.ended_on = on
            appointment.end_kind = {
                DepartureKind.RESIGNATION: TermEnd.RESIGNED,
                DepartureKind.DISMISSAL: TermEnd.DISMISSED,
                DepartureKind.DISQUALIFICATION: TermEnd.DISQUALIFIED,
            }[DepartureKind(kind)]
            appointment.save(update_fields=["ended_on", "end_kind"])
        basis = f"（{ground.article}）" if ground.article else ""
        revoked = _revoke_certificates(s, on=on, reason=f"{kind_label}：{ground.text}{basis}")
        s.status, s.ended_on = SupervisorStatus.ENDED, on
        s.save(update_fields=["status", "ended_on"])
        departure = Departure(
            supervisor=s,
            appointment=appointment,
            kind=kind,
            ground_code=ground.code,
            ground_article=ground.article,
            ground_text=ground.text,
            rulebook_id=rb.id,
            rulebook_version=rb.version,
            note=note,
            decided_on=on,
            recommending_unit=s.recommending_unit,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if announce is not None and announce.value:
            departure.announcement = Announcement.objects.create(
                programme=s.programme,
                kind=AnnouncementKind.DEPARTURE,
                title=gettext("关于{kind_label}{full_name}{name}的公告").format(
                    kind_label=kind_label, full_name=s.full_name, name=s.programme.name
                ),
                body=(
                    gettext(
                        "根据{value}（{text}），经研究决定，对{full_name}予以{kind_label}，自{on:%Y年%m月%d日}起不再担任{name}，收回其聘书及证件（编号：{value2}）。"
                    ).format(
                        value=ground.article or gettext("本人申请"),
                        text=ground.text,
                        full_name=s.full_name,
                        kind_label=kind_label,
                        on=on,
                        name=s.programme.name,
                        value2="、".join(revoked) or gettext("无"),
                    )
                ),
                article=announce.article,
                published_on=on,
            )
        if s.recommending_unit:
            departure.unit_notice = gettext(
                "{recommending_unit}：\n    贵单位推荐的{full_name}同志，因{text}{basis}，经研究，自{on:%Y年%m月%d日}起予以{kind_label}，特此告知。\n{name}"
            ).format(
                recommending_unit=s.recommending_unit,
                full_name=s.full_name,
                text=ground.text,
                basis=basis,
                on=on,
                kind_label=kind_label,
                name=s.programme.organisation.name,
            )
            departure.unit_notified_on = on
        departure.save()
        audit_record(
            actor=actor,
            action=f"supervisor.{kind}",
            target=s,
            before=before,
            after={
                **supervisor_snapshot(s),
                "ground": {"code": ground.code, "article": ground.article, "text": ground.text},
                "revoked": revoked,
                "announced": departure.announcement_id is not None,
                "unit_notified": bool(departure.unit_notice),
                "note": note,
            },
        )
    return departure


def terms_expire(*, on: dt.date, programme: Programme | None = None) -> int:
    """自然解聘 (万州 第七条): a term that ended without renewal ends the appointment by itself.
    Run daily (`jiandu roster expire`); each expiry is its own audited write."""
    qs = Supervisor.objects.filter(status=SupervisorStatus.ACTIVE, term_end__lt=on).select_related(
        "programme"
    )
    if programme is not None:
        qs = qs.filter(programme=programme)
    count = 0
    for s in qs:
        rb = rules.rulebook_for(s.programme)
        basis = rules.cited(rb, "term.expiry_ends_appointment", on) or rules.cited(rb, "term.years", on)
        with transaction.atomic():
            before = supervisor_snapshot(s)
            appointment = current_appointment(s)
            if appointment is not None:
                appointment.ended_on, appointment.end_kind = s.term_end, TermEnd.EXPIRED
                appointment.save(update_fields=["ended_on", "end_kind"])
            s.status, s.ended_on = SupervisorStatus.ENDED, s.term_end
            s.save(update_fields=["status", "ended_on"])
            audit_record(
                actor=None,
                actor_name="system",
                action="supervisor.expire",
                target=s,
                before=before,
                after={**supervisor_snapshot(s), "basis": rules.cited_dict(basis)},
            )
        count += 1
    return count


def supervisor_update_profile(*, actor: Any, supervisor: Supervisor, changes: dict[str, Any]) -> Supervisor:
    s = supervisor
    unknown = set(changes) - set(PROFILE_FIELDS) - {"phone", "address"}
    if unknown:
        raise RosterError(gettext("不能在此修改：{value}").format(value="、".join(sorted(unknown))))
    if "employer" in changes and changes["employer"] != s.employer:
        raise RosterError(gettext("工作单位变动请通过“登记工作单位变动”办理，以记录变动日期"))
    # A supervisor's name is who was appointed (it is on the certificate and the public roster): the
    # supervisor cannot change it from the phone; staff change it after checking the ID document.
    renamed = "full_name" in changes and changes["full_name"] != s.full_name
    if renamed and s.user_id and getattr(actor, "pk", None) == s.user_id:
        raise RosterError(gettext("姓名变更须由工作人员核对身份证件后办理"))
    if "specialties" in changes:
        changes["specialties"] = _check_specialties(list(changes["specialties"]))
    if "phone" in changes and changes["phone"] and (err := mobile_error(changes["phone"])):
        raise RosterError(err)
    with transaction.atomic():
        before = supervisor_snapshot(s)
        for name, value in changes.items():
            setattr(s, name, value)
        if "phone" in changes:
            s.phone_lookup = lookup_hash("phone", s.phone) if s.phone else ""
            s.phone_masked = mobile_mask(s.phone) if s.phone else ""
        s.save()
        audit_record(
            actor=actor,
            action="supervisor.update_profile",
            target=s,
            before=before,
            # The address itself is personal data: the trail says that it changed, not what it is.
            after={**supervisor_snapshot(s), **({"address_changed": True} if "address" in changes else {})},
        )
    return s


def employer_change_record(
    *, actor: Any, supervisor: Supervisor, new_employer: str, changed_on: dt.date, reported_on: dt.date
) -> EmployerChange:
    """A change of employer with its date; where the rulebook sets a reporting period
    (威海 人民监督员 第六条: 一个月内), the due date is kept so staff see who reported late."""
    s = supervisor
    if not new_employer.strip():
        raise RosterError(gettext("请填写新工作单位"))
    if reported_on < changed_on:
        raise RosterError(gettext("报告日期不能早于变动日期"))
    rb = rules.rulebook_for(s.programme)
    period = rules.cited(rb, "profile.change_report_months", changed_on)
    due = _add_months(changed_on, int(period.value)) if period else None
    with transaction.atomic():
        change = EmployerChange.objects.create(
            supervisor=s,
            old_employer=s.employer,
            new_employer=new_employer.strip(),
            changed_on=changed_on,
            reported_on=reported_on,
            report_due=due,
            due_reason=rules.cited_dict(period),
        )
        before = supervisor_snapshot(s)
        s.employer = change.new_employer
        s.save(update_fields=["employer"])
        audit_record(
            actor=actor,
            action="supervisor.employer_change",
            target=s,
            before=before,
            after={
                **supervisor_snapshot(s),
                "changed_on": changed_on,
                "reported_on": reported_on,
                "report_due": due,
                "late": change.is_late,
            },
        )
    return change


def _add_months(d: dt.date, months: int) -> dt.date:
    """The same day N months later (the last day of a shorter month): 民法典 第二百零二条."""
    import calendar

    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def relationship_add(
    *,
    actor: Any,
    supervisor: Supervisor,
    kind: str,
    name: str,
    organisation: Any = None,
    note: str = "",
    on: dt.date,
) -> Relationship:
    if not name.strip() and organisation is None:
        raise RosterError(gettext("请填写单位或人员名称"))
    with transaction.atomic():
        rel = Relationship.objects.create(
            supervisor=supervisor,
            kind=kind,
            name=name.strip(),
            organisation=organisation,
            note=note,
            declared_on=on,
        )
        audit_record(
            actor=actor,
            action="supervisor.relationship_add",
            target=supervisor,
            after={"kind": kind, "name": rel.name, "organisation_id": rel.organisation_id, "note": note},
        )
    return rel


def relationship_remove(*, actor: Any, relationship: Relationship) -> None:
    s = relationship.supervisor
    with transaction.atomic():
        before = {
            "kind": relationship.kind,
            "name": relationship.name,
            "organisation_id": relationship.organisation_id,
        }
        relationship.delete()
        audit_record(actor=actor, action="supervisor.relationship_remove", target=s, before=before)


def identifiers_reveal(*, actor: Any, supervisor: Supervisor) -> dict[str, str]:
    """The full 身份证号 and phone: needs VIEW_FULL_IDENTIFIERS within the actor's subtree; each field
    revealed is an audit event, and a refusal is a 403 with its own (jiandu.core.personal)."""
    from jiandu.core.personal import personal_reveal

    return {
        field: personal_reveal(actor=actor, obj=supervisor, field=field) for field in ("id_number", "phone")
    }


def initial_training_record(*, actor: Any, supervisor: Supervisor, on: dt.date) -> Supervisor:
    """Record initial training done outside Jiandu — only where the rulebook asks for no exam; where it
    does (威海 人民监督员 第二十二条第二款), the exam result is recorded in jiandu.training instead."""
    exam = rules.cited(rules.rulebook_for(supervisor.programme), "training.initial_exam_required", on)
    if exam is not None and exam.value:
        raise RosterError(
            gettext("初任培训结束后应当进行考核（{article}）：请在“培训”中登记考核成绩").format(
                article=exam.article
            )
        )
    with transaction.atomic():
        before = supervisor_snapshot(supervisor)
        supervisor.initial_training_on = on
        supervisor.save(update_fields=["initial_training_on"])
        audit_record(
            actor=actor,
            action="supervisor.initial_training",
            target=supervisor,
            before=before,
            after={**supervisor_snapshot(supervisor), "initial_training_on": on},
        )
    return supervisor


def programme_set_cohort(*, actor: Any, programme: Programme, start: dt.date, end: dt.date) -> None:
    with transaction.atomic():
        before = {"cohort_start": programme.cohort_start, "cohort_end": programme.cohort_end}
        programme.cohort_start, programme.cohort_end = start, end
        programme.save(update_fields=["cohort_start", "cohort_end"])
        audit_record(
            actor=actor,
            action="programme.cohort",
            target=programme,
            before=before,
            after={"cohort_start": start, "cohort_end": end},
        )


def roster_import_start(*, actor: Any, programme: Programme, upload: Any, dry_run: bool) -> Any:
    """Keep the uploaded spreadsheet and queue its import; the job row is what the progress page polls.
    The import itself writes its own audit event when it runs (jiandu.roster.excel.roster_import)."""
    from jiandu.roster.models import RosterImport
    from jiandu.roster.tasks import roster_import_task

    with transaction.atomic():
        job = RosterImport.objects.create(
            programme=programme, file=upload, filename=upload.name[:200], dry_run=dry_run, created_by=actor
        )
        audit_record(
            actor=actor,
            action="roster.import_start",
            target=programme,
            after={"import_id": job.pk, "filename": job.filename, "dry_run": dry_run},
        )
        transaction.on_commit(lambda: roster_import_task.enqueue(job.pk))
    return job


def programme_create(*, actor: Any, organisation: Any, name: str, kind: str, rulebook_id: str) -> Programme:
    """A new programme run by `organisation` (the actor's own or one below it) under a rulebook that
    loads and validates: a bureau starts its programme here, not in a shell."""
    from jiandu.accounts.roles import Capability
    from jiandu.core.permissions import capability_require, deny
    from jiandu.roster.models import ProgrammeKind
    from jiandu.rules.rulebook import RulebookError, load_rulebook

    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="programme.create")
    if actor.organisation_id is None or not organisation.path.startswith(actor.organisation.path):
        raise deny(actor, action="programme.create", reason=gettext("只能为本单位或下级单位设立监督项目"))
    name = name.strip()
    if not name:
        raise RosterError(gettext("请填写项目名称"))
    if kind not in ProgrammeKind.values:
        raise RosterError(gettext("项目类型无效"))
    try:
        load_rulebook(rulebook_id)
    except RulebookError as exc:
        raise RosterError(gettext("适用规则无效：{exc}").format(exc=exc)) from exc
    if Programme.objects.filter(organisation=organisation, name=name).exists():
        raise RosterError(gettext("{name}已有名为“{name2}”的项目").format(name=organisation.name, name2=name))
    with transaction.atomic():
        programme = Programme(name=name, kind=kind, organisation=organisation, rulebook_id=rulebook_id)
        programme.full_clean()
        programme.save()
        audit_record(
            actor=actor,
            action="programme.create",
            target=programme,
            after={"name": name, "kind": kind, "organisation": organisation.pk, "rulebook": rulebook_id},
        )
    return programme


# --- what a supervisor reports on the phone (issue 12) --------------------------------------------


def _own(actor: Any, supervisor: Supervisor, action: str) -> None:
    from jiandu.core.permissions import deny

    if getattr(getattr(actor, "supervisor", None), "pk", None) != supervisor.pk:
        raise deny(actor, action=action, reason=gettext("只能办理本人的事项"), target=supervisor)


def _tell_bureau(supervisor: Supervisor, subject: str, body: str) -> None:
    from django.urls import reverse

    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.notifications.services import INBOX, notification_send

    admins = User.objects.filter(
        organisation=supervisor.programme.organisation, role=Role.PROGRAMME_ADMIN, is_active=True
    )
    notification_send(
        recipients=list(admins),
        subject=subject,
        body=body,
        link=reverse("roster:supervisor", args=[supervisor.pk]),
        channels=(INBOX,),
        kind="supervisor.report",
        audit=False,
    )


def supervisor_report_change(
    *, actor: Any, supervisor: Supervisor, posts: list[str], records: list[str], text: str, on: dt.date
) -> ProfileReport:
    """A change that may bear on eligibility (a new post, a new record), sent to the bureau for review
    with the rulebook's criteria it touches (each with its article)."""
    s = supervisor
    _own(actor, s, "supervisor.report_change")
    text = text.strip()
    if not (posts or records or text):
        raise RosterError(gettext("请勾选变动情形或说明变动情况"))
    criteria = rules.change_criteria(rules.rulebook_for(s.programme), posts=posts, records=records, on=on)
    with transaction.atomic():
        report = ProfileReport.objects.create(
            supervisor=s, kind=ReportKind.ELIGIBILITY, text=text, criteria=criteria, submitted_on=on
        )
        _tell_bureau(
            s,
            gettext("{full_name}报告了可能影响任职资格的变动").format(full_name=s.full_name),
            text or "；".join(c["text"] for c in criteria),
        )
        audit_record(
            actor=actor,
            action="supervisor.report_change",
            target=s,
            after={"report": report.pk, "posts": posts, "records": records, "criteria": criteria},
        )
    return report


def supervisor_request_resignation(
    *, actor: Any, supervisor: Supervisor, text: str, on: dt.date
) -> ProfileReport:
    """The supervisor asks to resign; the bureau records the 辞聘 (supervisor_leave) after review."""
    s = supervisor
    _own(actor, s, "supervisor.request_resignation")
    if s.status != SupervisorStatus.ACTIVE:
        raise RosterError(gettext("只有在任的监督员可以申请辞聘"))
    if s.reports.filter(kind=ReportKind.RESIGNATION, status=ReportStatus.PENDING).exists():
        raise RosterError(gettext("已提交辞聘申请，正在等待审查"))
    with transaction.atomic():
        report = ProfileReport.objects.create(
            supervisor=s, kind=ReportKind.RESIGNATION, text=text.strip(), submitted_on=on
        )
        _tell_bureau(s, gettext("{full_name}申请辞聘").format(full_name=s.full_name), text.strip())
        audit_record(
            actor=actor, action="supervisor.request_resignation", target=s, after={"report": report.pk}
        )
    return report


def profile_report_review(*, actor: Any, report: ProfileReport, outcome: str, on: dt.date) -> ProfileReport:
    from jiandu.accounts.roles import Capability
    from jiandu.core.permissions import capability_require, deny

    capability_require(actor, Capability.MANAGE_PROGRAMMES, action="supervisor.report_review")
    with transaction.atomic():
        report = (
            ProfileReport.objects.select_for_update(of=("self",))
            .select_related("supervisor__programme__organisation")
            .get(pk=report.pk)
        )
        if not report.supervisor.programme.organisation.path.startswith(actor.organisation.path):
            raise deny(
                actor, action="supervisor.report_review", reason=gettext("不是本单位的项目"), target=report
            )
        if report.status != ReportStatus.PENDING:
            raise RosterError(gettext("该事项已审查"))
        if not outcome.strip():
            raise RosterError(gettext("请填写审查意见"))
        report.status, report.reviewed_by, report.reviewed_on = ReportStatus.REVIEWED, actor, on
        report.outcome = outcome.strip()
        report.save(update_fields=["status", "reviewed_by", "reviewed_on", "outcome"])
        audit_record(
            actor=actor,
            action="supervisor.report_review",
            target=report.supervisor,
            after={"report": report.pk, "kind": report.kind, "outcome": report.outcome},
        )
    return report
