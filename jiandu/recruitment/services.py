"""The recruitment round, step by step (issue #4 §2–5). Each write: one transaction, one audit event.

announce (round_create → round_publish) → applications (application_submit) → screening by the rules
core (application_evaluate) and a reviewer (application_review) → public notice (notice_publish) with
objections (objection_submit / objection_investigate / objection_resolve) → appointment (round_appoint).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.core.crypto import lookup_hash
from jiandu.core.untrusted import MAX_PUBLIC_TEXT, upload_clean
from jiandu.recruitment.models import (
    UNRESOLVED_OBJECTIONS,
    Application,
    ApplicationStatus,
    Attachment,
    Channel,
    Objection,
    ObjectionStatus,
    PublicNotice,
    Round,
    RoundStatus,
)
from jiandu.roster import rules
from jiandu.roster.models import Announcement, AnnouncementKind, AppointmentKind, Programme, SupervisorStatus
from jiandu.roster.services import PersonData, programme_set_cohort, supervisor_appoint
from jiandu.rules.calendar import add_months
from jiandu.rules.catalogue import EDUCATION_LEVELS
from jiandu.rules.identifiers import (
    id_number_birth_date,
    id_number_error,
    mobile_error,
    normalise_id_number,
)
from jiandu.workdays.services import programme_calendar

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_KINDS = frozenset({"pdf", "jpeg", "png", "webp", "doc", "docx"})


class RecruitmentError(Exception):
    """A step the rules or the round's state do not allow; the message is Chinese and shown as is."""


def new_receipt(prefix: str) -> str:
    return prefix + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def _round_snapshot(r: Round) -> dict[str, Any]:
    return {
        "title": r.title,
        "status": r.status,
        "quota": r.quota,
        "applications_open": r.applications_open,
        "applications_close": r.applications_close,
        "recruitment_starts_on": r.recruitment_starts_on,
        "term_start": r.term_start,
        "term_end": r.term_end,
    }


# --- the announcement ---------------------------------------------------------------------------


def round_terms(
    *, programme: Programme, term_start: dt.date, replenishment: bool, on: dt.date
) -> tuple[dt.date, dict[str, Any]]:
    from jiandu.rules.terms import replenishment_term, term_end

    rb = rules.rulebook_for(programme)
    if replenishment:
        if programme.cohort_end is None:
            raise RecruitmentError(gettext("本项目尚无本届任期，不能补聘；请发布聘任公告"))
        end, reason = replenishment_term(rb, start=term_start, cohort_end=programme.cohort_end, on=on)
    else:
        end, reason = term_end(rb, start=term_start, on=on)
    return end, rules.reason_dict(reason)


def size_bounds(programme: Programme, on: dt.date) -> dict[str, Any]:
    """The roster's size bounds where the rulebook sets them (山西 第六条（一）: 5–10)."""
    rb = rules.rulebook_for(programme)
    return {
        "min": rules.cited(rb, "roster.min_size", on),
        "max": rules.cited(rb, "roster.max_size", on),
    }


def round_create(
    *,
    actor: Any,
    programme: Programme,
    title: str,
    quota: int,
    applications_open: dt.date,
    applications_close: dt.date,
    recruitment_starts_on: dt.date,
    term_start: dt.date,
    on: dt.date,
    replenishment: bool = False,
) -> Round:
    """A draft announcement: conditions generated from the rulebook with their articles, and the
    term from the rulebook (or the cohort's end for a 补聘)."""
    if quota < 1:
        raise RecruitmentError(gettext("拟聘名额至少为1人"))
    if applications_close < applications_open:
        raise RecruitmentError(gettext("报名截止日期不能早于报名开始日期"))
    if term_start < applications_close:
        raise RecruitmentError(gettext("任期开始日期应在报名截止之后"))
    rb = rules.rulebook_for(programme)
    bounds = size_bounds(programme, on)
    active = programme.supervisors.filter(status=SupervisorStatus.ACTIVE).count()
    if bounds["max"] is not None:
        keep = active if replenishment else 0
        if keep + quota > bounds["max"].value:
            raise RecruitmentError(
                gettext("拟聘名额{quota}人{value}超过名额上限{value2}人（{article}）").format(
                    quota=quota,
                    value=gettext("加现有") + str(active) + gettext("人") if replenishment else "",
                    value2=bounds["max"].value,
                    article=bounds["max"].article,
                )
            )
    term_end, term_reason = round_terms(
        programme=programme, term_start=term_start, replenishment=replenishment, on=on
    )
    conditions = rules.announcement_conditions(rb, on)
    procedure = gettext(
        "报名方式：个人自荐（在本网站在线填写报名表，提交后获得受理编号，可凭编号查询审查结果）、"
        "单位推荐、定向邀请。\n程序：资格审查 → 拟聘人选向社会公示 → 公示无异议后聘任，颁发聘书和证件，并向社会公告。"
    )
    with transaction.atomic():
        r = Round.objects.create(
            programme=programme,
            title=title.strip()
            or gettext("{name}{value}公告").format(
                name=programme.name, value=gettext("补聘") if replenishment else gettext("聘任")
            ),
            quota=quota,
            conditions=conditions,
            procedure=procedure,
            applications_open=applications_open,
            applications_close=applications_close,
            recruitment_starts_on=recruitment_starts_on,
            term_start=term_start,
            term_end=term_end,
            term_reason=term_reason,
            is_replenishment=replenishment,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="round.create", target=r, after=_round_snapshot(r))
    return r


def publish_timing(r: Round, on: dt.date) -> dict[str, Any]:
    """山西 第六条（二）: the announcement goes out one month before recruitment starts."""
    rb = rules.rulebook_for(r.programme)
    ahead = rules.cited(rb, "recruitment.announce_months_ahead", on)
    if ahead is None:
        return {}
    latest = add_months(r.recruitment_starts_on, -int(ahead.value))
    return {
        "latest": latest.isoformat(),
        "ok": on <= latest,
        "article": ahead.article,
        "rulebook": ahead.rulebook,
        "message": gettext(
            "应在聘任工作开始（{isoformat}）前{value}个月，即{isoformat2}前发布聘任公告"
        ).format(
            isoformat=r.recruitment_starts_on.isoformat(), value=ahead.value, isoformat2=latest.isoformat()
        ),
    }


def announcement_period(r: Round, on: dt.date) -> dict[str, Any]:
    """The announcement stays up at least N working days (人民监督员选任管理办法 第十二条: 公告期不少于
    二十个工作日): published on `on` (not counted), applications may close no earlier than the N-th
    working day after it. Empty where the rulebook sets no such period."""
    rb = rules.rulebook_for(r.programme)
    days = rules.cited(rb, "recruitment.announcement_min_working_days", on)
    if days is None:
        return {}
    result = programme_calendar(r.programme).add_working_days_result(on, int(days.value))
    note = f"（{result.note}）" if result.provisional else ""
    return {
        "earliest_close": result.date.isoformat(),
        "ok": r.applications_close >= result.date,
        "article": rules.article_label(days, rb.id),
        "rulebook": days.rulebook,
        "message": gettext(
            "公告期不少于{value}个工作日：{isoformat}发布的，报名截止不得早于{isoformat2}{note}"
        ).format(value=days.value, isoformat=on.isoformat(), isoformat2=result.date.isoformat(), note=note),
    }


def round_publish(*, actor: Any, round: Round, on: dt.date) -> Round:
    r = round
    if r.status != RoundStatus.DRAFT:
        raise RecruitmentError(gettext("该公告已发布"))
    timing = publish_timing(r, on)
    if timing and not timing["ok"]:
        raise RecruitmentError(
            gettext("发布过晚：{message}（{article}）。请推迟聘任工作开始日期。").format(
                message=timing["message"], article=timing["article"]
            )
        )
    period = announcement_period(r, on)
    if period and not period["ok"]:
        raise RecruitmentError(
            gettext(
                "公告期不足：{message}（{article}），而报名截止为{isoformat}。请推迟报名截止日期。"
            ).format(
                message=period["message"],
                article=period["article"],
                isoformat=r.applications_close.isoformat(),
            )
        )
    with transaction.atomic():
        r.status, r.published_on, r.timing_reason = RoundStatus.PUBLISHED, on, timing
        r.save(update_fields=["status", "published_on", "timing_reason"])
        audit_record(
            actor=actor, action="round.publish", target=r, after={**_round_snapshot(r), "timing": timing}
        )
    return r


# --- applications -------------------------------------------------------------------------------


def _clean_person(data: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = str(data.get("full_name", "")).strip()
    if not name:
        errors["full_name"] = gettext("请填写姓名")
    elif len(name) > 60:
        errors["full_name"] = gettext("姓名不超过 60 字")
    if len(str(data.get("statement", ""))) > MAX_PUBLIC_TEXT:
        errors["statement"] = gettext("个人简介及报名理由不超过 {MAX_PUBLIC_TEXT} 字").format(
            MAX_PUBLIC_TEXT=MAX_PUBLIC_TEXT
        )
    idn = normalise_id_number(str(data.get("id_number", "")))
    if err := id_number_error(idn, today=today):
        errors["id_number"] = err
    phone = str(data.get("phone", "")).strip()
    if err := mobile_error(phone):
        errors["phone"] = err
    education = str(data.get("education", ""))
    if education not in EDUCATION_LEVELS:
        errors["education"] = gettext("请选择文化程度")
    if errors:
        raise ApplicationInvalid(errors)
    return {**data, "full_name": name, "id_number": idn, "phone": phone}


class ApplicationInvalid(RecruitmentError):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("；".join(errors.values()))


def application_submit(
    *,
    actor: Any,
    round: Round,
    channel: str,
    data: dict[str, Any],
    on: dt.date,
    files: list[Any] | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """Self-recommendation from the public form (no account), or a unit recommendation / directed
    invitation entered by staff. The rules core evaluates it at once; the applicant gets a receipt.
    `at` (default now) lets a record of an earlier application keep its real time; never in the future."""
    r = round
    if channel not in Channel.values:
        raise RecruitmentError(gettext("报名方式无效"))
    staff = getattr(actor, "is_authenticated", False)
    if channel == Channel.SELF:
        if r.status != RoundStatus.PUBLISHED:
            raise RecruitmentError(gettext("该批次当前不接受报名"))
        if not (r.applications_open <= on <= r.applications_close):
            raise RecruitmentError(
                gettext("报名时间为{isoformat}至{isoformat2}，当前不在报名期内").format(
                    isoformat=r.applications_open.isoformat(), isoformat2=r.applications_close.isoformat()
                )
            )
    elif not staff:
        raise RecruitmentError(gettext("单位推荐和定向邀请由工作人员录入"))
    elif r.status not in (RoundStatus.PUBLISHED, RoundStatus.DRAFT):
        raise RecruitmentError(gettext("该批次已进入公示或聘任阶段，不能再录入报名"))
    clean = _clean_person(data, today=on)
    if channel == Channel.UNIT and not str(clean.get("recommending_unit", "")).strip():
        raise ApplicationInvalid({"recommending_unit": gettext("单位推荐须填写推荐单位")})
    lookup = lookup_hash("id_number", clean["id_number"])
    if Application.objects.filter(round=r, id_number_lookup=lookup).exists():
        raise ApplicationInvalid({"id_number": gettext("该身份证号已在本批次报名，请凭受理编号查询")})
    # The type is sniffed from the bytes (a name says nothing); pictures are re-encoded with a pixel
    # limit; everything is stored under a random name (jiandu.core.untrusted).
    cleaned = []
    for f in files or []:
        try:
            cleaned.append(upload_clean(f, allowed=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES))
        except ValidationError as exc:
            raise ApplicationInvalid({"attachments": "；".join(exc.messages)}) from exc
    with transaction.atomic():
        app = Application.objects.create(
            round=r,
            receipt_no=new_receipt("BM"),
            channel=channel,
            full_name=clean["full_name"],
            gender=clean.get("gender", "")
            or ("男" if int(clean["id_number"][16]) % 2 else "女"),  # i18n: zh-only (the stored value)
            id_number=clean["id_number"],
            id_number_lookup=lookup,
            birth_date=id_number_birth_date(clean["id_number"]),
            phone=clean["phone"],
            phone_lookup=lookup_hash("phone", clean["phone"]),
            email=clean.get("email", ""),
            education=clean["education"],
            political_status=clean.get("political_status", ""),
            employer=clean.get("employer", ""),
            position=clean.get("position", ""),
            specialties=list(clean.get("specialties") or []),
            district_id=clean.get("district_id"),
            declarations={
                "nationality": clean.get("nationality", "CN"),
                "records": sorted(clean.get("records") or []),
                "posts": sorted(clean.get("posts") or []),
            },
            statement=clean.get("statement", ""),
            recommending_unit=str(clean.get("recommending_unit", "")).strip(),
            entered_by=actor if staff else None,
        )
        if at is not None and at < app.submitted_at:  # submitted_at is set on create, to now
            app.submitted_at = at
            app.save(update_fields=["submitted_at"])
        for c in cleaned:
            Attachment.objects.create(application=app, file=c.content, name=c.original_name)
        _evaluate(app, on=on)
        audit_record(
            actor=actor,
            action="application.submit",
            target=app,
            actor_name="" if staff else "public",
            after={
                "receipt_no": app.receipt_no,
                "channel": channel,
                "outcome": app.outcome,
                "attachments": len(files or []),
            },
        )
    return app


def _evaluate(app: Application, *, on: dt.date) -> None:
    from jiandu.rules.eligibility import eligibility_decide, person_from_dict

    rb = rules.rulebook_for(app.round.programme)
    person = person_from_dict(
        {
            "id_number": app.id_number,
            "education": app.education,
            "nationality": app.declarations.get("nationality") or None,
            # Absent (not declared) stays None: the core then asks a person to check, never reads "none".
            "records": app.declarations.get("records"),
            "posts": app.declarations.get("posts"),
            "name": app.full_name,
        }
    )
    decision = eligibility_decide(rb, person, on=on)
    app.decision = decision.to_dict()
    app.rulebook_id, app.rulebook_version = rb.id, rb.version
    app.evaluated_at = timezone.now()
    app.status = ApplicationStatus.SCREENED
    app.save(update_fields=["decision", "rulebook_id", "rulebook_version", "evaluated_at", "status"])


def application_evaluate(*, actor: Any, application: Application, on: dt.date) -> Application:
    """Evaluate again (e.g. after the rulebook changed); the previous decision goes to the audit trail."""
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENED):
        raise RecruitmentError(gettext("已复核的报名不能重新初审"))
    with transaction.atomic():
        before = {"decision": application.decision}
        _evaluate(application, on=on)
        audit_record(
            actor=actor,
            action="application.evaluate",
            target=application,
            before=before,
            after={"decision": application.decision},
        )
    return application


def application_review(
    *,
    actor: Any,
    application: Application,
    approve: bool,
    criteria: str,
    rejection_reason: str = "",
    at: dt.datetime | None = None,
) -> Application:
    """The reviewer's judgement: criteria recorded; a rejection keeps its reason, which the applicant
    sees by receipt number. An application the rules core found ineligible cannot be approved.
    `at` (default now) records an earlier review at its real time; never in the future, never before
    the application."""
    from jiandu.rules.decision import INELIGIBLE

    app = application
    if app.status != ApplicationStatus.SCREENED:
        raise RecruitmentError(gettext("该报名不在待复核状态"))
    if not criteria.strip():
        raise RecruitmentError(gettext("请填写审查标准及意见"))
    if approve and app.outcome == INELIGIBLE:
        raise RecruitmentError(gettext("规则审查结果为不符合条件，不能审查通过"))
    if not approve and not rejection_reason.strip():
        if app.outcome == INELIGIBLE:
            rejection_reason = "；".join(f"{r['message']}（{r['article']}）" for r in failed_reasons(app))
        if not rejection_reason.strip():
            raise RecruitmentError(gettext("不予通过须填写理由（报名人可凭受理编号查看）"))
    with transaction.atomic():
        app.status = ApplicationStatus.SHORTLISTED if approve else ApplicationStatus.REJECTED
        app.review_criteria = criteria.strip()
        app.rejection_reason = "" if approve else rejection_reason.strip()
        app.reviewed_by = actor
        now = timezone.now()
        app.reviewed_at = now if at is None else max(min(at, now), app.submitted_at)
        app.save(
            update_fields=["status", "review_criteria", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
        audit_record(
            actor=actor,
            action="application.review",
            target=app,
            after={
                "status": app.status,
                "criteria": app.review_criteria,
                "rejection_reason": app.rejection_reason,
            },
        )
    return app


def failed_reasons(app: Application) -> list[dict[str, Any]]:
    """The reasons an application is ineligible (the core lists only the failed checks then)."""
    from jiandu.rules.decision import INELIGIBLE

    return list(app.decision.get("reasons", [])) if app.outcome == INELIGIBLE else []


# --- the public notice (公示) and objections ------------------------------------------------------


def notice_period(programme: Programme, starts_on: dt.date) -> tuple[dt.date | None, dict[str, Any]]:
    """The earliest end of the notice (万州 第六条（二）: 不少于5个工作日), or None where the rulebook
    sets no period (staff then choose the end date)."""
    rb = rules.rulebook_for(programme)
    days = rules.cited(rb, "recruitment.notice_min_working_days", starts_on)
    if days is None:
        return None, {}
    result = programme_calendar(programme).add_working_days_result(starts_on, int(days.value))
    end = result.date
    # An end in a year whose holiday notice is not loaded is provisional (暂定) and says so.
    note = f"（{result.note}）" if result.provisional else ""
    return end, {
        **days.to_dict(),
        "message": gettext("公示期不少于{value}个工作日：{isoformat}发布，{isoformat2}期满{note}").format(
            value=days.value, isoformat=starts_on.isoformat(), isoformat2=end.isoformat(), note=note
        ),
        "min_end": end.isoformat(),
        "provisional": result.provisional,
        "provisional_years": list(result.provisional_years),
    }


def notice_publish(
    *, actor: Any, round: Round, on: dt.date, ends_on: dt.date | None = None, body: str = ""
) -> PublicNotice:
    r = round
    order = recruitment_order(r.programme, on)
    if order is not None and order.value == APPOINT_THEN_PUBLICISE:
        raise RecruitmentError(
            gettext("本项目规则先聘任、后公示（{article}）：审查合格后直接聘任，聘任名单即向社会公示").format(
                article=order.article
            )
        )
    if r.status != RoundStatus.PUBLISHED:
        raise RecruitmentError(gettext("只有已发布、尚未公示的批次可以发布公示"))
    if on <= r.applications_close:
        # A notice closes the round to applicants; publishing it while people may still apply would
        # turn them away unannounced.
        raise RecruitmentError(
            gettext("报名截止日期为{isoformat}，报名期内不能发布拟聘人选公示；请在报名截止后发布").format(
                isoformat=r.applications_close.isoformat()
            )
        )
    shortlist = list(r.applications.filter(status=ApplicationStatus.SHORTLISTED))
    if not shortlist:
        raise RecruitmentError(gettext("没有审查通过的拟聘人选"))
    if len(shortlist) > r.quota:
        raise RecruitmentError(
            gettext("拟聘人选{count}人，超过拟聘名额{quota}人").format(count=len(shortlist), quota=r.quota)
        )
    min_end, reason = notice_period(r.programme, on)
    if min_end is not None:
        if ends_on is not None and ends_on < min_end:
            raise RecruitmentError(
                gettext("公示期过短：{message}（{article}）").format(
                    message=reason["message"], article=reason["article"]
                )
            )
        ends_on = ends_on or min_end
    elif ends_on is None or ends_on <= on:
        raise RecruitmentError(gettext("本项目规则未规定公示期，请填写公示截止日期"))
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            round=r,
            starts_on=on,
            ends_on=ends_on,
            # Provisional only when the end is the computed minimum in a year without a loaded notice.
            ends_provisional=bool(reason.get("provisional")) and ends_on == min_end,
            period_reason=reason,
            body=body
            or gettext(
                "经资格审查，拟聘任以下{count}名同志为{name}，现予公示。公示期间，任何单位和个人对拟聘人选有异议的，可在本页提出。"
            ).format(count=len(shortlist), name=r.programme.name),
        )
        r.applications.filter(status=ApplicationStatus.SHORTLISTED).update(status=ApplicationStatus.IN_NOTICE)
        r.status = RoundStatus.NOTICE
        r.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="notice.publish",
            target=r,
            after={
                "starts_on": on,
                "ends_on": ends_on,
                "period": reason,
                "shortlist": [a.receipt_no for a in shortlist],
            },
        )
    return notice


def objection_submit(
    *,
    notice: PublicNotice,
    application: Application,
    text: str,
    name: str = "",
    contact: str = "",
    on: dt.date,
) -> Objection:
    """An objection from the public, during the notice period, against one shortlisted person."""
    if not (notice.starts_on <= on <= notice.ends_on):
        raise RecruitmentError(
            gettext("公示期为{isoformat}至{isoformat2}，当前不在公示期内").format(
                isoformat=notice.starts_on.isoformat(), isoformat2=notice.ends_on.isoformat()
            )
        )
    application.refresh_from_db(fields=["status"])
    if application.round_id != notice.round_id or application.status != ApplicationStatus.IN_NOTICE:
        raise RecruitmentError(gettext("请选择本公示中的拟聘人选"))
    if len(text.strip()) < 5:
        raise RecruitmentError(gettext("请写明异议的事实和理由"))
    if len(text) > MAX_PUBLIC_TEXT or len(name) > 60 or len(contact) > 60:
        raise RecruitmentError(
            gettext("异议的事实和理由不超过 {MAX_PUBLIC_TEXT} 字，姓名和联系方式各不超过 60 字").format(
                MAX_PUBLIC_TEXT=MAX_PUBLIC_TEXT
            )
        )
    with transaction.atomic():
        obj = Objection.objects.create(
            notice=notice,
            application=application,
            receipt_no=new_receipt("YY"),
            text=text.strip(),
            submitter_name=name.strip()[:60],
            submitter_contact=contact.strip(),
        )
        audit_record(
            actor=None,
            actor_name="public",
            action="objection.submit",
            target=application,
            after={"receipt_no": obj.receipt_no},
        )
    return obj


def objection_investigate(*, actor: Any, objection: Objection, investigation: str) -> Objection:
    if objection.status not in UNRESOLVED_OBJECTIONS:
        raise RecruitmentError(gettext("该异议已处理完毕"))
    if not investigation.strip():
        raise RecruitmentError(gettext("请填写核查情况"))
    with transaction.atomic():
        objection.status, objection.investigation = ObjectionStatus.INVESTIGATING, investigation.strip()
        objection.save(update_fields=["status", "investigation"])
        audit_record(
            actor=actor,
            action="objection.investigate",
            target=objection.application,
            after={"objection": objection.receipt_no, "investigation": objection.investigation},
        )
    return objection


def objection_resolve(
    *, actor: Any, objection: Objection, upheld: bool, resolution: str, investigation: str = ""
) -> Objection:
    """An upheld objection blocks that appointment; a dismissed one releases it."""
    if objection.status not in UNRESOLVED_OBJECTIONS:
        raise RecruitmentError(gettext("该异议已处理完毕"))
    if not resolution.strip():
        raise RecruitmentError(gettext("请填写处理结果"))
    with transaction.atomic():
        if investigation.strip():
            objection.investigation = investigation.strip()
        if not objection.investigation:
            raise RecruitmentError(gettext("请先填写核查情况"))
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.resolution = resolution.strip()
        objection.resolved_by = actor
        objection.resolved_at = timezone.now()
        objection.save(update_fields=["status", "investigation", "resolution", "resolved_by", "resolved_at"])
        app = objection.application
        if upheld and app.status == ApplicationStatus.IN_NOTICE:
            app.status = ApplicationStatus.BLOCKED
            app.rejection_reason = gettext("公示期间收到异议，经核查异议成立：{resolution}").format(
                resolution=objection.resolution
            )
            app.save(update_fields=["status", "rejection_reason"])
        audit_record(
            actor=actor,
            action="objection.resolve",
            target=app,
            after={
                "objection": objection.receipt_no,
                "status": objection.status,
                "resolution": objection.resolution,
            },
        )
    return objection


# --- appointment --------------------------------------------------------------------------------


def appointment_blockers(app: Application) -> list[str]:
    out = []
    if app.status != ApplicationStatus.IN_NOTICE:
        out.append(
            gettext("状态为“{get_status_display}”").format(get_status_display=app.get_status_display())
        )
    unresolved = [o.receipt_no for o in app.objections.all() if o.is_unresolved]
    if unresolved:
        out.append(gettext("公示异议未处理完毕（{value}）").format(value="、".join(unresolved)))
    return out


APPOINT_THEN_PUBLICISE = "appoint_then_publicise"
ORDERS = ("notice_then_appoint", APPOINT_THEN_PUBLICISE)


def recruitment_order(programme: Programme, on: dt.date) -> Any:
    """How the text orders appointment and 公示 (`recruitment.order`), or None where it is silent
    (then the notice-with-objections-first order, the platform's default, applies)."""
    order = rules.cited(rules.rulebook_for(programme), "recruitment.order", on)
    if order is not None and order.value not in ORDERS:
        raise RecruitmentError(
            gettext("规则中的 recruitment.order “{value}” 无效（应为 {value2}）").format(
                value=order.value, value2=" / ".join(ORDERS)
            )
        )
    return order


def round_appoint(*, actor: Any, round: Round, on: dt.date) -> dict[str, list[Application]]:
    """Appoint, in the order the programme's text sets.

    Notice first (威海 2022 第四条, 万州 第六条): everyone in the notice whose objections are all
    resolved, after the notice period (an unresolved objection blocks that appointment only).
    Appoint, then publicise (山西 第六条: 审查合格后颁发聘书和证件，并向社会公示): the shortlisted are
    appointed once applications have closed, and the appointed list is published as the 公示 — no
    objection stage the text does not have. Certificates are issued and the list announced either way."""
    r = round
    order = recruitment_order(r.programme, on)
    after = order is not None and order.value == APPOINT_THEN_PUBLICISE
    if after:
        if r.status not in (RoundStatus.PUBLISHED, RoundStatus.APPOINTED):
            raise RecruitmentError(gettext("只有已发布的批次可以聘任"))
        if on <= r.applications_close:
            raise RecruitmentError(
                gettext("报名截止日期为{isoformat}，截止后方可聘任").format(
                    isoformat=r.applications_close.isoformat()
                )
            )
        candidates = list(r.applications.filter(status=ApplicationStatus.SHORTLISTED))
        if len(candidates) > r.quota:
            raise RecruitmentError(
                gettext("审查合格{count}人，超过拟聘名额{quota}人").format(
                    count=len(candidates), quota=r.quota
                )
            )
    else:
        notice = getattr(r, "notice", None)
        if r.status not in (RoundStatus.NOTICE, RoundStatus.APPOINTED) or notice is None:
            raise RecruitmentError(gettext("请先发布拟聘人选公示"))
        if on <= notice.ends_on:
            raise RecruitmentError(
                gettext("公示期至{isoformat}，期满后方可聘任").format(isoformat=notice.ends_on.isoformat())
            )
        candidates = list(
            r.applications.filter(status=ApplicationStatus.IN_NOTICE).prefetch_related("objections")
        )
    appointed: list[Application] = []
    blocked: list[Application] = []
    kind = AppointmentKind.REPLENISHMENT if r.is_replenishment else AppointmentKind.INITIAL
    with transaction.atomic():
        if not r.is_replenishment and r.status in (RoundStatus.NOTICE, RoundStatus.PUBLISHED):
            programme_set_cohort(actor=actor, programme=r.programme, start=r.term_start, end=r.term_end)
        for app in candidates:
            if not after and appointment_blockers(app):
                blocked.append(app)
                continue
            supervisor = supervisor_appoint(
                actor=actor,
                programme=r.programme,
                person=PersonData(
                    full_name=app.full_name,
                    id_number=app.id_number,
                    phone=app.phone,
                    gender=app.gender,
                    email=app.email,
                    education=app.education,
                    political_status=app.political_status,
                    employer=app.employer,
                    position=app.position,
                    specialties=list(app.specialties or []),
                    district_id=app.district_id,
                    recommending_unit=app.recommending_unit,
                    source=app.channel,
                ),
                starts_on=max(r.term_start, on) if r.is_replenishment else r.term_start,
                on=on,
                kind=kind,
                decision=app.decision,
            )
            app.status, app.supervisor = ApplicationStatus.APPOINTED, supervisor
            app.save(update_fields=["status", "supervisor"])
            appointed.append(app)
        if appointed:
            lines = "\n".join(
                gettext("{full_name}（聘书编号 {certificate_no}）").format(
                    full_name=a.full_name, certificate_no=a.supervisor.certificate_no
                )
                for a in appointed
                if a.supervisor
            )
            if after:
                title = gettext("{name}聘任名单公示（{title}）").format(name=r.programme.name, title=r.title)
                lead = gettext(
                    "经审查合格，已聘任以下{count}名同志为{name}并颁发聘书和证件，现向社会公示"
                ).format(count=len(appointed), name=r.programme.name)
            else:
                title = gettext("{name}聘任公告（{title}）").format(name=r.programme.name, title=r.title)
                lead = gettext("经公示无异议，决定聘任以下{count}名同志为{name}").format(
                    count=len(appointed), name=r.programme.name
                )
            ann = Announcement.objects.create(
                programme=r.programme,
                kind=AnnouncementKind.APPOINTMENT,
                title=title,
                body=gettext("{lead}，任期自{isoformat}至{isoformat2}：\n{lines}").format(
                    lead=lead,
                    isoformat=r.term_start.isoformat(),
                    isoformat2=r.term_end.isoformat(),
                    lines=lines,
                ),
                article=order.article if order is not None else "",
                published_on=on,
            )
            r.appointment_announcement = r.appointment_announcement or ann
        r.status = RoundStatus.APPOINTED
        r.appointed_on = on
        r.save(update_fields=["status", "appointed_on", "appointment_announcement"])
        audit_record(
            actor=actor,
            action="round.appoint",
            target=r,
            after={
                "appointed": [a.receipt_no for a in appointed],
                "blocked": [a.receipt_no for a in blocked],
                "order": order.value if order is not None else "notice_then_appoint",
            },
        )
    return {"appointed": appointed, "blocked": blocked}
