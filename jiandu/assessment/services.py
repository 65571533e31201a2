"""Writes to the ledger and the assessment. Each is one transaction with one audit event; people are
told on commit. The law comes from the programme's rulebook (jiandu.assessment.rules); what the text
leaves to judgement (the 优秀 conditions, 合格/基本合格 criteria, “经提醒教育仍不改正”) is confirmed and
explained by the assessor, never guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.assessment import rules
from jiandu.assessment.ledger import ledger_figures
from jiandu.assessment.models import (
    ActivityKind,
    Assessment,
    AssessmentRound,
    LedgerEntry,
    RoundMode,
    RoundStatus,
)
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.findings.selectors import bureau_staff_for
from jiandu.notifications.services import INBOX, notification_send
from jiandu.roster.models import Announcement, AnnouncementKind, Programme, Supervisor, SupervisorStatus
from jiandu.rules.calendar import provisional_text
from jiandu.rules.catalogue import GRADE_LABELS
from jiandu.rules.decision import ALLOWED, REFUSED
from jiandu.rules.grades import excellent_share_decide

MAX_TEXT = 5000
OPINION_SOURCES = {"procuratorate": "procuratorate_opinion", "community": "community_opinion"}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _require_manager(actor: Any, programme: Programme, action: str) -> None:
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action=action, target=programme)
    org = getattr(actor, "organisation", None)
    if org is None or not programme.organisation.path.startswith(org.path):
        raise deny(actor, action=action, reason=gettext("该项目不属于本单位管理"), target=programme)


def _need(text: str, label: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(gettext("请填写{label}").format(label=label))
    if len(text) > limit:
        raise ValidationError(gettext("{label}不超过{limit}字").format(label=label, limit=limit))
    return text


def _lock(a: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round__programme__organisation", "supervisor")
        .get(pk=a.pk)
    )


def _lock_round(r: AssessmentRound) -> AssessmentRound:
    return (
        AssessmentRound.objects.select_for_update(of=("self",))
        .select_related("programme__organisation")
        .get(pk=r.pk)
    )


def _require_open(r: AssessmentRound) -> None:
    if r.status != RoundStatus.OPEN:
        raise ValidationError(gettext("本年度考核已确定，不能再修改"))


def _snap(a: Assessment) -> dict[str, Any]:
    return {
        "proposed_grade": a.proposed_grade,
        "final_grade": a.final_grade,
        "failing_grounds": [g["code"] for g in a.failing_grounds],
        "defence_due": a.defence_due,
        "defence_due_provisional": a.defence_due_provisional,
        "commended": a.commended,
    }


def _provisional_words(day: dt.date | None, flag: bool) -> str:
    text = provisional_text(day, flag)
    return f"（{text}）" if text else ""


def _notify(users: Sequence[Any], subject: str, link: str, kind: str) -> None:
    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(
            lambda: notification_send(
                recipients=users, subject=subject, link=link, channels=(INBOX,), kind=kind, audit=False
            )
        )


# --- ledger -----------------------------------------------------------------------------------------


def ledger_entry_add(*, actor: Any, supervisor: Supervisor, kind: str, on: dt.date, text: str) -> LedgerEntry:
    """第二十八条（三）（四): conduct and other activities, the only ledger lines typed by staff."""
    _require_manager(actor, supervisor.programme, "ledger_entry_add")
    if kind not in ActivityKind.values:
        raise ValidationError(gettext("台账记录类别无效"))
    text = _need(text, gettext("记录内容"), 500)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            supervisor=supervisor, kind=kind, on=on, text=text, recorded_by=actor
        )
        audit_record(
            actor=actor,
            action="ledger.entry_add",
            target=supervisor,
            after={"kind": kind, "on": on, "text": text},
        )
    return entry


# --- the round --------------------------------------------------------------------------------------


def round_open(
    *,
    actor: Any,
    programme: Programme,
    year: int,
    today: dt.date | None = None,
    defence_working_days: int = 5,
) -> AssessmentRound:
    """Open the year's assessment (第二十九条: at year end or early next year) with one row per serving
    supervisor, who is asked for a self-summary (第三十四条（一）)."""
    today = _today(today)
    _require_manager(actor, programme, "assessment_round_open")
    rb = rules.rulebook_for(programme)
    # 年度考核 (威海 人民监督员, 山西), 综合评价 (万州), or only 通报表彰 (威海 2022 第十七条).
    basis = next(
        (
            c
            for c in (
                rules.cited(rb, name, today)
                for name in (
                    "assessment.annual_required",
                    "assessment.comprehensive_evaluation",
                    "assessment.commendation",
                )
            )
            if c is not None and c.value
        ),
        None,
    )
    if basis is None:
        raise ValidationError(gettext("本项目规则未规定年度考核、综合评价或表彰"))
    if not 1 <= defence_working_days <= 30:
        raise ValidationError(gettext("陈述申辩期限应为1至30个工作日"))
    if year > today.year or year < today.year - 1:
        raise ValidationError(
            gettext("只能考核{value}年或{year}年").format(value=today.year - 1, year=today.year)
        )
    mode = RoundMode.GRADES if rules.grade_choices(programme, today) else RoundMode.FREE_TEXT
    with transaction.atomic():
        if AssessmentRound.objects.filter(programme=programme, year=year).exists():
            raise ValidationError(gettext("{year}年度考核已开始").format(year=year))
        r = AssessmentRound.objects.create(
            programme=programme,
            year=year,
            mode=mode,
            opened_on=today,
            defence_working_days=defence_working_days,
            opened_by=actor,
        )
        people = list(
            Supervisor.objects.filter(programme=programme, status=SupervisorStatus.ACTIVE).select_related(
                "user"
            )
        )
        Assessment.objects.bulk_create([Assessment(round=r, supervisor=s) for s in people])
        audit_record(
            actor=actor,
            action="assessment.round_open",
            target=r,
            after={"year": year, "mode": mode, "participants": len(people), "basis": basis.to_dict()},
        )
        _notify(
            [s.user for s in people],
            gettext("{year}年度考核：请在手机上填写个人总结").format(year=year),
            reverse("assessment:mine"),
            "assessment.summary",
        )
    return r


def self_summary_submit(*, actor: Any, assessment: Assessment, text: str) -> Assessment:
    """第三十四条（一）: the supervisor's own summary, written on the phone."""
    capability_require(actor, Capability.ACT_AS_SUPERVISOR, action="assessment_summary")
    text = _need(text, gettext("个人总结"))
    with transaction.atomic():
        a = _lock(assessment)
        if a.supervisor.user_id != actor.pk:
            raise deny(actor, action="assessment_summary", reason=gettext("只能填写本人的个人总结"), target=a)
        _require_open(a.round)
        first = not a.self_summary
        a.self_summary, a.self_summary_at = text, timezone.now()
        a.save(update_fields=["self_summary", "self_summary_at"])
        audit_record(
            actor=actor, action="assessment.summary", target=a, after={"first": first, "length": len(text)}
        )
    return a


def opinion_record(*, actor: Any, assessment: Assessment, source: str, text: str) -> Assessment:
    """第三十四条（二）2–3: the procuratorate's view and the employer's or residence committee's."""
    if source not in OPINION_SOURCES:
        raise ValidationError(gettext("意见来源无效"))
    text = _need(text, gettext("意见"))
    with transaction.atomic():
        a = _lock(assessment)
        _require_manager(actor, a.round.programme, "assessment_opinion")
        _require_open(a.round)
        field = OPINION_SOURCES[source]
        before = {field: getattr(a, field)}
        setattr(a, field, text)
        a.save(update_fields=[field])
        audit_record(actor=actor, action="assessment.opinion", target=a, before=before, after={field: text})
    return a


def district_suggest(*, actor: Any, assessment: Assessment, grade: str, reason: str) -> Assessment:
    """第三十四条（三): the district bureau, having asked the district procuratorate, suggests a grade for
    a supervisor of its district. The city bureau still proposes (（四))."""
    capability_require(actor, Capability.ASSIST_PROGRAMMES, action="assessment_district_suggest")
    reason = _need(reason, gettext("建议理由"), 500)
    with transaction.atomic():
        a = _lock(assessment)
        org = getattr(actor, "organisation", None)
        district = a.supervisor.district
        if org is None or district is None or not district.path.startswith(org.path):
            raise deny(
                actor, action="assessment_district_suggest", reason=gettext("该监督员不在本区县"), target=a
            )
        _require_open(a.round)
        choices = dict(rules.grade_choices(a.round.programme, a.round.opened_on))
        if grade not in choices:
            raise ValidationError(
                gettext("请选择考核等次：{value}").format(
                    value="、".join(choices.values()) or gettext("本项目不分等次")
                )
            )
        before = {"district_grade": a.district_grade}
        a.district_grade, a.district_reason = grade, reason
        a.save(update_fields=["district_grade", "district_reason"])
        audit_record(
            actor=actor,
            action="assessment.district_suggest",
            target=a,
            before=before,
            after={"district_grade": grade, "reason": reason},
        )
    return a


def _cap_decide(rb: Any, r: AssessmentRound, a: Assessment | None, grade: str, today: dt.date) -> Any:
    """The 优秀 share of the whole round with this proposal in it: two counts, whatever the size."""
    others = Assessment.objects.filter(round=r)
    if a is not None:
        others = others.exclude(pk=a.pk)
    excellent = others.filter(proposed_grade="excellent").count() + (1 if grade == "excellent" else 0)
    return excellent_share_decide(rb, Assessment.objects.filter(round=r).count(), excellent, today)


def grade_propose(
    *,
    actor: Any,
    assessment: Assessment,
    grade: str,
    reason: str,
    conditions: Sequence[str] = (),
    grounds: Sequence[str] = (),
    cap_exception: str = "",
    today: dt.date | None = None,
) -> Assessment:
    """第三十四条（四): the bureau proposes a grade with its reason. 优秀 needs every 第三十一条 condition
    confirmed and stays within the 第三十条 share (over it only with a stated reason, where the text says
    “一般”); 不合格 rests on 第三十二条 grounds and, where 第三十五条 applies, the supervisor is told the
    reasons and basis and may state and defend within the round's period."""
    today = _today(today)
    reason = _need(reason, gettext("拟定理由"))
    with transaction.atomic():
        a = _lock(assessment)
        r = _lock_round(a.round)
        programme = r.programme
        _require_manager(actor, programme, "assessment_propose")
        _require_open(r)
        if r.mode != RoundMode.GRADES:
            raise ValidationError(gettext("本项目规则未规定考核等次，请填写综合评价"))
        rb = rules.rulebook_for(programme)
        choices = dict(rules.grade_choices(programme, today))
        if grade not in choices:
            raise ValidationError(
                gettext("请选择考核等次：{value}").format(value="、".join(choices.values()))
            )
        before = _snap(a)
        confirmed: list[str] = []
        if grade == "excellent":
            d = rules.core.excellent_confirmed_decide(rb, set(conditions), today)
            if d.outcome != ALLOWED:
                missing = "；".join(f"{x.message}（{x.article}）" for x in d.reasons)
                raise ValidationError(
                    gettext("评定为优秀须确认具备全部条件，尚未确认：{missing}").format(missing=missing)
                )
            confirmed = [x.code.rsplit(".", 1)[1] for x in d.reasons]
        chosen: list[dict[str, Any]] = []
        if grade == "failing":
            known = {g.code: g for g in rules.core.failing_grounds(rb, today)}
            if not grounds or any(g not in known for g in grounds):
                raise ValidationError(gettext("拟定为不合格须从本项目规则列明的情形中选择至少一项"))
            figures = ledger_figures([a.supervisor_id], r.year, today=today)[a.supervisor_id]
            for code in grounds:
                g = known[code]
                chosen.append(
                    {
                        "code": g.code,
                        "article": g.article,
                        "text": g.text,
                        "figures": {g.evidence: figures.get(g.evidence, 0)} if g.evidence else {},
                    }
                )
        cap = _cap_decide(rb, r, a, grade, today)
        exception = (cap_exception or "").strip()
        if cap.outcome == REFUSED or (cap.outcome != ALLOWED and grade == "excellent" and not exception):
            message = cap.reasons[0].message
            hint = "" if cap.outcome == REFUSED else gettext("；如确需超出，请填写超出比例的理由")
            raise ValidationError(f"{message}（{cap.reasons[0].article}）{hint}")
        if cap.outcome != ALLOWED and exception:
            r.cap_exception = exception[:500]
        r.cap_decision = cap.to_dict()
        r.save(update_fields=["cap_decision", "cap_exception"])
        a.proposed_grade, a.proposed_reason, a.proposal_decision = grade, reason, cap.to_dict()
        a.excellent_conditions, a.failing_grounds = confirmed, chosen
        hearing = rules.core.hearing_required(rb, today) if grade == "failing" else None
        if hearing is not None:
            due = rules.defence_due(r, today)
            a.hearing_notified_on = today
            a.defence_due, a.defence_due_provisional = due.date, due.provisional
            a.defence_text, a.defence_at, a.defence_answer, a.defence_answered_on = "", None, "", None
        elif grade != "failing":
            a.hearing_notified_on = a.defence_due = a.defence_answered_on = None
            a.defence_due_provisional = False
            a.defence_text, a.defence_at, a.defence_answer = "", None, ""
        a.save()
        audit_record(
            actor=actor,
            action="assessment.propose",
            target=a,
            before=before,
            after={**_snap(a), "reason": reason, "cap": cap.to_dict(), "cap_exception": r.cap_exception},
        )
        if hearing is not None and a.supervisor.user_id:
            _notify(
                [a.supervisor.user],
                gettext(
                    "{year}年度考核拟定为不合格：请在{defence_due:%Y年%m月%d日}{provisional_words}前陈述和申辩"
                ).format(
                    year=r.year,
                    defence_due=a.defence_due,
                    provisional_words=_provisional_words(a.defence_due, a.defence_due_provisional),
                ),
                reverse("assessment:mine"),
                "assessment.hearing",
            )
    return a


BULK_GRADES = ("competent", "basic")


def grades_propose_many(
    *,
    actor: Any,
    round: AssessmentRound,
    grades: Mapping[int, str],
    reason: str,
    today: dt.date | None = None,
) -> int:
    """Propose 合格 / 基本合格 for many at once (e.g. the district bureaus' suggestions, 第三十四条（三）),
    with one reason recorded for each. 优秀 and 不合格 stay one by one: they need the conditions
    confirmed or the grounds chosen and the supervisor heard. One audit event for the batch."""
    today = _today(today)
    reason = _need(reason, gettext("拟定理由"))
    bad = sorted({g for g in grades.values() if g not in BULK_GRADES})
    if bad:
        raise ValidationError(gettext("批量拟定只适用于合格、基本合格；优秀、不合格须逐人拟定"))
    with transaction.atomic():
        r = _lock_round(round)
        _require_manager(actor, r.programme, "assessment_propose_many")
        _require_open(r)
        if r.mode != RoundMode.GRADES:
            raise ValidationError(gettext("本项目规则未规定考核等次，请填写综合评价"))
        choices = dict(rules.grade_choices(r.programme, today))
        if any(g not in choices for g in grades.values()):
            raise ValidationError(
                gettext("请选择考核等次：{value}").format(value="、".join(choices.values()))
            )
        rows = list(
            Assessment.objects.filter(round=r, pk__in=list(grades))
            .exclude(proposed_grade__in=("excellent", "failing"))
            .select_for_update(of=("self",))
            .only("id", "proposed_grade")
        )
        for a in rows:
            a.proposed_grade, a.proposed_reason = grades[a.pk], reason
        Assessment.objects.bulk_update(rows, ["proposed_grade", "proposed_reason"], batch_size=2000)
        cap = _cap_decide(rules.rulebook_for(r.programme), r, None, "", today)
        r.cap_decision = cap.to_dict()
        r.save(update_fields=["cap_decision"])
        counts: dict[str, int] = {}
        for a in rows:
            counts[a.proposed_grade] = counts.get(a.proposed_grade, 0) + 1
        audit_record(
            actor=actor,
            action="assessment.propose_many",
            target=r,
            after={"counts": counts, "reason": reason, "skipped": len(grades) - len(rows)},
        )
    return len(rows)


def evaluation_record(
    *, actor: Any, assessment: Assessment, text: str, commended: bool = False
) -> Assessment:
    """Programmes whose text names no grades (山西 第十四条, 万州 第十三条（五)): a written evaluation,
    and commendation for those who stood out where the rulebook provides it."""
    text = _need(text, gettext("综合评价"))
    with transaction.atomic():
        a = _lock(assessment)
        _require_manager(actor, a.round.programme, "assessment_evaluation")
        _require_open(a.round)
        if a.round.mode != RoundMode.FREE_TEXT:
            raise ValidationError(gettext("本项目按等次考核，请拟定等次"))
        if (
            commended
            and rules.cited(
                rules.rulebook_for(a.round.programme), "assessment.commendation", a.round.opened_on
            )
            is None
        ):
            raise ValidationError(gettext("本项目规则未规定表彰"))
        before = _snap(a)
        a.evaluation, a.commended = text, bool(commended)
        a.save(update_fields=["evaluation", "commended"])
        audit_record(
            actor=actor,
            action="assessment.evaluation",
            target=a,
            before=before,
            after={**_snap(a), "length": len(text)},
        )
    return a


def defence_submit(
    *, actor: Any, assessment: Assessment, text: str, today: dt.date | None = None
) -> Assessment:
    """第三十五条: the supervisor states and defends, on the phone, within the stated period."""
    today = _today(today)
    capability_require(actor, Capability.ACT_AS_SUPERVISOR, action="assessment_defence")
    text = _need(text, gettext("陈述和申辩"))
    with transaction.atomic():
        a = _lock(assessment)
        if a.supervisor.user_id != actor.pk:
            raise deny(
                actor, action="assessment_defence", reason=gettext("只能就本人的考核陈述申辩"), target=a
            )
        _require_open(a.round)
        if a.proposed_grade != "failing" or a.defence_due is None:
            raise ValidationError(gettext("没有需要陈述申辩的事项"))
        if today > a.defence_due:
            raise ValidationError(
                gettext("陈述申辩期限已于{defence_due:%Y年%m月%d日}届满").format(defence_due=a.defence_due)
            )
        a.defence_text, a.defence_at = text, timezone.now()
        a.save(update_fields=["defence_text", "defence_at"])
        audit_record(actor=actor, action="assessment.defence", target=a, after={"length": len(text)})
        _notify(
            list(bureau_staff_for(a.round.programme)),
            gettext("{full_name}已就{year}年度考核陈述和申辩").format(
                full_name=a.supervisor.full_name, year=a.round.year
            ),
            reverse("assessment:detail", args=[a.pk]),
            "assessment.defence",
        )
    return a


def defence_answer(
    *, actor: Any, assessment: Assessment, text: str, today: dt.date | None = None
) -> Assessment:
    """The bureau's answer to the defence (kept with it, shown to the supervisor)."""
    today = _today(today)
    text = _need(text, gettext("答复"))
    with transaction.atomic():
        a = _lock(assessment)
        _require_manager(actor, a.round.programme, "assessment_defence_answer")
        _require_open(a.round)
        if not a.defence_text:
            raise ValidationError(gettext("监督员尚未陈述申辩"))
        a.defence_answer, a.defence_answered_on = text, today
        a.save(update_fields=["defence_answer", "defence_answered_on"])
        audit_record(actor=actor, action="assessment.defence_answer", target=a, after={"length": len(text)})
        _notify(
            [a.supervisor.user],
            gettext("{year}年度考核：对您陈述申辩的答复").format(year=a.round.year),
            reverse("assessment:mine"),
            "assessment.answer",
        )
    return a


def excellent_notice_publish(
    *, actor: Any, round: AssessmentRound, starts_on: dt.date, ends_on: dt.date
) -> Announcement:
    """第三十四条（五): the list of those proposed 优秀 on the public portal for a stated period."""
    with transaction.atomic():
        r = _lock_round(round)
        _require_manager(actor, r.programme, "assessment_notice")
        _require_open(r)
        rb = rules.rulebook_for(r.programme)
        c = rules.cited(rb, "assessment.excellent_public_notice", starts_on)
        if c is None or not c.value:
            raise ValidationError(gettext("本项目规则未规定优秀名单公示"))
        if ends_on < starts_on:
            raise ValidationError(gettext("公示结束日期不能早于开始日期"))
        names = list(
            Assessment.objects.filter(round=r, proposed_grade="excellent")
            .order_by("supervisor__full_name")
            .values_list("supervisor__full_name", flat=True)
        )
        if not names:
            raise ValidationError(gettext("尚无拟确定为优秀等次的人员"))
        ann = Announcement.objects.create(
            programme=r.programme,
            kind=AnnouncementKind.OTHER,
            title=gettext("{year}年度{name}考核拟确定优秀等次人员名单公示").format(
                year=r.year, name=r.programme.name
            ),
            body=(
                gettext(
                    "根据{article}，现将{year}年度考核拟确定为优秀等次的人员名单予以公示：\n{value}\n公示期：{starts_on:%Y年%m月%d日}至{ends_on:%Y年%m月%d日}。如有异议，请在公示期内向{name}反映。"
                ).format(
                    article=c.article,
                    year=r.year,
                    value="、".join(names),
                    starts_on=starts_on,
                    ends_on=ends_on,
                    name=r.programme.organisation.name,
                )
            ),
            article=c.article,
            published_on=starts_on,
        )
        r.notice_starts_on, r.notice_ends_on, r.notice_announcement = starts_on, ends_on, ann
        r.save(update_fields=["notice_starts_on", "notice_ends_on", "notice_announcement"])
        audit_record(
            actor=actor,
            action="assessment.notice",
            target=r,
            after={"names": len(names), "starts_on": starts_on, "ends_on": ends_on, "announcement": ann.pk},
        )
    return ann


def round_blockers(r: AssessmentRound, *, today: dt.date) -> list[str]:
    """What still stands between the round and its final grades, in words for the page."""
    out = []
    rows = list(r.assessments.select_related("supervisor"))
    if r.mode == RoundMode.GRADES:
        pending = [a.supervisor.full_name for a in rows if not a.proposed_grade]
    else:
        pending = [a.supervisor.full_name for a in rows if not a.evaluation]
    if pending:
        out.append(
            gettext("尚未拟定（评价）：{value}{value2}{count}人").format(
                value="、".join(pending[:10]),
                value2=gettext("等") if len(pending) > 10 else "",
                count=len(pending),
            )
        )
    for a in rows:
        if a.proposed_grade == "failing" and a.defence_due is not None:
            if a.defence_text and not a.defence_answer:
                out.append(gettext("{full_name}的陈述申辩尚未答复").format(full_name=a.supervisor.full_name))
            elif not a.defence_text and today <= a.defence_due:
                out.append(
                    gettext("{full_name}的陈述申辩期限至{defence_due:%Y-%m-%d}，尚未届满").format(
                        full_name=a.supervisor.full_name, defence_due=a.defence_due
                    )
                )
    if any(a.proposed_grade == "excellent" for a in rows):
        c = rules.cited(rules.rulebook_for(r.programme), "assessment.excellent_public_notice", today)
        if c is not None and c.value:
            if r.notice_ends_on is None:
                out.append(gettext("优秀名单尚未公示（{article}）").format(article=c.article))
            elif today <= r.notice_ends_on:
                out.append(
                    gettext("优秀名单公示期至{notice_ends_on:%Y-%m-%d}，尚未届满").format(
                        notice_ends_on=r.notice_ends_on
                    )
                )
    return out


def round_finalise(*, actor: Any, round: AssessmentRound, today: dt.date | None = None) -> AssessmentRound:
    """Fix the grades (or evaluations). Starts the 第三十四条（六) clocks, makes the 通报表扬 where the
    rulebook provides it, and tells every supervisor. A 不合格 then appears among the proposed
    disqualifications (威海 人民监督员 第八条（五）) for the bureau to decide on the dismissal path."""
    today = _today(today)
    with transaction.atomic():
        r = _lock_round(round)
        _require_manager(actor, r.programme, "assessment_finalise")
        _require_open(r)
        blockers = round_blockers(r, today=today)
        if blockers:
            raise ValidationError(blockers)
        rows = list(
            Assessment.objects.filter(round=r)
            .select_for_update(of=("self",))
            .select_related("supervisor__user")
        )
        if r.mode == RoundMode.GRADES:
            for a in rows:
                a.final_grade = a.proposed_grade
            Assessment.objects.bulk_update(rows, ["final_grade"])
        r.status, r.completed_on = RoundStatus.FINAL, today
        r.deadlines = rules.results_deadlines(r.programme, today)
        r.deadlines_provisional = any(d["provisional"] for d in r.deadlines)
        praised = [a for a in rows if a.final_grade == "excellent" or a.commended]
        rb = rules.rulebook_for(r.programme)
        c = rules.cited(rb, "assessment.commendation", today)
        if c is not None and c.value and praised:
            Announcement.objects.create(
                programme=r.programme,
                kind=AnnouncementKind.OTHER,
                title=gettext("关于对{year}年度考核优秀的{name}予以通报表扬的决定").format(
                    year=r.year, name=r.programme.name
                ),
                body=(
                    gettext(
                        "根据{article}，对{year}年度考核中表现优秀的以下人员予以通报表扬：\n{value}\n{name}"
                    ).format(
                        article=c.article,
                        year=r.year,
                        value="、".join(a.supervisor.full_name for a in praised),
                        name=r.programme.organisation.name,
                    )
                ),
                article=c.article,
                published_on=today,
            )
        r.save(update_fields=["status", "completed_on", "deadlines", "deadlines_provisional"])
        counts: dict[str, int] = {}
        for a in rows:
            counts[a.final_grade or "evaluation"] = counts.get(a.final_grade or "evaluation", 0) + 1
        audit_record(
            actor=actor,
            action="assessment.round_finalise",
            target=r,
            after={"counts": counts, "commended": len(praised), "deadlines": r.deadlines},
        )
        _notify(
            [a.supervisor.user for a in rows],
            gettext("{year}年度考核结果已确定，可查看结果通知书").format(year=r.year),
            reverse("assessment:mine"),
            "assessment.result",
        )
        _notify_procuratorate(r, counts, today)
    return r


def _notify_procuratorate(r: AssessmentRound, counts: dict[str, int], on: dt.date) -> None:
    """通报 the procuratorate of the programme's region where the rulebook lists it (第三十九条)."""
    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.orgs.models import OrgKind

    c = rules.cited(rules.rulebook_for(r.programme), "assessment.results_notify", on)
    if c is None or not any(i["code"] == "procuratorate" for i in c.value):
        return
    staff = User.objects.filter(
        role=Role.AGENCY_STAFF,
        is_active=True,
        organisation__kind=OrgKind.PROCURATORATE,
        organisation__region_code=r.programme.organisation.region_code,
    )
    summary = "，".join(
        gettext("{k}{n}人").format(k=GRADE_LABELS.get(k, gettext("综合评价")), n=n) for k, n in counts.items()
    )
    _notify(
        list(staff),
        gettext("{name}{year}年度考核结果通报：{summary}").format(
            name=r.programme.name, year=r.year, summary=summary
        ),
        "",
        "assessment.procuratorate",
    )


def deadline_done(*, actor: Any, round: AssessmentRound, code: str, on: dt.date) -> AssessmentRound:
    """Mark the results entered / the report filed (第三十四条（六))."""
    with transaction.atomic():
        r = _lock_round(round)
        _require_manager(actor, r.programme, "assessment_deadline_done")
        items = [dict(d) for d in r.deadlines]
        hit = [d for d in items if d["code"] == code]
        if not hit:
            raise ValidationError(gettext("没有这项期限"))
        hit[0]["done_on"] = on.isoformat()
        r.deadlines = items
        r.save(update_fields=["deadlines"])
        audit_record(actor=actor, action="assessment.deadline_done", target=r, after={"code": code, "on": on})
    return r


def deadline_scan(*, today: dt.date | None = None) -> int:
    """Remind the bureau of the five/ten working-day deadlines: on the due day and once overdue (each
    reminder recorded on the deadline, so a second run sends nothing)."""
    today = _today(today)
    sent = 0
    for r in (
        AssessmentRound.objects.filter(status=RoundStatus.FINAL)
        .exclude(deadlines=[])
        .select_related("programme__organisation")
    ):
        with transaction.atomic():
            r = _lock_round(r)
            items, changed = [dict(d) for d in r.deadlines], False
            for d in items:
                due = dt.date.fromisoformat(d["due"])
                stage = "overdue" if today > due else "due" if today == due else ""
                if d.get("done_on") or not stage or d.get("reminded") == stage:
                    continue
                d["reminded"], changed = stage, True
                what = d["reason"]["message"]
                _notify(
                    list(bureau_staff_for(r.programme)),
                    gettext("{value}：{year}年度考核 {what}").format(
                        value=gettext("已逾期") if stage == "overdue" else gettext("今日到期"),
                        year=r.year,
                        what=what,
                    ),
                    reverse("assessment:round", args=[r.pk]),
                    "assessment.deadline",
                )
                sent += 1
            if changed:
                r.deadlines = items
                r.save(update_fields=["deadlines"])
                audit_record(
                    actor=None, action="assessment.deadline_remind", target=r, after={"deadlines": items}
                )
    return sent


GRADE_NAMES = GRADE_LABELS
