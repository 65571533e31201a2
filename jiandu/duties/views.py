"""Pages for duties: staff (request, draw, contact status live, the day, reports), the supervisor's
phone view, and the public draw records. Thin: forms → services; reads → selectors."""

from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import permission_denied, require_capability
from jiandu.core.personal import personal_reveal
from jiandu.core.rows import choice_labels, url_for_pk, ymd
from jiandu.duties import contact, selectors, services
from jiandu.duties.forms import ADOPTION_CHOICES, AnswerWindowForm, DutyRequestForm, WitnessForm
from jiandu.duties.models import (
    Adoption,
    Assignment,
    AssignmentStatus,
    DrawCommitment,
    DrawRecord,
    Duty,
    DutyKind,
    DutyRecord,
    DutyStatus,
)
from jiandu.duties.pool import supervisor_pk
from jiandu.duties.verify import record_problems
from jiandu.roster.models import Programme, Specialty
from jiandu.roster.rules import cite_suffix, programme_cite
from jiandu.rules import draw_v2


def _staff(request: HttpRequest) -> bool:
    user: Any = request.user
    return any(
        user.can(c)
        for c in (Capability.MANAGE_PROGRAMMES, Capability.ASSIST_PROGRAMMES, Capability.REQUEST_DUTIES)
    )


def _require_staff(request: HttpRequest, action: str) -> None:
    if not _staff(request):
        raise permission_denied(request, action=action, reason=_("仅工作人员可用"))


def _error(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, str(exc))


# ------------------------------------------------------------------------------------------------ staff


def duty_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request, "duty_list")
    page = selectors.duty_list_page(request.user, after=request.GET.get("after"))
    return render(
        request,
        "duties/list.html",
        {
            "rows_html": duty_rows_html(page.rows, today=timezone.localdate()),
            "page": page,
            "can_request": request.user.can(Capability.REQUEST_DUTIES),  # type: ignore[union-attr]
            "can_manage": request.user.can(Capability.MANAGE_PROGRAMMES),  # type: ignore[union-attr]
        },
    )


# One row of the duty list (duties/list.html's table body). Formatted here, each value escaped as
# the template escaped it, rather than by a `{% for %}` loop: 50 rows of nine values through the
# template engine (a variable lookup, localisation and escaping per value, a context push per row)
# were the largest part of the page's CPU once its queries were few (docs/performance.md, "Python CPU
# per page"). jiandu/duties/tests/test_list_rows.py holds it to the loop's output.
DUTY_ROW = (
    "\n<tr>\n  <td>{}</td>\n"
    '  <td><a href="{}">{}</a><br><span class="muted">{} · {}</span></td>\n'
    "  <td>{}</td>\n  <td>{}</td>\n  <td>{}{}</td>\n</tr>\n"
)


def duty_rows_html(rows: list[dict[str, Any]], *, today: dt.date) -> SafeString:
    """The table rows of a DutyPage's `rows` ("" for none: the template says there are none)."""
    detail_url = url_for_pk("duties:detail")
    kinds, statuses = choice_labels(DutyKind.choices), choice_labels(DutyStatus.choices)
    overdue = format_html('<br><strong class="error">{}</strong>', _("通报逾期"))
    # html.escape is what the template's autoescape (django.utils.html.escape) applies to a string,
    # without its lazy-string wrapper and SafeString per value.
    esc = html.escape
    text = "".join(
        DUTY_ROW.format(
            esc(ymd(d["duty_on"])),
            esc(detail_url(d["id"])),
            esc(d["title"]),
            esc(kinds.get(d["kind"], d["kind"])),
            esc(d["programme__name"]),
            esc(d["agency__name"]),
            esc(str(d["supervisors_needed"])),
            esc(statuses.get(d["status"], d["status"])),
            # Only the rows on the page: no second pass over every visible duty.
            overdue if selectors.report_overdue(d, today) else "",
        )
        for d in rows
    )
    return mark_safe(text)  # noqa: S308 - every value above is escaped; the rest is DUTY_ROW's markup


@require_capability(Capability.REQUEST_DUTIES)
def duty_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    programmes = services.programmes_for_agency(user.organisation) if user.organisation else []
    form = DutyRequestForm(request.POST or None, programmes=programmes)
    refusal = None
    if request.method == "POST" and form.is_valid():
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
            quotas=tuple(c["quotas"]),
            parties=tuple(line.strip() for line in c["parties"].splitlines() if line.strip()),
            related_orgs=tuple(c["related_orgs"]),
            consent=c["consent"],
            consent_note=c["consent_note"],
        )
        try:
            duty = services.duty_request(actor=user, data=data)
        except services.RequestRefused as exc:
            refusal = exc.decision
        except services.DutyError as exc:
            form.add_error(None, str(exc))
        except LookupError as exc:  # CalendarUnknownYear: names the year whose notice to load
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("需求已提交，等待%(org)s抽选") % {"org": duty.programme.organisation.name}
            )
            if duty.lead_provisional:
                # Passed on a provisional calendar: said, not refused (DESIGN.md “Time”).
                messages.warning(request, duty.lead_decision["reasons"][0]["message"])
            return redirect("duties:detail", duty.pk)
    return render(request, "duties/new.html", {"form": form, "refusal": refusal, "programmes": programmes})


def _detail_context(request: HttpRequest, duty: Duty) -> dict[str, Any]:
    user: Any = request.user
    open_commitment = selectors.commitment_open(duty)
    record = DutyRecord.objects.filter(duty=duty).first()
    assignments = selectors.contact_rows(duty)
    for a in assignments:
        a.phone_masked = a.supervisor.phone_masked  # type: ignore[attr-defined]
    today = timezone.localdate()
    return {
        "answer_form": AnswerWindowForm(initial={"hours": duty.answer_hours or 24}),
        "unsent": sum(
            1 for a in assignments if a.status == AssignmentStatus.INVITED and a.notified_at is None
        ),
        "duty": duty,
        "draws": selectors.draws_shown(duty),
        "open_commitment": open_commitment,
        "witness_form": WitnessForm(),
        "assignments": assignments,
        "accepted": sum(
            1 for a in assignments if a.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.ATTENDED)
        ),
        "record": record,
        "record_locked": services.record_locked_reason(duty, record),
        "specialty_minimums": [
            (dict(Specialty.choices).get(code, code), n)
            for code, n in (duty.specialty_minimums or {}).items()
        ],
        "opinions": selectors.record_opinions_for(user, record),
        "can_manage": user.can(Capability.MANAGE_PROGRAMMES),
        "can_agency": user.can(Capability.REQUEST_DUTIES),
        "can_draw": user.can(Capability.MANAGE_PROGRAMMES)
        and duty.status in (DutyStatus.REQUESTED, DutyStatus.REDRAW_NEEDED),
        "day_reached": duty.duty_on <= today,
        "report_overdue": duty.report_due_on is not None
        and duty.reported_on is None
        and duty.status == DutyStatus.HELD
        and today > duty.report_due_on,
        "live": duty.status in (DutyStatus.CONTACTING, DutyStatus.STAFFED, DutyStatus.REDRAW_NEEDED),
    }


def duty_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request, "duty_detail")
    duty = selectors.duty_get(request.user, pk)
    return render(request, "duties/detail.html", _detail_context(request, duty))


def duty_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """The contact list alone, polled by htmx so staff see answers as they come."""
    _require_staff(request, "duty_contacts")
    duty = selectors.duty_get(request.user, pk)
    return render(request, "duties/_contacts.html", _detail_context(request, duty))


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def draw_open(request: HttpRequest, pk: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    try:
        c = services.draw_open(actor=request.user, duty=duty)
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已公布承诺值 %(c)s…，请在场人员输入见证值") % {"c": c.commitment[:16]})
    return redirect("duties:detail", pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def draw_perform(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    commitment = get_object_or_404(DrawCommitment, duty=duty, number=number)
    form = WitnessForm(request.POST)
    form.is_valid()
    try:
        drawn = services.draw_perform(actor=request.user, commitment=commitment, witnesses=form.witnesses())
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("抽选完成（记录 #{pk}），已按顺序联络前 {count} 人").format(
                pk=drawn.pk, count=len(drawn.record["result"]["selected"])
            ),
        )
    return redirect("duties:detail", pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def assignment_recuse(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    a = get_object_or_404(Assignment, duty=duty, pk=aid)
    try:
        services.assignment_recuse(actor=request.user, assignment=a, reason=request.POST.get("reason", ""))
    except services.DutyError as exc:
        _error(request, exc)
    return redirect("duties:detail", pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def answer_record(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """The bureau records an answer the supervisor gave by telephone (第十二条)."""
    duty = selectors.duty_get(request.user, pk)
    a = get_object_or_404(Assignment, duty=duty, pk=aid)
    try:
        services.assignment_respond(
            actor=request.user,
            assignment=a,
            accept=request.POST.get("action") == "accept",
            reason=request.POST.get("reason", ""),
        )
    except services.DutyError as exc:
        _error(request, exc)
    return redirect("duties:detail", pk)


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Each accepted supervisor is marked explicitly (`mark_<assignment id>` = present | absent):
    a missing mark is refused, never read as an absence."""
    _require_staff(request, "attendance")
    duty = selectors.duty_get(request.user, pk)
    marks = {
        int(k.removeprefix("mark_")): v
        for k, v in request.POST.items()
        if k.startswith("mark_") and k.removeprefix("mark_").isdigit() and v in ("present", "absent")
    }
    excused = {
        int(k.removeprefix("excuse_")): request.POST.get(k, "")
        for k in request.POST
        if k.startswith("excuse_") and k.removeprefix("excuse_").isdigit() and request.POST.get(k, "").strip()
    }
    try:
        services.attendance_record(
            actor=request.user,
            duty=duty,
            present={a for a, v in marks.items() if v == "present"},
            absent={a for a, v in marks.items() if v == "absent"},
            excused=excused,
        )
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("出席情况已登记"))
    return redirect("duties:detail", pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def attendance_correct(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    a = get_object_or_404(Assignment, duty=duty, pk=aid)
    try:
        services.attendance_correct(
            actor=request.user,
            assignment=a,
            attended=request.POST.get("mark") == "present",
            excuse=request.POST.get("excuse", ""),
            reason=request.POST.get("reason", ""),
        )
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("出席情况已更正，并已通知监督员"))
    return redirect("duties:detail", pk)


def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """《履职情况反馈表》 (第十七条), filled by the agency."""
    if not request.user.can(Capability.REQUEST_DUTIES):  # type: ignore[union-attr]
        raise permission_denied(request, action="record_edit", reason=_("反馈表由提出需求的单位填写"))
    duty = selectors.duty_get(request.user, pk)
    attended = list(duty.assignments.filter(status=AssignmentStatus.ATTENDED).select_related("supervisor"))
    record = DutyRecord.objects.filter(duty=duty).first()
    if (locked := services.record_locked_reason(duty, record)) is not None:
        messages.info(request, locked)
        return redirect("duties:detail", pk=duty.pk)
    existing = {o.supervisor_id: o for o in record.opinions.all()} if record else {}
    if request.method == "POST":
        opinions = [
            services.OpinionData(
                supervisor_id=a.supervisor_id,
                text=request.POST.get(f"opinion_{a.supervisor_id}", ""),
                adoption=request.POST.get(f"adoption_{a.supervisor_id}", Adoption.PENDING),
                adoption_reason=request.POST.get(f"reason_{a.supervisor_id}", ""),
            )
            for a in attended
        ]
        try:
            services.record_save(
                actor=request.user, duty=duty, summary=request.POST.get("summary", ""), opinions=opinions
            )
        except services.DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("反馈表已保存，请出席的监督员签字确认"))
            return redirect("duties:detail", pk)
    rows = [
        {
            "assignment": a,
            "opinion": existing.get(a.supervisor_id),
            "text": request.POST.get(f"opinion_{a.supervisor_id}")
            or (existing[a.supervisor_id].text if a.supervisor_id in existing else ""),
        }
        for a in attended
    ]
    return render(
        request,
        "duties/record_edit.html",
        {"duty": duty, "record": record, "rows": rows, "adoption_choices": ADOPTION_CHOICES},
    )


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=3, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def record_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable form: one signature line and QR code per attending supervisor; the QR opens the
    record on the supervisor's phone to confirm."""
    _require_staff(request, "record_print")
    duty = selectors.duty_get(request.user, pk)
    record = DutyRecord.objects.filter(duty=duty).first()
    if record is None:
        raise Http404(_("反馈表尚未填写"))
    rows = []
    for a in duty.assignments.filter(status=AssignmentStatus.ATTENDED).select_related("supervisor"):
        url = request.build_absolute_uri(reverse("duties:confirm_token", args=[a.confirm_token]))
        rows.append({"assignment": a, "qr": _qr_svg(url), "url": url})
    return render(
        request,
        "duties/record_print.html",
        {
            "duty": duty,
            "record": record,
            "opinions": record.opinions.select_related("supervisor"),
            "rows": rows,
        },
    )


@require_POST
def record_paper(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    _require_staff(request, "record_paper")
    duty = selectors.duty_get(request.user, pk)
    a = get_object_or_404(Assignment, duty=duty, pk=aid)
    try:
        services.record_confirm(actor=request.user, assignment=a, via="paper")
    except services.DutyError as exc:
        _error(request, exc)
    return redirect("duties:detail", pk)


@require_POST
@require_capability(Capability.REQUEST_DUTIES)
def report_send(request: HttpRequest, pk: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    try:
        services.duty_report(actor=request.user, duty=duty)
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已向%(org)s通报履职情况") % {"org": duty.programme.organisation.name})
    return redirect("duties:detail", pk)


def summaries(request: HttpRequest) -> HttpResponse:
    """第二十条: monthly summaries by the 5th, overdue ones flagged."""
    _require_staff(request, "summaries")
    user: Any = request.user
    today = timezone.localdate()
    if request.method == "POST":
        if not user.can(Capability.REQUEST_DUTIES):
            raise permission_denied(request, action="summary_send", reason=_("由提出需求的单位汇总转送"))
        programme = get_object_or_404(Programme, pk=request.POST.get("programme", "0"))
        try:
            services.monthly_summary_send(
                actor=user,
                programme=programme,
                year=int(request.POST.get("year", "0")),
                month=int(request.POST.get("month", "0")),
            )
        except (services.DutyError, ValueError) as exc:
            _error(request, exc)
        else:
            messages.success(request, _("月度汇总已转送"))
        return redirect("duties:summaries")
    rows = selectors.monthly_summary_rows(user, today=today)
    return render(
        request,
        "duties/summaries.html",
        {
            "rows": rows,
            "overdue_reports": selectors.reports_overdue(user, today=today),
            "can_send": user.can(Capability.REQUEST_DUTIES),
        },
    )


@require_capability(Capability.MANAGE_PROGRAMMES)
def proposals(request: HttpRequest) -> HttpResponse:
    """Missed duties meeting a dismissal ground: a proposed action with its article, for a person to
    examine (whether an absence was 无故 is a judgement)."""
    items = selectors.dismissal_proposals(request.user, today=timezone.localdate())
    return render(request, "duties/proposals.html", {"items": items})


@require_POST
def opinion_send(request: HttpRequest, oid: int) -> HttpResponse:
    opinion = selectors.opinion_get(request.user, oid)
    try:
        services.opinion_send_to_findings(
            actor=request.user, opinion=opinion, confidential=request.POST.get("confidential") == "on"
        )
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("意见已转入监督意见办理流程"))
    if request.user.can(Capability.ACT_AS_SUPERVISOR):  # type: ignore[union-attr]
        a = Assignment.objects.filter(duty=opinion.record.duty, supervisor=opinion.supervisor).first()
        return redirect("duties:mine_detail", a.pk) if a else redirect("duties:mine")
    return redirect("duties:detail", opinion.record.duty_id)


# ------------------------------------------------------------------------------------------ supervisor


@require_capability(Capability.ACT_AS_SUPERVISOR)
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # What each row prints, formatted here once (jiandu.core.rows), not per row in the template; the
    # month-and-day form only for the rows that print it.
    detail_url = url_for_pk("duties:mine_detail")
    statuses = choice_labels(AssignmentStatus.choices)
    month_day = _("n月j日")
    rows: list[dict[str, Any]] = [
        {
            "a": a,
            "url": detail_url(a.pk),
            "status": statuses.get(a.status, a.status),
            "upcoming": a.duty.duty_on >= today,
            "to_confirm": a.status == AssignmentStatus.ATTENDED and a.confirmed_at is None,
        }
        for a in selectors.my_duty_rows(request.user)
    ]
    for r in rows:
        if r["upcoming"] or r["to_confirm"]:
            r["month_day"] = date_format(r["a"].duty.duty_on, month_day)
    upcoming = [r for r in rows if r["upcoming"]]
    upcoming.sort(key=lambda r: r["a"].duty.duty_on)
    past = [{**r, "on": ymd(r["a"].duty.duty_on)} for r in rows if not r["upcoming"]]
    to_confirm = [r for r in rows if r["to_confirm"]]
    return render(request, "duties/mine.html", {"upcoming": upcoming, "past": past, "to_confirm": to_confirm})


@require_capability(Capability.ACT_AS_SUPERVISOR)
def mine_detail(request: HttpRequest, aid: int) -> HttpResponse:
    a = selectors.assignment_for_supervisor(request.user, aid)
    record = DutyRecord.objects.filter(duty=a.duty).first()
    return render(
        request,
        "duties/mine_detail.html",
        {
            "a": a,
            "duty": a.duty,
            "record": record,
            "opinions": list(record.opinions.select_related("supervisor")) if record else [],
            "can_confirm": record is not None
            and a.status == AssignmentStatus.ATTENDED
            and a.confirmed_at is None,
        },
    )


@require_POST
@require_capability(Capability.ACT_AS_SUPERVISOR)
def mine_respond(request: HttpRequest, aid: int) -> HttpResponse:
    a = selectors.assignment_for_supervisor(request.user, aid)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.assignment_respond(actor=request.user, assignment=a, accept=True)
            messages.success(request, _("已接受，请按时参加"))
        elif action == "decline":
            services.assignment_respond(actor=request.user, assignment=a, accept=False, reason=reason)
            messages.success(
                request,
                _("已谢绝，%(org)s将按抽选顺序联络下一位") % {"org": a.duty.programme.organisation.name},
            )
        elif action == "recuse":
            services.assignment_recuse(actor=request.user, assignment=a, reason=reason)
            recusal = programme_cite(a.duty.programme, "duty.recusal_grounds", a.duty.duty_on)
            messages.success(request, _("已申报回避{cite_suffix}").format(cite_suffix=cite_suffix(recusal)))
        else:
            raise services.DutyError(_("操作无效"))
    except services.DutyError as exc:
        _error(request, exc)
    return redirect("duties:mine_detail", a.pk)


@require_POST
@require_capability(Capability.ACT_AS_SUPERVISOR)
def mine_confirm(request: HttpRequest, aid: int) -> HttpResponse:
    a = selectors.assignment_for_supervisor(request.user, aid)
    try:
        services.record_confirm(actor=request.user, assignment=a, via="phone")
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已确认反馈表"))
    return redirect("duties:mine_detail", a.pk)


@require_capability(Capability.ACT_AS_SUPERVISOR)
def confirm_token(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code on the printed form: opens the supervisor's own record (only theirs)."""
    a = get_object_or_404(selectors.assignments_for_supervisor(request.user), confirm_token=token)
    return redirect("duties:mine_detail", a.pk)


# ------------------------------------------------------------------------------------------ public


@login_not_required
def draws_public(request: HttpRequest) -> HttpResponse:
    """Published commitments and draw records: anyone can check them (docs/draw.md)."""
    return render(
        request,
        "duties/draws_public.html",
        {"records": selectors.draws_public()[:100], "open": selectors.commitments_open()[:100]},
    )


@login_not_required
def draw_public_json(request: HttpRequest, pk: int) -> JsonResponse:
    row = get_object_or_404(DrawRecord, pk=pk)
    return JsonResponse({"id": row.pk, **row.record}, json_dumps_params={"ensure_ascii": False, "indent": 2})


@login_not_required
def draw_public_pool(request: HttpRequest, pk: int) -> HttpResponse:
    """A v2 draw's pool file, byte for byte as hashed: `sha256sum` of the download is the record's
    pool_hash (docs/draw.md part II). v1 records carry their pool inside the record."""
    row = get_object_or_404(DrawRecord.objects.select_related("commitment"), pk=pk)
    if row.commitment.algorithm != draw_v2.ALGORITHM:
        raise Http404
    response = HttpResponse(draw_v2.pool_file_bytes(row.commitment.pool), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-{row.pk}-pool.json"'
    return response


@login_not_required
def draw_public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(DrawRecord.objects.select_related("commitment"), pk=pk)
    problems = record_problems(row)
    return render(
        request,
        "duties/draw_public_detail.html",
        {
            "row": row,
            "r": row.record,
            "problems": problems,
            "selected_pks": [supervisor_pk(c) for c in row.record["result"]["selected"]],
            "quotas": [
                {"label": services.quota_label(q["category"], q["value"]), "min": q["min"], "max": q["max"]}
                for q in row.record.get("requirements", {}).get("quotas", [])
            ],
        },
    )


# ------------------------------------------------------------------------------ reaching the drawn


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def answer_window(request: HttpRequest, pk: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    form = AnswerWindowForm(request.POST)
    try:
        if not form.is_valid():
            raise services.DutyError(_("请填写答复期限（小时）"))
        contact.duty_set_answer_window(actor=request.user, duty=duty, hours=form.cleaned_data["hours"])
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("答复期限已设为%(h)s小时，逾期未答复的将依次联络下一位") % {"h": form.cleaned_data["hours"]},
        )
    return redirect("duties:detail", pk=duty.pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    try:
        sent = contact.invitations_send(actor=request.user, duty=duty)
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已通过短信和站内消息向%(n)s位监督员发出邀请") % {"n": len(sent)})
    return redirect("duties:detail", pk=duty.pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def contact_reveal(request: HttpRequest, pk: int, aid: int) -> HttpResponse:
    """One click shows a drawn supervisor's full phone number; every reveal is audited."""
    duty = selectors.duty_get(request.user, pk)
    a = get_object_or_404(duty.assignments.select_related("supervisor"), pk=aid)
    phone = personal_reveal(actor=request.user, obj=a.supervisor, field="phone")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "duties/_phone.html", {"phone": phone, "name": a.supervisor.full_name})
    messages.info(request, f"{a.supervisor.full_name}：{phone}")
    return redirect("duties:detail", pk=duty.pk)


def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """The names and contacts of those who accepted, for the procuratorate (第十二条): generated from the
    answers; the bureau and the requesting agency see it, and each view is audited (full phones)."""
    _require_staff(request, "participants")
    duty = selectors.duty_get(request.user, pk)
    rows = contact.participants_reveal(actor=request.user, duty=duty)  # audited, as over the API
    return render(request, "duties/participants.html", {"duty": duty, "rows": rows})


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def participants_send(request: HttpRequest, pk: int) -> HttpResponse:
    duty = selectors.duty_get(request.user, pk)
    try:
        n = contact.participants_send(actor=request.user, duty=duty)
    except services.DutyError as exc:
        _error(request, exc)
    else:
        messages.success(
            request, _("名单已送交%(agency)s（%(n)s个账号收到站内消息）") % {"agency": duty.agency, "n": n}
        )
    return redirect("duties:detail", pk=duty.pk)


@require_capability(Capability.ACT_AS_SUPERVISOR)
def invite_token(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation SMS: opens the supervisor's own invitation (only theirs)."""
    a = get_object_or_404(selectors.assignments_for_supervisor(request.user), confirm_token=token)
    return redirect("duties:mine_detail", a.pk)
