"""Ledger and assessment pages. Thin: a gate, a selector, one form and one service per action."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from jiandu.accounts.roles import Capability
from jiandu.assessment import forms, letters, rules, selectors, services
from jiandu.assessment.ledger import FIGURES
from jiandu.assessment.models import Assessment, AssessmentRound, RoundStatus
from jiandu.core.permissions import permission_denied, require_capability
from jiandu.core.untrusted import xlsx_row
from jiandu.rules.calendar import provisional_text


def _staff(request: HttpRequest, action: str) -> None:
    if not selectors.is_staff(request.user):
        raise permission_denied(request, action=action, reason=gettext("该账号不办理考核"))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


# --- rounds -----------------------------------------------------------------------------------------


def round_list(request: HttpRequest) -> HttpResponse:
    if not selectors.is_staff(request.user) and request.user.can(Capability.ACT_AS_SUPERVISOR):  # type: ignore[union-attr]
        return redirect("assessment:mine")
    _staff(request, "assessment_list")
    return render(
        request,
        "assessment/list.html",
        {
            "rounds": selectors.rounds_visible_to(request.user)[:100],
            "programmes": selectors.programmes_visible_to(request.user),
            "year": timezone.localdate().year,
            "can_manage": request.user.can(Capability.MANAGE_PROGRAMMES),  # type: ignore[union-attr]
        },
    )


@require_capability(Capability.MANAGE_PROGRAMMES)
def round_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = forms.RoundForm(
        request.POST or None,
        programmes=selectors.programmes_visible_to(request.user),
        initial={"year": today.year if today.month >= 11 else today.year - 1},
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                r = services.round_open(
                    actor=request.user,
                    programme=d["programme"],
                    year=d["year"],
                    defence_working_days=d["defence_working_days"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request, gettext("{year}年度考核已开始，已通知监督员填写个人总结").format(year=r.year)
                )
                return redirect("assessment:round", r.pk)
        else:
            _form_errors(request, form)
    return render(request, "assessment/new.html", {"form": form})


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "assessment_round")
    r = selectors.round_get_for(request.user, pk)
    today = timezone.localdate()
    rb = rules.rulebook_for(r.programme)
    return render(
        request,
        "assessment/round.html",
        {
            "r": r,
            "today": today,
            "blockers": services.round_blockers(r, today=today) if r.status == RoundStatus.OPEN else [],
            "notice_form": forms.NoticeForm(),
            "deadline_form": forms.DeadlineForm(initial={"on": today}),
            "notice_rule": rules.cited(rb, "assessment.excellent_public_notice", today),
            "cap_rule": rules.cited(rb, "assessment.excellent_max_share", today),
            **selectors.round_page(r, today=today, page=_int(request.GET.get("page"), 1)),
        },
    )


def _round_notice(request: HttpRequest, r: AssessmentRound) -> str:
    form = forms.NoticeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    d = form.cleaned_data
    services.excellent_notice_publish(
        actor=request.user, round=r, starts_on=d["starts_on"], ends_on=d["ends_on"]
    )
    return gettext("优秀名单已在门户网站公示")


def _round_finalise(request: HttpRequest, r: AssessmentRound) -> str:
    services.round_finalise(actor=request.user, round=r)
    return gettext("考核结果已确定，已通知监督员")


def _round_deadline(request: HttpRequest, r: AssessmentRound) -> str:
    form = forms.DeadlineForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    services.deadline_done(
        actor=request.user, round=r, code=form.cleaned_data["code"], on=form.cleaned_data["on"]
    )
    return gettext("已记录")


def _round_propose_rest(request: HttpRequest, r: AssessmentRound) -> str:
    form = forms.TextForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    pending = selectors.unproposed_ids(r)
    n = services.grades_propose_many(
        actor=request.user,
        round=r,
        grades=dict.fromkeys(pending, "competent"),
        reason=form.cleaned_data["text"],
    )
    return gettext("已将{n}人拟定为合格").format(n=n)


ROUND_ACTIONS: dict[str, Callable[[HttpRequest, AssessmentRound], str]] = {
    "notice": _round_notice,
    "finalise": _round_finalise,
    "deadline": _round_deadline,
    "propose_rest": _round_propose_rest,
}


@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request, f"assessment_round_{action}")
    r = selectors.round_get_for(request.user, pk)
    handler = ROUND_ACTIONS.get(action)
    if handler is None:
        raise Http404(gettext("没有这项操作"))
    try:
        done = handler(request, r)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if done:
            messages.success(request, done)
    return redirect("assessment:round", r.pk)


# --- one supervisor's assessment ---------------------------------------------------------------------


def _propose_form(a: Assessment, data: Any = None) -> forms.ProposeForm:
    rb = rules.rulebook_for(a.round.programme)
    on = a.round.opened_on
    return forms.ProposeForm(
        data,
        grades=rules.grade_choices(a.round.programme, on),
        conditions=[
            (x.code.rsplit(".", 1)[1], f"{x.message}（{x.article}）")
            for x in rules.core.excellent_conditions(rb, on)
        ],
        grounds=[(g.code, f"{g.text}（{g.article}）") for g in rules.core.failing_grounds(rb, on)],
        initial={
            "grade": a.proposed_grade,
            "reason": a.proposed_reason,
            "conditions": a.excellent_conditions,
            "grounds": [g["code"] for g in a.failing_grounds],
        },
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "assessment_detail")
    a = selectors.assessment_get_for(request.user, pk)
    today = timezone.localdate()
    from jiandu.assessment.ledger import ledger_for

    ledger = ledger_for(a.supervisor, a.round.year, today=today)
    rb = rules.rulebook_for(a.round.programme)
    return render(
        request,
        "assessment/detail.html",
        {
            "a": a,
            "ledger": ledger,
            "offered": rules.core.failing_grounds_offered(rb, ledger.figures, today),
            "hearing": rules.core.hearing_required(rb, today),
            "propose_form": _propose_form(a),
            "opinion_form": forms.OpinionForm(),
            "evaluation_form": forms.EvaluationForm(initial={"text": a.evaluation, "commended": a.commended}),
            "answer_form": forms.TextForm(),
            "grade_label": rules.GRADE_LABELS.get(a.proposed_grade, ""),
            "district_label": rules.GRADE_LABELS.get(a.district_grade, ""),
            "term": selectors.term_view(a.supervisor, on=today),
            "final_label": rules.GRADE_LABELS.get(a.final_grade, ""),
        },
    )


def _a_opinion(request: HttpRequest, a: Assessment) -> str:
    form = forms.OpinionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    services.opinion_record(actor=request.user, assessment=a, **form.cleaned_data)
    return gettext("意见已记录")


def _a_propose(request: HttpRequest, a: Assessment) -> str:
    form = _propose_form(a, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    d = form.cleaned_data
    a = services.grade_propose(
        actor=request.user,
        assessment=a,
        grade=d["grade"],
        reason=d["reason"],
        conditions=d["conditions"],
        grounds=d["grounds"],
        cap_exception=d["cap_exception"],
    )
    note = provisional_text(a.defence_due, a.defence_due_provisional)
    extra = (
        gettext("；已告知陈述和申辩权利，期限至{defence_due:%Y-%m-%d}{value}").format(
            defence_due=a.defence_due, value=f"（{note}）" if note else ""
        )
        if a.defence_due
        else ""
    )
    return gettext("已拟定为{GRADE_LABELS}{extra}").format(
        GRADE_LABELS=rules.GRADE_LABELS[a.proposed_grade], extra=extra
    )


def _a_evaluation(request: HttpRequest, a: Assessment) -> str:
    form = forms.EvaluationForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    services.evaluation_record(actor=request.user, assessment=a, **form.cleaned_data)
    return gettext("综合评价已记录")


def _a_answer(request: HttpRequest, a: Assessment) -> str:
    form = forms.TextForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return ""
    services.defence_answer(actor=request.user, assessment=a, text=form.cleaned_data["text"])
    return gettext("答复已送达监督员")


ACTIONS: dict[str, Callable[[HttpRequest, Assessment], str]] = {
    "opinion": _a_opinion,
    "propose": _a_propose,
    "evaluation": _a_evaluation,
    "answer": _a_answer,
}


@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request, f"assessment_{action}")
    a = selectors.assessment_get_for(request.user, pk)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404(gettext("没有这项操作"))
    try:
        done = handler(request, a)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if done:
            messages.success(request, done)
    return redirect("assessment:detail", a.pk)


def _verify_url(request: HttpRequest, a: Assessment) -> str:
    return request.build_absolute_uri(reverse("assessment:check", args=[a.letter_token]))


def _pdf(data: bytes, name: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), content_type="application/pdf", filename=name)


def letter(request: HttpRequest, pk: int) -> FileResponse:
    _staff(request, "assessment_letter")
    a = selectors.assessment_get_for(request.user, pk)
    if a.round.status != RoundStatus.FINAL:
        raise Http404(gettext("考核结果尚未确定"))
    return _pdf(
        letters.letter_pdf(a, _verify_url(request, a)),
        gettext("考核结果通知书-{year}-{pk}.pdf").format(year=a.round.year, pk=a.pk),
    )


def commendation(request: HttpRequest, pk: int) -> FileResponse:
    _staff(request, "assessment_commendation")
    a = selectors.assessment_get_for(request.user, pk)
    if a.round.status != RoundStatus.FINAL or not (a.final_grade == "excellent" or a.commended):
        raise Http404(gettext("没有表扬证书"))
    return _pdf(
        letters.commendation_pdf(a, _verify_url(request, a)),
        gettext("表扬证书-{year}-{pk}.pdf").format(year=a.round.year, pk=a.pk),
    )


def letter_check(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the QR code on a letter opens — name, year, result and the issuing bureau."""
    a = selectors.letter_by_token(token)
    return render(request, "assessment/check.html", {"a": a, "result": letters.result_text(a)})


# --- the supervisor on the phone ----------------------------------------------------------------------


@require_capability(Capability.ACT_AS_SUPERVISOR)
def assessment_mine(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_assessments(request.user))
    return render(
        request,
        "assessment/mine.html",
        {
            "rows": [
                (
                    a,
                    rules.GRADE_LABELS.get(a.final_grade, ""),
                    rules.core.hearing_required(rules.rulebook_for(a.round.programme), a.round.opened_on)
                    if a.defence_due
                    else None,
                )
                for a in rows
            ],
            "form": forms.TextForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
@require_capability(Capability.ACT_AS_SUPERVISOR)
def assessment_mine_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    a = selectors.my_assessment(request.user, pk)
    service = {"summary": services.self_summary_submit, "defence": services.defence_submit}.get(action)
    if service is None:
        raise Http404(gettext("没有这项操作"))
    form = forms.TextForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, assessment=a, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("已提交"))
    else:
        _form_errors(request, form)
    return redirect("assessment:mine")


@require_capability(Capability.ACT_AS_SUPERVISOR)
def my_letter(request: HttpRequest, pk: int) -> FileResponse:
    a = selectors.my_assessment(request.user, pk)
    if a.round.status != RoundStatus.FINAL:
        raise Http404(gettext("考核结果尚未确定"))
    return _pdf(
        letters.letter_pdf(a, _verify_url(request, a)),
        gettext("考核结果通知书-{year}.pdf").format(year=a.round.year),
    )


# --- ledger -------------------------------------------------------------------------------------------


def ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One supervisor's 台账 for a year, printable (第二十八条)."""
    _staff(request, "ledger_page")
    year = _year(request)
    ledger = selectors.ledger_get_for(request.user, pk, year, today=timezone.localdate())
    rb = rules.rulebook_for(ledger.supervisor.programme)
    return render(
        request,
        "assessment/ledger.html",
        {
            "l": ledger,
            "year": year,
            "rule": rules.cited(rb, "ledger.required", timezone.localdate()),
            "entry_form": forms.EntryForm(initial={"on": timezone.localdate()}),
        },
    )


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def ledger_entry(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.supervisor_get_for(request.user, pk)
    form = forms.EntryForm(request.POST)
    if form.is_valid():
        try:
            services.ledger_entry_add(actor=request.user, supervisor=s, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("台账记录已添加"))
    else:
        _form_errors(request, form)
    return redirect(f"{reverse('assessment:ledger', args=[s.pk])}?year={form.data.get('on', '')[:4]}")


def ledger_export(request: HttpRequest, programme: int, year: int) -> FileResponse:
    """The whole programme's ledger for a year as Excel (one row per supervisor)."""
    _staff(request, "ledger_export")
    p = selectors.programme_get_for(request.user, programme)
    people, figures = selectors.ledger_export_rows(p, year, today=timezone.localdate())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(gettext("{year}年度台账").format(year=year))
    ws.append([gettext("姓名"), gettext("工作单位"), gettext("状态"), *(str(label) for _, label in FIGURES)])
    for s in people:
        f = figures[s.pk]
        # Names and employers are typed by people: never a live formula on the bureau's desktop.
        ws.append(
            xlsx_row(ws, [s.full_name, s.employer, s.get_status_display(), *(f[k] for k, _ in FIGURES)])
        )
    buf = io.BytesIO()
    wb.save(buf)
    return FileResponse(
        io.BytesIO(buf.getvalue()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=gettext("{name}-{year}年度履职台账.xlsx").format(name=p.name, year=year),
    )


# --- district bureaus (第三十四条（三)) ------------------------------------------------------------------


def district_list(request: HttpRequest) -> HttpResponse:
    _staff(request, "assessment_district")
    rows = list(selectors.district_assessments(request.user)[:500])
    forms_by_programme: dict[int, forms.DistrictForm] = {}
    for a in rows:
        if a.round.programme_id not in forms_by_programme:
            forms_by_programme[a.round.programme_id] = forms.DistrictForm(
                grades=rules.grade_choices(a.round.programme, a.round.opened_on)
            )
    return render(
        request,
        "assessment/district.html",
        {
            "rows": [
                (a, rules.GRADE_LABELS.get(a.district_grade, ""), forms_by_programme[a.round.programme_id])
                for a in rows
            ],
        },
    )


@require_POST
def district_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "assessment_district_suggest")
    a = selectors.district_assessment_get(request.user, pk)
    form = forms.DistrictForm(request.POST, grades=rules.grade_choices(a.round.programme, a.round.opened_on))
    if form.is_valid():
        try:
            services.district_suggest(actor=request.user, assessment=a, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, gettext("已提出{full_name}的考核等次建议").format(full_name=a.supervisor.full_name)
            )
    else:
        _form_errors(request, form)
    return redirect("assessment:district")
