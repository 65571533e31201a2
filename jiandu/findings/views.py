"""Pages for findings and complaints. Thin: forms in, services do the work, selectors decide what
each audience may read (staff: models; agency: AgencyFinding projections only; reporter: own)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import permission_denied
from jiandu.core.ratelimits import limit_by_address
from jiandu.core.rows import choice_labels, url_for_pk, ymd
from jiandu.findings import forms, services
from jiandu.findings.exports import export_rows, rows_to_csv
from jiandu.findings.models import Complaint, ComplaintStatus, Finding, FindingAttachment, Status
from jiandu.findings.selectors import (
    AGENCY,
    REPORTER,
    STAFF,
    agency_finding,
    agency_findings,
    agency_findings_queryset,
    audience,
    complaints_by_user,
    complaints_for_staff,
    finding_page,
    findings_for_reporter,
    findings_for_staff,
    list_columns,
    overdue_by_agency,
    overdue_q,
)
from jiandu.roster.models import Supervisor
from jiandu.roster.services import grounds_for
from jiandu.rules.dismissal import RESIGNED


def _who(request: HttpRequest, action: str) -> str:
    who = audience(request.user)
    if who is None:
        raise permission_denied(request, action=action, reason=gettext("该账号不办理监督意见"))
    return who


def _errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


# --- lists -------------------------------------------------------------------------------------------


def finding_list(request: HttpRequest) -> HttpResponse:
    who = _who(request, "finding_list")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    ctx: dict[str, Any] = {
        "who": who,
        "status": status,
        "overdue": overdue,
        "statuses": Status.choices,
        "today": today,
    }
    if who == AGENCY:
        qs = agency_findings_queryset(request.user)
    elif who == STAFF:
        qs = findings_for_staff(request.user)
    else:
        qs = findings_for_reporter(request.user)
    if status in Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q(today))
    after = request.GET.get("after")
    if who == AGENCY:
        # The agency's page lists projections, never Finding objects.
        page = finding_page(qs, after=after, read=lambda rows: rows.only("id", "submitted_on"))
        ids = [f.pk for f in page.rows]
        rows: list[Any] = agency_findings(request.user, qs=qs.filter(pk__in=ids))
        rows.sort(key=lambda a: ids.index(a.id))
    else:
        page = finding_page(qs, after=after, read=list_columns)
        # What each row prints, formatted here once (jiandu.core.rows), not per row in the template.
        detail_url = url_for_pk("findings:detail")
        statuses = choice_labels(Status.choices)
        rows = [
            {
                "f": f,
                "url": detail_url(f.pk),
                "status": statuses.get(f.status, f.status),
                "rectify_due": ymd(f.rectify_due),
                "reply_due": ymd(f.reply_due),
                "overdue": f.is_overdue(today),
            }
            for f in page.rows
        ]
    ctx["page"], ctx["rows"] = page, rows
    return render(request, "findings/list.html", ctx)


def finding_overdue(request: HttpRequest) -> HttpResponse:
    """逾期清单: per agency for the bureau; the agency's own for the agency."""
    who = _who(request, "finding_overdue")
    if who == REPORTER:
        raise permission_denied(request, action="finding_overdue", reason=gettext("监督员不查看督办清单"))
    today = timezone.localdate()
    if who == AGENCY:
        rows = agency_findings(
            request.user, qs=agency_findings_queryset(request.user).filter(overdue_q(today))
        )
        return render(request, "findings/overdue.html", {"who": who, "rows": rows, "today": today})
    qs = findings_for_staff(request.user)
    return render(
        request,
        "findings/overdue.html",
        {
            "who": who,
            "today": today,
            "by_agency": overdue_by_agency(qs, today),
            "rows": qs.filter(overdue_q(today)).order_by("reply_due", "rectify_due", "id")[:200],
        },
    )


def finding_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _who(request, "finding_export")
    if fmt not in ("csv", "json"):
        raise Http404
    rows = export_rows(
        request.user, status=request.GET.get("status", ""), overdue=request.GET.get("overdue") == "1"
    )
    if fmt == "json":
        return HttpResponse(
            json.dumps(rows, ensure_ascii=False, default=str), content_type="application/json; charset=utf-8"
        )
    response = HttpResponse(rows_to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="findings-{timezone.localdate():%Y%m%d}.csv"'
    return response


# --- submit --------------------------------------------------------------------------------------


def finding_new(request: HttpRequest) -> HttpResponse:
    who = _who(request, "finding_new")
    if who == REPORTER:
        user_id: int = request.user.pk or 0
        supervisor = (
            Supervisor.objects.select_related("programme__organisation").filter(user_id=user_id).first()
        )
        if supervisor is None:
            raise permission_denied(request, action="finding_new", reason=gettext("该账号未关联监督员"))
        form = forms.SubmitForm(request.POST or None, request.FILES or None, programme=supervisor.programme)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                finding = services.finding_submit(
                    actor=request.user,
                    supervisor=supervisor,
                    agency=d["agency"],
                    text=d["text"],
                    title=d["title"],
                    source=d["source"],
                    confidential=d["confidential"],
                    occurred_on=d["occurred_on"],
                    uploads=request.FILES.getlist("attachments"),
                )
            except (ValidationError, PermissionError) as exc:
                _errors(request, exc)
            else:
                messages.success(request, gettext("已提交，编号 {number}").format(number=finding.number))
                return redirect("findings:detail", finding.pk)
        elif request.method == "POST":
            _form_errors(request, form)
        ctx = {"form": form, "who": who, "programme": supervisor.programme}
        return render(request, "findings/new.html", ctx)
    if who == STAFF:
        staff_form = forms.InspectionForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and staff_form.is_valid():
            d = staff_form.cleaned_data
            try:
                finding = services.finding_record_inspection(
                    actor=request.user,
                    programme=d["programme"],
                    agency=d["agency"],
                    text=d["text"],
                    title=d["title"],
                    occurred_on=d["occurred_on"],
                    uploads=request.FILES.getlist("attachments"),
                )
            except (ValidationError, PermissionError) as exc:
                _errors(request, exc)
            else:
                messages.success(request, gettext("已登记，编号 {number}").format(number=finding.number))
                return redirect("findings:detail", finding.pk)
        elif request.method == "POST":
            _form_errors(request, staff_form)
        return render(request, "findings/new.html", {"form": staff_form, "who": who})
    raise permission_denied(request, action="finding_new", reason=gettext("被监督单位不提交监督意见"))


# --- detail and actions --------------------------------------------------------------------------


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    who = _who(request, "finding_detail")
    if who == AGENCY:
        item = agency_finding(request.user, pk)
        if item is None:
            raise Http404
        return render(
            request,
            "findings/detail_agency.html",
            {"f": item, "reply_form": forms.ReplyForm(), "rectified_form": forms.RectifiedForm()},
        )
    qs = findings_for_staff(request.user) if who == STAFF else findings_for_reporter(request.user)
    finding = get_object_or_404(qs.select_related("merged_into", "agency", "programme"), pk=pk)
    ctx: dict[str, Any] = {
        "f": finding,
        "who": who,
        "attachments": list(finding.attachments.all()),
        "today": timezone.localdate(),
        "overdue": finding.is_overdue(timezone.localdate()),
    }
    if who == STAFF:
        ctx |= {
            "forward_form": forms.ForwardForm(),
            "note_form": forms.NoteForm(),
            "decline_form": forms.DeclineForm(),
            "merge_form": forms.MergeForm(),
            "verify_form": forms.VerifyForm(),
            "merged": list(finding.merged.all()),
        }
        return render(request, "findings/detail_staff.html", ctx)
    ctx["rate_form"] = forms.RateForm()
    return render(request, "findings/detail_reporter.html", ctx)


def _act_forward(request: HttpRequest, finding: Finding) -> Any:
    form = forms.ForwardForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_forward(
        actor=request.user,
        finding=finding,
        note=form.cleaned_data["note"],
        reply_due=form.cleaned_data["reply_due"],
    )
    return gettext("已转送被监督单位")


def _act_investigate(request: HttpRequest, finding: Finding) -> Any:
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_investigate(actor=request.user, finding=finding, note=form.cleaned_data["note"])
    return gettext("已转为本局调查")


def _act_decline(request: HttpRequest, finding: Finding) -> Any:
    form = forms.DeclineForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_decline(actor=request.user, finding=finding, reason=form.cleaned_data["reason"])
    return gettext("已决定不予处理")


def _act_merge(request: HttpRequest, finding: Finding) -> Any:
    form = forms.MergeForm(request.POST)
    if not form.is_valid():
        return form
    into = findings_for_staff(request.user).filter(pk=form.cleaned_data["into"]).first()
    if into is None:
        raise ValidationError(gettext("找不到要合并到的监督意见"))
    services.finding_merge(actor=request.user, finding=finding, into=into)
    return gettext("已合并至 {number}").format(number=into.number)


def _act_verify(request: HttpRequest, finding: Finding) -> Any:
    form = forms.VerifyForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_verify(actor=request.user, finding=finding, result_text=form.cleaned_data["result_text"])
    return gettext("已核验销号，处理结果已反馈提出人")


def _act_return(request: HttpRequest, finding: Finding) -> Any:
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_return(actor=request.user, finding=finding, note=form.cleaned_data["note"])
    return gettext("已退回被监督单位")


def _act_reply(request: HttpRequest, finding: Finding) -> Any:
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return form
    d = form.cleaned_data
    services.finding_reply(
        actor=request.user,
        finding=finding,
        adopted=d["adopted"],
        reply_text=d["reply_text"],
        correction=d["correction"],
        rectification_plan=d["rectification_plan"],
        rectify_due=d["rectify_due"],
    )
    return gettext("答复已报送司法行政机关")


def _act_rectified(request: HttpRequest, finding: Finding) -> Any:
    form = forms.RectifiedForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_report_rectified(actor=request.user, finding=finding, report=form.cleaned_data["report"])
    return gettext("整改情况已报送")


def _act_rate(request: HttpRequest, finding: Finding) -> Any:
    form = forms.RateForm(request.POST)
    if not form.is_valid():
        return form
    services.finding_rate(
        actor=request.user,
        finding=finding,
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
    )
    return gettext("感谢您的评价")


ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, Finding], Any]]] = {
    "forward": (STAFF, _act_forward),
    "investigate": (STAFF, _act_investigate),
    "decline": (STAFF, _act_decline),
    "merge": (STAFF, _act_merge),
    "verify": (STAFF, _act_verify),
    "return": (STAFF, _act_return),
    "reply": (AGENCY, _act_reply),
    "rectified": (AGENCY, _act_rectified),
    "rate": (REPORTER, _act_rate),
}


@require_POST
def finding_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    who = _who(request, f"finding_{action}")
    if action not in ACTIONS:
        raise Http404
    needed, handler = ACTIONS[action]
    if who != needed:
        raise permission_denied(request, action=f"finding_{action}", reason=gettext("该角色不能执行此操作"))
    if who == AGENCY:
        # The agency handles the row only through services; it reads the projection elsewhere.
        finding = get_object_or_404(agency_findings_queryset(request.user), pk=pk)
    elif who == STAFF:
        finding = get_object_or_404(findings_for_staff(request.user), pk=pk)
    else:
        finding = get_object_or_404(findings_for_reporter(request.user), pk=pk)
    try:
        result = handler(request, finding)
    except (ValidationError, PermissionError) as exc:
        _errors(request, exc)
    else:
        if isinstance(result, str):
            messages.success(request, result)
        else:
            _form_errors(request, result)
    return redirect("findings:detail", pk)


def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse | FileResponse:
    who = _who(request, "attachment_download")
    if who == AGENCY:
        if not agency_findings_queryset(request.user).filter(pk=pk).exists():
            raise Http404
        ids = list(
            FindingAttachment.objects.filter(finding_id=pk).order_by("id").values_list("id", flat=True)
        )
        if attachment_id not in ids:
            raise Http404
        att = FindingAttachment.objects.only("file", "content_type", "extension").get(pk=attachment_id)
        filename = gettext("附件{value}{extension}").format(
            value=ids.index(attachment_id) + 1, extension=att.extension
        )  # never the uploader's file name
    else:
        qs = findings_for_staff(request.user) if who == STAFF else findings_for_reporter(request.user)
        finding = get_object_or_404(qs, pk=pk)
        att = get_object_or_404(FindingAttachment, pk=attachment_id, finding=finding)
        filename = att.original_name or gettext("附件{extension}").format(extension=att.extension)
    return FileResponse(
        att.file.open("rb"), as_attachment=False, filename=filename, content_type=att.content_type
    )


# --- complaints (万州 第十七条; 威海 2022 第十三条) -----------------------------------------------


def _grounds(complaint: Complaint) -> list[tuple[str, str]]:
    programme = complaint.programme or (complaint.supervisor.programme if complaint.supervisor else None)
    if programme is None:
        return []
    # The grounds a proven complaint may lead to (resignation is not one: it is the person's request).
    # A rulebook that cannot be loaded raises: it is broken, not "no grounds".
    grounds = [g for g in grounds_for(programme, on=timezone.localdate()) if g.code != RESIGNED]
    return [(f"{g.code}|{g.article}", f"{g.article} {g.text}"[:80]) for g in grounds]


def complaint_list(request: HttpRequest) -> HttpResponse:
    if request.user.can(Capability.MANAGE_PROGRAMMES) or request.user.can(Capability.ASSIST_PROGRAMMES):  # type: ignore[union-attr]
        rows = complaints_for_staff(request.user)
    elif request.user.can(Capability.ANSWER_FINDINGS):  # type: ignore[union-attr]
        rows = complaints_by_user(request.user)
    else:
        raise permission_denied(request, action="complaint_list", reason=gettext("无权查看举报"))
    return render(request, "findings/complaint_list.html", {"rows": rows[:200]})


def complaint_new(request: HttpRequest) -> HttpResponse:
    if not request.user.can(Capability.ANSWER_FINDINGS):  # type: ignore[union-attr]
        raise permission_denied(request, action="complaint_new", reason=gettext("请使用公开举报入口"))
    form = forms.ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.complaint_submit(
                actor=request.user,
                programme=d["programme"],
                supervisor_name=d["supervisor_name"],
                certificate_no=d["certificate_no"],
                text=d["text"],
            )
        except (ValidationError, PermissionError) as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                gettext("举报已受理，查询码 {tracking_code}").format(tracking_code=complaint.tracking_code),
            )
            return redirect("findings:complaint_detail", complaint.pk)
    ctx = {"form": form, "public": False, "programmes": list(form.fields["programme"].queryset)}  # type: ignore[attr-defined]
    return render(request, "findings/complaint_new.html", ctx)


def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = request.user.can(Capability.MANAGE_PROGRAMMES) or request.user.can(Capability.ASSIST_PROGRAMMES)  # type: ignore[union-attr]
    qs = complaints_for_staff(request.user) if staff else complaints_by_user(request.user)
    complaint = get_object_or_404(qs, pk=pk)
    ctx: dict[str, Any] = {"c": complaint, "staff": staff}
    if staff:
        ctx["conclude_form"] = forms.ConcludeForm(grounds=_grounds(complaint))
    return render(request, "findings/complaint_detail.html", ctx)


@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    complaint = get_object_or_404(complaints_for_staff(request.user), pk=pk)
    try:
        if action == "start":
            services.complaint_start(actor=request.user, complaint=complaint)
            messages.success(request, gettext("已开始调查"))
        elif action == "conclude":
            form = forms.ConcludeForm(request.POST, grounds=_grounds(complaint))
            if not form.is_valid():
                _form_errors(request, form)
                return redirect("findings:complaint_detail", pk)
            d = form.cleaned_data
            supervisor = None
            if d["supervisor"]:
                supervisor = Supervisor.objects.filter(
                    pk=d["supervisor"],
                    programme__organisation__path__startswith=request.user.organisation.path,  # type: ignore[union-attr]
                ).first()
                if supervisor is None:
                    raise ValidationError(gettext("找不到该监督员"))
            code, _, article = (d["dismissal_ground"] or "").partition("|")
            services.complaint_conclude(
                actor=request.user,
                complaint=complaint,
                substantiated=d["substantiated"],
                outcome=d["outcome"],
                supervisor=supervisor,
                dismissal_ground=code,
                dismissal_article=article,
                referred_to=d["referred_to"],
            )
            messages.success(request, gettext("已办结，结果已反馈举报人"))
        else:
            raise Http404
    except (ValidationError, PermissionError) as exc:
        _errors(request, exc)
    return redirect("findings:complaint_detail", pk)


@login_not_required
@limit_by_address("public-form", "JIANDU_RATE_PUBLIC_FORM", "10/h")
def complaint_public(request: HttpRequest) -> HttpResponse:
    # A programme's public page links here with ?programme=<id>, so the form opens on that programme.
    form = forms.PublicComplaintForm(
        request.POST or None, initial={"programme": request.GET.get("programme")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            complaint = services.complaint_submit(
                actor=None,
                programme=d["programme"],
                supervisor_name=d["supervisor_name"],
                certificate_no=d["certificate_no"],
                text=d["text"],
                complainant_name=d["complainant_name"],
                complainant_phone=d["complainant_phone"],
            )
        except (ValidationError, PermissionError) as exc:
            _errors(request, exc)
        else:
            return render(request, "findings/complaint_received.html", {"code": complaint.tracking_code})
    ctx = {"form": form, "public": True, "programmes": list(form.fields["programme"].queryset)}  # type: ignore[attr-defined]
    return render(request, "findings/complaint_new.html", ctx)


@login_not_required
@limit_by_address("public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP", "30/m")
def complaint_track(request: HttpRequest) -> HttpResponse:
    """The public complainant's result (万州 第十七条: 将结果向举报人反馈), by code and phone."""
    form = forms.TrackForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        from jiandu.rules.identifiers import mobile_error

        code = form.cleaned_data["code"].strip().upper()
        phone = form.cleaned_data["phone"].strip()
        candidate = Complaint.objects.filter(tracking_code=code).first() if not mobile_error(phone) else None
        if candidate is not None and candidate.complainant_phone == phone:
            found = candidate
        else:
            messages.error(request, gettext("查询码或手机号码不正确"))
    return render(
        request,
        "findings/complaint_track.html",
        {"form": form, "c": found, "done": (ComplaintStatus.SUBSTANTIATED, ComplaintStatus.UNSUBSTANTIATED)},
    )
