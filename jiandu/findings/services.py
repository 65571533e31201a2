"""Writes to findings and complaints. Each is one transaction with one audit event.

Audit before/after never carry the reporter's identity (name, phone, 身份证号, supervisor id): the
actor column already says who acted, and an event written by an agency's action must not copy who
reported (威海 2022 第十四条). Notifications addressed to the agency never name the reporter either.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.untrusted import text_capped
from jiandu.findings import deadlines
from jiandu.findings.attachments import CleanFile, clean_uploads
from jiandu.findings.models import (
    ComplainantKind,
    Complaint,
    ComplaintStatus,
    Correction,
    Finding,
    FindingAttachment,
    Source,
    Status,
)
from jiandu.findings.selectors import agency_staff_for, bureau_staff_for
from jiandu.integrations import webhooks
from jiandu.notifications.services import EMAIL, INBOX, SMS, notification_send
from jiandu.roster.models import Programme, Supervisor, SupervisorStatus
from jiandu.roster.rules import cite_suffix, programme_cite
from jiandu.rules.identifiers import mobile_error
from jiandu.workdays.services import programme_region

MAX_TITLE = 120


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _link(finding: Finding) -> str:
    return reverse("findings:detail", args=[finding.pk])


def _need(text: str, label: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(gettext("请填写{label}").format(label=label))
    return text


def _title_from(text: str, title: str) -> str:
    title = (title or "").strip() or text.strip().splitlines()[0]
    return title[:MAX_TITLE]


def _require_staff(actor: Any, finding: Finding) -> None:
    path = actor.organisation.path if getattr(actor, "organisation", None) else None
    allowed = (
        (actor.can(Capability.MANAGE_PROGRAMMES) or actor.can(Capability.ASSIST_PROGRAMMES))
        and path
        and (finding.programme.organisation.path.startswith(path) or finding.agency.path.startswith(path))
    )
    if not allowed:
        raise PermissionError(gettext("无权办理该监督意见"))


def _require_agency(actor: Any, finding: Finding) -> None:
    org = getattr(actor, "organisation", None)
    if not (
        actor.can(Capability.ANSWER_FINDINGS) and org is not None and finding.agency.path.startswith(org.path)
    ):
        raise PermissionError(gettext("该监督意见不是转送本单位的"))


def _require_status(finding: Finding, *allowed: str) -> None:
    if finding.status not in allowed:
        labels = "、".join(Status(s).label for s in allowed)
        raise ValidationError(
            gettext("当前状态为“{get_status_display}”，此操作仅适用于：{labels}").format(
                get_status_display=finding.get_status_display(), labels=labels
            )
        )


def _lock(finding: Finding) -> Finding:
    return (
        # Lock the finding's row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        Finding.objects.select_for_update(of=("self",))
        .select_related("agency", "programme__organisation")
        .get(pk=finding.pk)
    )


def _snapshot(finding: Finding, *fields: str) -> dict[str, Any]:
    return {f: getattr(finding, f) for f in ("status", *fields)}


def _notify_reporter(finding: Finding, subject: str, body: str = "", *, sms: bool = False) -> None:
    user = finding.reporter.user if finding.reporter_id and finding.reporter else None
    if user is not None:
        channels = (INBOX, EMAIL, SMS) if sms else (INBOX, EMAIL)
        notification_send(
            recipients=[user],
            subject=subject,
            body=body,
            link=_link(finding),
            channels=channels,
            kind="finding.reporter",
            audit=False,
        )


def _notify_agency(finding: Finding, subject: str, body: str = "", kind: str = "finding.agency") -> None:
    # Never the reporter's name here: the agency reads this (威海 2022 第十四条).
    notification_send(
        recipients=list(agency_staff_for(finding.agency)),
        subject=subject,
        body=body,
        link=_link(finding),
        channels=(INBOX, EMAIL),
        kind=kind,
        audit=False,
    )


def _notify_bureau(finding: Finding, subject: str, body: str = "", kind: str = "finding.bureau") -> None:
    notification_send(
        recipients=list(bureau_staff_for(finding.programme)),
        subject=subject,
        body=body,
        link=_link(finding),
        channels=(INBOX, EMAIL),
        kind=kind,
        audit=False,
    )


def _attach(finding: Finding, files: Sequence[CleanFile], actor: Any) -> None:
    for f in files:
        FindingAttachment.objects.create(
            finding=finding,
            token=f.token,
            extension=f.extension,
            file=f.content,
            content_type=f.content_type,
            size=f.size,
            original_name=f.original_name,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def _create(
    *,
    actor: Any,
    programme: Programme,
    agency: Any,
    source: str,
    reporter: Supervisor | None,
    title: str,
    text: str,
    confidential: bool,
    occurred_on: dt.date | None,
    source_ref: str,
    uploads: Sequence[Any],
    today: dt.date,
) -> Finding:
    text = _need(text_capped(text, label=gettext("意见内容"), limit=20000), gettext("意见内容"))
    if agency is None:
        raise ValidationError(gettext("请选择被监督单位"))
    if occurred_on and occurred_on > today:
        raise ValidationError(gettext("发现日期不能晚于今天"))
    files = clean_uploads(list(uploads))  # validate before writing anything
    with transaction.atomic():
        finding = Finding.objects.create(
            programme=programme,
            agency=agency,
            source=source,
            reporter=reporter,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            confidential=bool(confidential),
            source_ref=source_ref[:80],
            title=_title_from(text, title),
            text=text,
            occurred_on=occurred_on,
            submitted_on=today,
        )
        _attach(finding, files, actor)
        audit_record(
            actor=actor,
            action="finding.create",
            target=finding,
            after={
                "source": source,
                "agency_id": agency.pk,
                "programme_id": programme.pk,
                "confidential": finding.confidential,
                "attachments": len(files),
            },
        )
        _notify_bureau(
            finding,
            gettext("新的{get_source_display}待分办：{title}").format(
                get_source_display=finding.get_source_display(), title=finding.title
            ),
            kind="finding.new",
        )
    return finding


def finding_submit(
    *,
    actor: Any,
    supervisor: Supervisor,
    agency: Any,
    text: str,
    title: str = "",
    source: str = Source.OPINION,
    confidential: bool = False,
    occurred_on: dt.date | None = None,
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
) -> Finding:
    """A supervisor's written opinion or lead (威海 2022 第十一条; 万州 第十六条第二款), from the phone."""
    if source not in (Source.OPINION, Source.LEAD):
        raise ValidationError(gettext("来源应为监督意见建议或违法线索"))
    if supervisor.status != SupervisorStatus.ACTIVE:
        raise ValidationError(gettext("监督员不在任，不能提交监督意见"))
    if getattr(actor, "is_authenticated", False) and supervisor.user_id not in (None, actor.pk):
        raise PermissionError(gettext("只能以本人名义提交"))
    return _create(
        actor=actor,
        programme=supervisor.programme,
        agency=agency,
        source=source,
        reporter=supervisor,
        title=title,
        text=text,
        confidential=confidential,
        occurred_on=occurred_on,
        source_ref="",
        uploads=uploads,
        today=_today(today),
    )


def finding_create_from_duty(
    *,
    actor: Any,
    duty_record: Model,
    supervisor: Supervisor,
    agency: Any,
    text: str,
    confidential: bool = False,
    title: str = "",
    occurred_on_known: bool = True,
    today: dt.date | None = None,
) -> Finding:
    """An opinion written on a duty record (履职情况反馈表), handed over by jiandu.duties. The record is
    kept as a reference ("app.model:pk") the agency never sees. A confidential one carries neither the
    duty's title nor its date (`occurred_on_known=False`): the agency knows who attended its duties."""
    occurred = getattr(duty_record, "duty_on", None) or getattr(duty_record, "date", None)
    return _create(
        actor=actor,
        programme=supervisor.programme,
        agency=agency,
        source=Source.DUTY,
        reporter=supervisor,
        title=title,
        text=text,
        confidential=confidential,
        occurred_on=occurred if occurred_on_known and not confidential else None,
        source_ref=f"{duty_record._meta.label_lower}:{duty_record.pk}",
        uploads=(),
        today=_today(today),
    )


def finding_record_inspection(
    *,
    actor: Any,
    programme: Programme,
    agency: Any,
    text: str,
    title: str = "",
    occurred_on: dt.date | None = None,
    uploads: Sequence[Any] = (),
    today: dt.date | None = None,
) -> Finding:
    """A problem found by bureau staff in an inspection: no supervisor reporter."""
    if not (actor.can(Capability.MANAGE_PROGRAMMES) or actor.can(Capability.ASSIST_PROGRAMMES)):
        raise PermissionError(gettext("无权登记工作检查发现"))
    return _create(
        actor=actor,
        programme=programme,
        agency=agency,
        source=Source.INSPECTION,
        reporter=None,
        title=title,
        text=text,
        confidential=False,
        occurred_on=occurred_on,
        source_ref="",
        uploads=uploads,
        today=_today(today),
    )


# --- triage (万州 第十六条第二款) ----------------------------------------------------------------------


def finding_forward(
    *,
    actor: Any,
    finding: Finding,
    note: str = "",
    reply_due: dt.date | None = None,
    today: dt.date | None = None,
) -> Finding:
    """转送: the agency's reply clock starts. The due date comes from the rulebook (威海 2022 第十二条);
    only a rulebook without a period lets the bureau set one."""
    today = _today(today)
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.SUBMITTED)
        clock = deadlines.rulebook_reply_clock(
            finding.programme.rulebook_id, forwarded_on=today, region=programme_region(finding.programme)
        )
        if clock is None:
            if reply_due is None:
                raise ValidationError(gettext("本项目规则未规定答复期限，请指定答复截止日"))
            if reply_due <= today:
                raise ValidationError(gettext("答复截止日应晚于转送日期"))
            clock = deadlines.manual_reply_clock(
                due=reply_due, forwarded_on=today, rulebook_id=finding.programme.rulebook_id
            )
        before = _snapshot(finding)
        finding.status = Status.FORWARDED
        finding.forwarded_on = today
        finding.forward_note = (note or "").strip()
        finding.triaged_by = actor
        finding.reply_due, finding.reply_days, finding.reply_reason = clock.due, clock.days, clock.reason
        finding.reply_due_provisional = clock.provisional
        finding.reply_remind_on = deadlines.remind_on(clock.due)
        finding.save()
        # A new reply clock is reminded and escalated afresh.
        finding.scan_stamps.filter(stage__in=["reply_reminder", "reply_escalation"]).delete()
        audit_record(
            actor=actor,
            action="finding.forward",
            target=finding,
            before=before,
            after=_snapshot(
                finding, "forwarded_on", "reply_due", "reply_due_provisional", "reply_days", "reply_reason"
            ),
        )
        _notify_agency(
            finding,
            gettext("转送监督意见 {number}：请于 {due:%Y-%m-%d}{note_suffix} 前答复").format(
                number=finding.number, due=clock.due, note_suffix=clock.note_suffix
            ),
            gettext("{title}\n答复期限依据：{value} {value2}").format(
                title=finding.title,
                value=clock.reason.get("article", ""),
                value2=clock.reason.get("message", ""),
            ),
            kind="finding.forwarded",
        )
        _notify_reporter(
            finding,
            gettext("您的监督意见 {number} 已转送{agency}办理").format(
                number=finding.number, agency=finding.agency
            ),
        )
        webhooks.opinion_forwarded_emit(finding=finding)
    return finding


def finding_investigate(*, actor: Any, finding: Finding, note: str = "") -> Finding:
    """The bureau investigates itself (万州 第十六条第二款: 按照《重庆市行政执法监督条例》调查处理)."""
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.SUBMITTED)
        before = _snapshot(finding)
        finding.status, finding.triaged_by, finding.forward_note = (
            Status.INVESTIGATING,
            actor,
            (note or "").strip(),
        )
        finding.save()
        audit_record(
            actor=actor, action="finding.investigate", target=finding, before=before, after=_snapshot(finding)
        )
        _notify_reporter(
            finding, gettext("您的监督意见 {number} 由司法行政机关调查核实").format(number=finding.number)
        )
    return finding


def finding_merge(*, actor: Any, finding: Finding, into: Finding) -> Finding:
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.SUBMITTED)
        into = Finding.objects.select_related("agency", "programme__organisation").get(pk=into.pk)
        _require_staff(actor, into)
        if into.pk == finding.pk or into.status in (Status.MERGED, Status.DECLINED):
            raise ValidationError(gettext("只能合并到另一件未合并、未被驳回的监督意见"))
        if into.agency_id != finding.agency_id:
            raise ValidationError(gettext("只能合并反映同一被监督单位的重复意见"))
        before = _snapshot(finding)
        finding.status, finding.merged_into, finding.triaged_by = Status.MERGED, into, actor
        finding.save()
        audit_record(
            actor=actor,
            action="finding.merge",
            target=finding,
            before=before,
            after={**_snapshot(finding), "merged_into": into.pk},
        )
        _notify_reporter(
            finding,
            gettext("您的监督意见 {number} 与 {number2} 合并办理").format(
                number=finding.number, number2=into.number
            ),
        )
    return finding


def finding_decline(*, actor: Any, finding: Finding, reason: str) -> Finding:
    reason = _need(reason, gettext("不予处理的理由"))
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.SUBMITTED)
        before = _snapshot(finding)
        finding.status, finding.decline_reason, finding.triaged_by = Status.DECLINED, reason, actor
        finding.closed_on = timezone.localdate()
        finding.save()
        audit_record(
            actor=actor,
            action="finding.decline",
            target=finding,
            before=before,
            after={**_snapshot(finding), "reason": reason},
        )
        _notify_reporter(
            finding,
            gettext("您的监督意见 {number} 不予处理").format(number=finding.number),
            gettext("理由：{reason}").format(reason=reason),
            sms=True,
        )
    return finding


# --- the agency answers (威海 2022 第十二条; 万州 第十六条第三款) -------------------------------------


def finding_reply(
    *,
    actor: Any,
    finding: Finding,
    adopted: bool,
    reply_text: str,
    correction: str,
    rectification_plan: str = "",
    rectify_due: dt.date | None = None,
    today: dt.date | None = None,
) -> Finding:
    today = _today(today)
    reply_text = _need(reply_text, gettext("答复内容"))
    if correction not in Correction.values:
        raise ValidationError(gettext("请选择整改方式"))
    if correction == Correction.PLAN:
        rectification_plan = _need(rectification_plan, gettext("整改计划"))
        if rectify_due is None:
            rule = programme_cite(finding.programme, "findings.rectification_required", today)
            raise ValidationError(
                gettext("不能立即纠正的，应明确整改期限{cite_suffix}").format(cite_suffix=cite_suffix(rule))
            )
        if rectify_due <= today:
            raise ValidationError(gettext("整改期限应晚于今天"))
    else:
        rectification_plan, rectify_due = "", None
    with transaction.atomic():
        finding = _lock(finding)
        _require_agency(actor, finding)
        _require_status(finding, Status.FORWARDED)
        before = _snapshot(finding)
        finding.replied_on, finding.reply_text, finding.adopted = today, reply_text, bool(adopted)
        finding.correction, finding.rectification_plan = correction, rectification_plan
        if correction == Correction.PLAN:
            finding.status = Status.RECTIFYING
            finding.rectify_due = rectify_due
            finding.rectify_remind_on = deadlines.remind_on(rectify_due)
            finding.scan_stamps.filter(stage__in=["rectify_reminder", "rectify_escalation"]).delete()
        else:
            finding.status = Status.REPLIED
        finding.save()
        audit_record(
            actor=actor,
            action="finding.reply",
            target=finding,
            before=before,
            after=_snapshot(finding, "replied_on", "adopted", "correction", "rectify_due"),
        )
        late = gettext(" （逾期答复）") if finding.reply_due and today > finding.reply_due else ""
        _notify_bureau(
            finding,
            gettext("{agency} 已答复监督意见 {number}{late}").format(
                agency=finding.agency, number=finding.number, late=late
            ),
            gettext("采纳情况：{value}；{get_correction_display}").format(
                value=gettext("采纳") if finding.adopted else gettext("未采纳"),
                get_correction_display=finding.get_correction_display(),
            )
            + (
                gettext("，整改期限 {rectify_due:%Y-%m-%d}").format(rectify_due=rectify_due)
                if rectify_due
                else ""
            ),
            kind="finding.replied",
        )
    return finding


def finding_report_rectified(
    *, actor: Any, finding: Finding, report: str, today: dt.date | None = None
) -> Finding:
    """The agency reports its rectification done (万州 第十六条第三款: 问题整改情况报送)."""
    report = _need(report, gettext("整改情况"))
    with transaction.atomic():
        finding = _lock(finding)
        _require_agency(actor, finding)
        _require_status(finding, Status.RECTIFYING)
        before = _snapshot(finding)
        finding.status, finding.rectified_on, finding.rectification_report = (
            Status.REPLIED,
            _today(today),
            report,
        )
        finding.save()
        audit_record(
            actor=actor,
            action="finding.rectified",
            target=finding,
            before=before,
            after=_snapshot(finding, "rectified_on"),
        )
        _notify_bureau(
            finding,
            gettext("{agency} 报送监督意见 {number} 整改情况").format(
                agency=finding.agency, number=finding.number
            ),
            kind="finding.rectified",
        )
    return finding


# --- the bureau verifies and ticks off (对账销号), and tells the reporter (威海 2022 第十五条) -----------


def finding_verify(
    *, actor: Any, finding: Finding, result_text: str, today: dt.date | None = None
) -> Finding:
    result_text = _need(result_text, gettext("处理结果"))
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.REPLIED, Status.INVESTIGATING)
        before = _snapshot(finding)
        finding.status, finding.closed_on, finding.result_text = Status.CLOSED, _today(today), result_text
        finding.save()
        audit_record(
            actor=actor,
            action="finding.verify",
            target=finding,
            before=before,
            after=_snapshot(finding, "closed_on"),
        )
        _notify_reporter(
            finding,
            gettext("您的监督意见 {number} 已办结").format(number=finding.number),
            gettext("处理结果：{result_text}").format(result_text=result_text),
            sms=True,
        )
        if finding.forwarded_on:
            _notify_agency(
                finding,
                gettext("监督意见 {number} 已核验销号").format(number=finding.number),
                kind="finding.closed",
            )
            webhooks.rectification_verified_emit(finding=finding)
    return finding


def finding_return(*, actor: Any, finding: Finding, note: str) -> Finding:
    """The bureau sends a reply back (答复不符合要求): the same clock keeps running."""
    note = _need(note, gettext("退回理由"))
    with transaction.atomic():
        finding = _lock(finding)
        _require_staff(actor, finding)
        _require_status(finding, Status.REPLIED)
        before = _snapshot(finding)
        finding.status = Status.RECTIFYING if finding.correction == Correction.PLAN else Status.FORWARDED
        finding.save()
        audit_record(
            actor=actor,
            action="finding.return",
            target=finding,
            before=before,
            after={**_snapshot(finding), "note": note},
        )
        _notify_agency(
            finding,
            gettext("监督意见 {number} 的答复被退回").format(number=finding.number),
            gettext("退回理由：{note}").format(note=note),
            kind="finding.returned",
        )
    return finding


def finding_rate(*, actor: Any, finding: Finding, rating: int, comment: str = "") -> Finding:
    if not 1 <= int(rating) <= 5:
        raise ValidationError(gettext("评价应为 1 至 5 星"))
    with transaction.atomic():
        finding = (
            Finding.objects.select_for_update(of=("self",)).select_related("reporter").get(pk=finding.pk)
        )
        if finding.reporter is None or finding.reporter.user_id != actor.pk:
            raise PermissionError(gettext("只有提出人可以评价"))
        _require_status(finding, Status.CLOSED, Status.DECLINED)
        before = {"rating": finding.rating}
        finding.rating, finding.rating_comment = int(rating), (comment or "").strip()[:255]
        finding.save(update_fields=["rating", "rating_comment", "updated_at"])
        audit_record(
            actor=actor,
            action="finding.rate",
            target=finding,
            before=before,
            after={"rating": finding.rating},
        )
    return finding


# --- complaints against supervisors (万州 第十七条; 威海 2022 第十三条) -------------------------------


def _tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _match_supervisor(programme: Programme | None, name: str, certificate_no: str) -> Supervisor | None:
    qs = Supervisor.objects.filter(full_name=name)
    if programme is not None:
        qs = qs.filter(programme=programme)
    if certificate_no:
        qs = qs.filter(certificate_no=certificate_no)
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def complaint_submit(
    *,
    actor: Any,
    programme: Programme | None,
    supervisor_name: str,
    text: str,
    certificate_no: str = "",
    complainant_name: str = "",
    complainant_phone: str = "",
    today: dt.date | None = None,
) -> Complaint:
    """From agency staff (signed in: 威海 2022 第十三条, 万州 第十七条) or the public (万州 第十七条).
    A member of the public leaves a phone number for the result; the tracking code shows it too."""
    supervisor_name = _need(
        text_capped(supervisor_name, label=gettext("被举报监督员姓名"), limit=60), gettext("被举报监督员姓名")
    )
    text = _need(text_capped(text, label=gettext("举报内容")), gettext("举报内容"))
    text_capped(complainant_name, label=gettext("举报人姓名"), limit=60)
    text_capped(certificate_no, label=gettext("证件编号"), limit=40)
    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in and not actor.can(Capability.ANSWER_FINDINGS):
        raise PermissionError(gettext("请以被监督单位账号举报，或使用公开举报入口"))
    phone = (complainant_phone or "").strip()
    if not signed_in:
        if programme is None:
            raise ValidationError(gettext("请选择监督员所属项目"))
        if not phone:
            raise ValidationError(gettext("请留下联系电话，以便反馈调查结果"))
    if phone and (error := mobile_error(phone)):
        raise ValidationError(error)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            tracking_code=_tracking_code(),
            complainant_kind=ComplainantKind.AGENCY if signed_in else ComplainantKind.PUBLIC,
            complainant_org=actor.organisation if signed_in else None,
            complainant_user=actor if signed_in else None,
            complainant_name=(complainant_name or (actor.full_name if signed_in else "")).strip()[:60],
            complainant_phone=phone,
            programme=programme,
            supervisor=_match_supervisor(programme, supervisor_name, certificate_no.strip()),
            supervisor_name_given=supervisor_name[:60],
            certificate_no_given=certificate_no.strip()[:40],
            text=text,
            received_on=_today(today),
        )
        audit_record(
            actor=actor,
            action="complaint.create",
            target=complaint,
            after={"kind": complaint.complainant_kind, "programme_id": getattr(programme, "pk", None)},
        )
        recipients = (
            list(bureau_staff_for(programme))
            if programme
            else list(bureau_staff_for(complaint.supervisor.programme))
            if complaint.supervisor
            else []
        )
        notification_send(
            recipients=recipients,
            subject=gettext("收到对监督员的举报 {tracking_code}").format(
                tracking_code=complaint.tracking_code
            ),
            link=reverse("findings:complaint_detail", args=[complaint.pk]),
            channels=(INBOX, EMAIL),
            kind="complaint.new",
            audit=False,
        )
    return complaint


def complaint_start(*, actor: Any, complaint: Complaint) -> Complaint:
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.status != ComplaintStatus.RECEIVED:
            raise ValidationError(gettext("该举报已在调查或已办结"))
        complaint.status = ComplaintStatus.INVESTIGATING
        complaint.save(update_fields=["status"])
        audit_record(
            actor=actor, action="complaint.investigate", target=complaint, after={"status": complaint.status}
        )
    return complaint


def complaint_conclude(
    *,
    actor: Any,
    complaint: Complaint,
    substantiated: bool,
    outcome: str,
    supervisor: Supervisor | None = None,
    dismissal_ground: str = "",
    dismissal_article: str = "",
    referred_to: str = "",
    today: dt.date | None = None,
) -> Complaint:
    """The result goes back to the complainant (万州 第十七条); a proven complaint names the dismissal
    ground it supports, for the roster's dismissal procedure; 违法违纪 is referred (移送) on."""
    outcome = _need(outcome, gettext("调查结果"))
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("complainant_user")
            .get(pk=complaint.pk)
        )
        if complaint.status in (ComplaintStatus.SUBSTANTIATED, ComplaintStatus.UNSUBSTANTIATED):
            raise ValidationError(gettext("该举报已办结"))
        if supervisor is not None:
            complaint.supervisor = supervisor
        if substantiated and complaint.supervisor is None:
            raise ValidationError(gettext("查证属实的举报应关联到具体监督员"))
        before = {"status": complaint.status}
        complaint.status = ComplaintStatus.SUBSTANTIATED if substantiated else ComplaintStatus.UNSUBSTANTIATED
        complaint.outcome, complaint.concluded_on = outcome, _today(today)
        complaint.dismissal_ground = dismissal_ground if substantiated else ""
        complaint.dismissal_article = dismissal_article if substantiated else ""
        complaint.referred_to = (referred_to or "").strip()[:120]
        complaint.save()
        audit_record(
            actor=actor,
            action="complaint.conclude",
            target=complaint,
            before=before,
            after={
                "status": complaint.status,
                "supervisor_id": complaint.supervisor_id,
                "dismissal_ground": complaint.dismissal_ground,
                "dismissal_article": complaint.dismissal_article,
                "referred_to": complaint.referred_to,
            },
        )
        subject = gettext("您的举报 {tracking_code} 已办结：{get_status_display}").format(
            tracking_code=complaint.tracking_code, get_status_display=complaint.get_status_display()
        )
        if complaint.complainant_user is not None:
            notification_send(
                recipients=[complaint.complainant_user],
                subject=subject,
                body=outcome,
                link=reverse("findings:complaint_detail", args=[complaint.pk]),
                channels=(INBOX, EMAIL),
                kind="complaint.result",
                audit=False,
            )
        elif complaint.complainant_phone:
            notification_send(
                recipients=[],
                subject=subject,
                channels=(SMS,),
                phones=[complaint.complainant_phone],
                kind="complaint.result",
                audit=False,
            )
    return complaint
