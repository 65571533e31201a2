"""Casework pages. Thin: a gate, a selector, a form, a service, a message. Every POST goes through one
form and one service (ACTIONS); who may see what is decided in jiandu.casework.selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.casework import forms, services
from jiandu.casework.models import CaseDocument, CaseFile, CaseKind, ProblemStatus, QuarterlyReport
from jiandu.casework.selectors import (
    ADMINISTRATION,
    HANDLER,
    SUPERVISOR,
    case_get_for,
    case_list_for,
    compliance_figures,
    is_handler_of,
    prisons_for_figures,
    problem_get_for,
    problems_visible_to,
)
from jiandu.core.permissions import permission_denied
from jiandu.orgs.models import Organisation, OrgKind
from jiandu.rules.calendar import CalendarUnknownYear


def _errors(request: HttpRequest, exc: Exception) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


def _gate(request: HttpRequest, action: str) -> None:
    u = request.user
    if not any(
        u.can(c)  # type: ignore[union-attr]
        for c in (
            Capability.REQUEST_DUTIES,
            Capability.MANAGE_PROGRAMMES,
            Capability.ASSIST_PROGRAMMES,
            Capability.ACT_AS_SUPERVISOR,
        )
    ):
        raise permission_denied(request, action=action, reason=_("该账号不办理狱务案件"))


def own_prison(user: Any) -> Organisation | None:
    """The prison a handler works in: their organisation, or the prison above their unit."""
    org = getattr(user, "organisation", None)
    while org is not None and org.kind != OrgKind.PRISON:
        org = org.parent
    return org if org is not None and is_handler_of(user, org) else None


# --- case files -----------------------------------------------------------------------------------------


def case_list(request: HttpRequest) -> HttpResponse:
    _gate(request, "casework.case_list")
    return render(
        request,
        "casework/list.html",
        {
            "rows": case_list_for(request.user),
            "can_open": own_prison(request.user) is not None,
            "staff": _prisons_managed(request.user).exists(),
        },
    )


def case_new(request: HttpRequest) -> HttpResponse:
    prison = own_prison(request.user)
    if prison is None:
        raise permission_denied(request, action="casework.case_open", reason=_("只有监狱办案人员可以立案"))
    form = forms.CaseNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            programme = services.programme_for_prison(prison)
            prisoner = services.prisoner_register(
                actor=request.user, prison=prison, number=d["number"], name=d["name"]
            )
            case = services.case_open(
                actor=request.user,
                programme=programme,
                prisoner=prisoner,
                kind=d["kind"],
                proposal=d["proposal"],
                points_result=d["points_result"],
                significant=d["significant"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已立案"))
            return redirect("casework:detail", case.pk)
    return render(request, "casework/new.html", {"form": form, "prison": prison})


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _gate(request, "casework.case_view")
    view = case_get_for(request.user, pk)
    case = view.case
    ctx: dict[str, Any] = {"v": view, "case": case, "HANDLER": HANDLER, "SUPERVISOR": SUPERVISOR}
    if view.role == HANDLER:
        next_step = case.steps[case.next_step] if case.next_step < len(case.steps) else None
        ctx.update(
            next_step=next_step,
            review_form=forms.ReviewForm(),
            ground_form=forms.GroundForm(),
            document_form=forms.DocumentForm(),
            medical_form=forms.MedicalForm(
                initial={
                    "records_complete": case.records_complete,
                    "explanation": case.records_explanation,
                    "tumour_without_pathology": case.tumour_without_pathology,
                    "disease_category": case.disease_category,
                }
            ),
            date_form=forms.DateForm(initial={"on": timezone.localdate()}),
            invite_form=forms.InviteForm(),
            can_publish=services.review_complete(case),
            is_medical=case.kind == CaseKind.MEDICAL_PAROLE,
        )
    if view.role == SUPERVISOR:
        ctx["observe_form"] = forms.TextForm()
    return render(request, "casework/detail.html", ctx)


def _case_for_action(request: HttpRequest, pk: int) -> CaseFile:
    return case_get_for(request.user, pk, audit=False).case


def _ground(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.GroundForm(request.POST)
    if not form.is_valid():
        return form
    services.ground_add(actor=request.user, case=case, **form.cleaned_data)
    return _("已登记事实及证据")


def _document(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return form
    services.document_attach(
        actor=request.user, case=case, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
    )
    return _("已上传材料")


def _review(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        return form
    d = form.cleaned_data
    step = services.review_record(
        actor=request.user,
        case=case,
        opinion=d["opinion"],
        outcome=d["outcome"] or "",
        votes=form.votes(),
        should_attend=d["should_attend"],
        legal_basis=d["legal_basis"],
        statutory_reason=d["statutory_reason"],
    )
    return _("已记录：%(name)s — %(outcome)s") % {"name": step.name, "outcome": step.get_outcome_display()}


def _publish(request: HttpRequest, case: CaseFile) -> Any:
    pub = services.publicity_publish(actor=request.user, case=case)
    end = pub.ends_on.isoformat()
    if pub.reason["facts"].get("provisional"):  # the same words as the {% provisional %} tag
        end += "（%s）" % (_("暂定，待%(years)s年放假安排公布后确定") % {"years": pub.ends_on.year})
    return _("已在狱内公示，至 %(end)s") % {"end": end}


def _propose(request: HttpRequest, case: CaseFile) -> Any:
    services.case_propose(actor=request.user, case=case)
    return _("公示期满，已提请")


def _medical(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.MedicalForm(request.POST)
    if not form.is_valid():
        return form
    d = services.medical_check(actor=request.user, case=case, **form.cleaned_data)
    return _("医学材料审查：%(outcome)s") % {
        "outcome": _("符合") if d["outcome"] == "allowed" else _("不符合")
    }


def _approve(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.DateForm(request.POST)
    if not form.is_valid():
        return form
    services.medical_approve(actor=request.user, case=case, approved_on=form.cleaned_data["on"])
    return _("已登记审批完备")


def _supplement(request: HttpRequest, case: CaseFile) -> Any:
    services.medical_records_supplement(actor=request.user, case=case)
    return _("已登记病历补充完成")


def _invite(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return form
    services.case_invite_supervisors(actor=request.user, case=case, **form.cleaned_data)
    return _("已向监督项目提出列席需求，由主管单位抽选")


def _observe(request: HttpRequest, case: CaseFile) -> Any:
    form = forms.TextForm(request.POST)
    if not form.is_valid():
        return form
    obs = services.observation_submit(actor=request.user, case=case, text=form.cleaned_data["text"])
    return _("意见已提交，转入监督意见办理（编号 %(pk)s）") % {"pk": obs.finding_id}


ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, CaseFile], Any]]] = {
    "ground": (HANDLER, _ground),
    "document": (HANDLER, _document),
    "review": (HANDLER, _review),
    "publish": (HANDLER, _publish),
    "propose": (HANDLER, _propose),
    "medical": (HANDLER, _medical),
    "approve": (HANDLER, _approve),
    "supplement": (HANDLER, _supplement),
    "invite": (HANDLER, _invite),
    "observe": (SUPERVISOR, _observe),
}


@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _gate(request, f"casework.{action}")
    if action not in ACTIONS:
        raise Http404
    needed, handler = ACTIONS[action]
    view = case_get_for(request.user, pk, audit=False)
    if view.role != needed:
        raise permission_denied(request, action=f"casework.{action}", reason=_("该角色不能执行此操作"))
    try:
        result = handler(request, view.case)
    except (ValidationError, CalendarUnknownYear) as exc:
        _errors(request, exc)
    else:
        if isinstance(result, str):
            messages.success(request, result)
        else:
            _form_errors(request, result)
    return redirect("casework:detail", pk)


def document_download(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    _gate(request, "casework.document")
    view = case_get_for(request.user, pk, audit=False)
    if view.role not in (HANDLER, ADMINISTRATION):
        raise permission_denied(request, action="casework.document", reason=_("监督员不查阅案件材料原件"))
    doc = get_object_or_404(CaseDocument, pk=document_id, case=view.case)
    from jiandu.audit.services import audit_record

    audit_record(
        actor=request.user, action="casework.document_view", target=view.case, after={"document": doc.pk}
    )
    return FileResponse(
        doc.file.open("rb"),
        filename=f"{doc.title}.{(doc.file.name or '').rsplit('.', 1)[-1]}",
        content_type=doc.content_type,
    )


# --- problem list, figures, reports, the publicity setting ----------------------------------------------


def _prisons_managed(user: Any) -> Any:
    prison = own_prison(user)
    if prison is not None:
        return Organisation.objects.filter(pk=prison.pk)
    org = getattr(user, "organisation", None)
    if org is not None and (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES)):
        return Organisation.objects.filter(path__startswith=org.path, kind=OrgKind.PRISON)
    return Organisation.objects.none()


def problem_list(request: HttpRequest) -> HttpResponse:
    prisons = _prisons_managed(request.user)
    if not prisons.exists():
        raise permission_denied(
            request, action="casework.problem_list", reason=_("只有监狱和监狱管理局查看问题清单")
        )
    form = forms.ProblemForm(request.POST or None, prisons=prisons)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.problem_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("已登记问题"))
                return redirect("casework:problems")
        else:
            _form_errors(request, form)
    today = timezone.localdate()
    return render(
        request,
        "casework/problems.html",
        {
            "problems": problems_visible_to(request.user, today),
            "form": form,
            "assign_form": forms.AssignForm(),
            "rectify_form": forms.RectifyForm(),
            "verify_form": forms.VerifyForm(),
            "is_handler": own_prison(request.user) is not None,
            "CLOSED": ProblemStatus.CLOSED,
        },
    )


PROBLEM_ACTIONS: dict[str, tuple[type[Any], Callable[..., Any]]] = {
    "assign": (forms.AssignForm, lambda u, p, d: services.problem_assign(actor=u, problem=p, **d)),
    "rectify": (forms.RectifyForm, lambda u, p, d: services.problem_rectify(actor=u, problem=p, **d)),
    "verify": (
        forms.VerifyForm,
        lambda u, p, d: services.problem_verify(
            actor=u, problem=p, accept=d["accept"] == "1", note=d["note"]
        ),
    ),
}


@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in PROBLEM_ACTIONS:
        raise Http404
    problem = problem_get_for(request.user, pk)
    form_class, run = PROBLEM_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            run(request.user, problem, form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已保存"))
    return redirect("casework:problems")


def figures(request: HttpRequest) -> HttpResponse:
    _gate(request, "casework.figures")
    prisons = prisons_for_figures(request.user)
    return render(
        request, "casework/figures.html", {"rows": compliance_figures(prisons, timezone.localdate())}
    )


def reports(request: HttpRequest) -> HttpResponse:
    prison = own_prison(request.user)
    prisons = _prisons_managed(request.user)
    if not prisons.exists():
        raise permission_denied(
            request, action="casework.reports", reason=_("只有监狱和监狱管理局查看季度报告")
        )
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and prison is not None:
        if form.is_valid():
            try:
                r = services.quarterly_report_generate(actor=request.user, prison=prison, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("已根据数据生成报告草稿"))
                return redirect("casework:report", r.pk)
        else:
            _form_errors(request, form)
    rows = (
        QuarterlyReport.objects.filter(prison__in=prisons)
        .select_related("prison")
        .order_by("-year", "-quarter")
    )
    return render(
        request, "casework/reports.html", {"rows": rows, "form": form, "can_generate": prison is not None}
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(QuarterlyReport.objects.select_related("prison"), pk=pk)
    if not _prisons_managed(request.user).filter(pk=report.prison_id).exists():
        raise permission_denied(request, action="casework.report", reason=_("该报告不属于本单位"))
    editable = own_prison(request.user) is not None and not report.submitted_on
    if request.method == "POST" and editable:
        try:
            if "submit" in request.POST:
                services.quarterly_report_submit(actor=request.user, report=report)
                messages.success(request, _("已报送"))
            else:
                services.quarterly_report_edit(
                    actor=request.user, report=report, text=request.POST.get("text", "")
                )
                messages.success(request, _("已保存"))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("casework:report", pk)
    return render(request, "casework/report.html", {"r": report, "editable": editable})


def policy(request: HttpRequest) -> HttpResponse:
    """The administration records the publicity period where the rulebook leaves it elsewhere."""
    if not request.user.can(Capability.MANAGE_PROGRAMMES):  # type: ignore[union-attr]
        raise permission_denied(request, action="casework.policy", reason=_("只有项目主管单位可以设定"))
    from jiandu.roster.models import Programme

    org = request.user.organisation  # type: ignore[union-attr]
    if org is None:
        raise permission_denied(request, action="casework.policy", reason=_("账号未关联单位"))
    programmes = [
        p
        for p in Programme.objects.filter(organisation__path__startswith=org.path).select_related(
            "organisation"
        )
        if services.rules.rulebook_for(p).has_param("casework.review_steps", timezone.localdate())
    ]
    form = forms.PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = get_object_or_404(
            Programme, pk=request.POST.get("programme"), pk__in=[p.pk for p in programmes]
        )
        try:
            services.publicity_policy_set(actor=request.user, programme=programme, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已设定公示期间"))
            return redirect("casework:policy")
    from jiandu.casework.models import PublicityPolicy

    current = {p.programme_id: p for p in PublicityPolicy.objects.filter(programme__in=programmes)}
    return render(
        request,
        "casework/policy.html",
        {"programmes": [(p, current.get(p.pk)) for p in programmes], "form": form},
    )


# --- compliance records (计分考核公布, 隔离审查, 事务犯, 分级处遇) ------------------------------------------------


def _prisoner(prison: Organisation, number: str) -> Any:
    from jiandu.casework.models import Prisoner

    p = Prisoner.objects.filter(prison=prison, number=number.strip()).first()
    if p is None:
        raise ValidationError(_("本监狱没有该罪犯编号"))
    return p


RECORD_ACTIONS: dict[str, Callable[[Any, Organisation, dict[str, Any]], Any]] = {
    "isolation": lambda u, prison, d: services.isolation_start(
        actor=u, prisoner=_prisoner(prison, d["number"]), starts_on=d["on"]
    ),
    "trusty": lambda u, prison, d: services.trusty_approve(
        actor=u, prisoner=_prisoner(prison, d["number"]), post=d["post"], approved_on=d["on"]
    ),
    "grading": lambda u, prison, d: services.grading_record(
        actor=u, prisoner=_prisoner(prison, d["number"]), level=d["level"], assessed_on=d["on"]
    ),
}


def records(request: HttpRequest) -> HttpResponse:
    """The records the daily checks read: a prison enters them; the administration reads them and
    approves an isolation's one extension."""
    from jiandu.casework.models import Isolation, PointsPublication, Trusty

    prisons = _prisons_managed(request.user)
    if not prisons.exists():
        raise permission_denied(request, action="casework.records", reason=_("只有监狱和监狱管理局查看"))
    prison = own_prison(request.user)
    if request.method == "POST" and prison is not None:
        kind = request.POST.get("kind", "")
        try:
            if kind == "points":
                form: Any = forms.PointsForm(request.POST)
                if form.is_valid():
                    services.points_publication_record(actor=request.user, prison=prison, **form.cleaned_data)
            elif kind in RECORD_ACTIONS:
                form = forms.PrisonerDateForm(request.POST)
                if form.is_valid():
                    RECORD_ACTIONS[kind](request.user, prison, form.cleaned_data)
            elif kind == "isolation_end":
                iso = get_object_or_404(Isolation, pk=request.POST.get("pk"), prison=prison)
                form = forms.DateForm(request.POST)
                if form.is_valid():
                    services.isolation_end_record(
                        actor=request.user, isolation=iso, ended_on=form.cleaned_data["on"]
                    )
            elif kind == "trusty_evaluate":
                t = get_object_or_404(Trusty, pk=request.POST.get("pk"), prison=prison)
                form = forms.DateForm(request.POST)
                if form.is_valid():
                    services.trusty_evaluate(actor=request.user, trusty=t, on=form.cleaned_data["on"])
            else:
                raise Http404
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if form.is_valid():
                messages.success(request, _("已登记"))
            else:
                _form_errors(request, form)
        return redirect("casework:records")
    if request.method == "POST" and "extend" in request.POST:
        iso = get_object_or_404(Isolation, pk=request.POST.get("extend"), prison__in=prisons)
        try:
            services.isolation_extend(actor=request.user, isolation=iso)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已批准延长"))
        return redirect("casework:records")
    today = timezone.localdate()
    return render(
        request,
        "casework/records.html",
        {
            "prison": prison,
            "today": today,
            "isolations": Isolation.objects.filter(prison__in=prisons, ended_on__isnull=True)
            .select_related("prison", "prisoner")
            .order_by("limit_on")[:200],
            "trusties": Trusty.objects.filter(prison__in=prisons, ended_on__isnull=True)
            .select_related("prison", "prisoner")
            .order_by("approved_on")[:200],
            "publications": PointsPublication.objects.filter(prison__in=prisons)
            .select_related("prison")
            .order_by("-year", "-month")[:24],
            "points_form": forms.PointsForm(),
            "prisoner_form": forms.PrisonerDateForm(),
            "date_form": forms.DateForm(initial={"on": today}),
        },
    )
