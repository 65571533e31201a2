"""Pages for money and proof. Thin: a gate, a selector, a form, a service, a message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiandu.accounts.roles import Capability
from jiandu.allowances import forms, selectors, services
from jiandu.allowances.exports import proof_pdf, sheet_pdf, sheet_total, sheet_xlsx
from jiandu.allowances.models import ClaimReceipt, Rate, SheetKind
from jiandu.core.permissions import permission_denied
from jiandu.core.personal import mask_for, personal_reveal
from jiandu.core.ratelimits import limit_by_address
from jiandu.core.untrusted import image_reencode
from jiandu.duties.models import Assignment, AssignmentStatus
from jiandu.roster.models import Supervisor
from jiandu.roster.rules import rulebook_for
from jiandu.rules.allowances import PlanItem


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


def _staff(request: HttpRequest, action: str) -> None:
    if not selectors.is_staff(request.user):
        raise permission_denied(request, action=action, reason=_("仅司法行政机关工作人员可以办理"))


# --- index and programme ------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if user.can(Capability.ACT_AS_SUPERVISOR):
        return redirect("allowances:mine")
    if user.can(Capability.REQUEST_DUTIES) and not selectors.is_staff(user):
        return redirect("allowances:plan_new")
    _staff(request, "allowances_index")
    programmes = list(selectors.programmes_visible_to(user))
    if len(programmes) == 1:
        return redirect("allowances:programme", programmes[0].pk)
    return render(request, "allowances/index.html", {"programmes": programmes})


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "allowances_programme")
    programme = selectors.programme_get_for(request.user, pk)
    today = timezone.localdate()
    page = selectors.programme_page(request.user, programme, today=today)
    return render(
        request,
        "allowances/programme.html",
        {
            "page": page,
            "programme": programme,
            "rate_form": forms.RateForm(),
            "month_form": forms.MonthForm(initial={"month": f"{today:%Y-%m}"}),
            "proof_form": forms.ProofForm(
                initial={"period_start": today.replace(month=1, day=1), "period_end": today}
            ),
            "supervisors": programme.supervisors.order_by("full_name").only("pk", "full_name")[:500],
            "next_year": today.year + 1,
            "today": today,
        },
    )


@require_POST
def rate_new(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "allowances_rate_new")
    programme = selectors.programme_get_for(request.user, pk)
    form = forms.RateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.rate_create(
                actor=request.user, programme=programme, data=services.RateData(**form.cleaned_data)
            )
            messages.success(request, _("标准已登记"))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("allowances:programme", programme.pk)


@require_POST
def rate_close(request: HttpRequest, pk: int, rate_id: int) -> HttpResponse:
    """A new finance document replaces a rate: the old bracket gets its last day."""
    _staff(request, "allowances_rate_close")
    programme = selectors.programme_get_for(request.user, pk)
    rate = Rate.objects.filter(programme=programme, pk=rate_id).first()
    if rate is None:
        raise Http404(_("没有该标准"))
    form = forms.RateCloseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.rate_close(actor=request.user, rate=rate, valid_to=form.cleaned_data["valid_to"])
            messages.success(request, _("标准已设定截止日"))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("allowances:programme", programme.pk)


@require_POST
def sheet_new(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "allowances_sheet_new")
    programme = selectors.programme_get_for(request.user, pk)
    form = forms.MonthForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("allowances:programme", programme.pk)
    year, month = form.cleaned_data["month"]
    generate = (
        services.sheet_generate
        if form.cleaned_data["kind"] == "allowance"
        else services.reimbursement_sheet_generate
    )
    try:
        sheet = generate(
            actor=request.user,
            programme=programme,
            year=year,
            month=month,
            months=form.cleaned_data["months"],
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("allowances:programme", programme.pk)
    messages.success(request, _("已生成：%(number)s") % {"number": sheet.number})
    return redirect("allowances:sheet", sheet.pk)


# --- sheets -------------------------------------------------------------------------------------------


@require_GET
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "allowances_sheet")
    sheet = selectors.sheet_get_for(request.user, pk)
    lines = list(sheet.lines.select_related("adjusts").order_by("position"))
    return render(
        request,
        "allowances/sheet.html",
        {
            "sheet": sheet,
            "lines": lines,
            "pay_form": forms.PayForm(initial={"paid_on": timezone.localdate()}),
            "adjust_form": forms.AdjustForm(),
            "rates": _rate_texts(sheet),
            "rulebook_title": rulebook_for(sheet.programme).title,
        },
    )


def _rate_texts(sheet: Any) -> list[str]:
    from jiandu.allowances.exports import rate_lines

    return rate_lines(sheet)


def _sheet_prepare(request: HttpRequest, sheet: Any) -> None:
    services.sheet_prepare(actor=request.user, sheet=sheet)
    messages.success(request, _("已制表，请另一名工作人员审核"))


def _sheet_approve(request: HttpRequest, sheet: Any) -> None:
    services.sheet_approve(actor=request.user, sheet=sheet)
    messages.success(request, _("已审核，发放表已锁定"))


def _sheet_pay(request: HttpRequest, sheet: Any) -> None:
    form = forms.PayForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return
    services.sheet_pay(actor=request.user, sheet=sheet, **form.cleaned_data)
    messages.success(request, _("已登记发放"))


def _sheet_adjust(request: HttpRequest, sheet: Any) -> Any:
    form = forms.AdjustForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return None
    line = sheet.lines.filter(position=form.cleaned_data["line"]).first()
    if line is None:
        raise ValidationError(_("没有该明细行"))
    adj = services.sheet_adjust(
        actor=request.user, line=line, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("调整行已列入 %(number)s") % {"number": adj.number})
    return adj


SHEET_ACTIONS: dict[str, Callable[[HttpRequest, Any], Any]] = {
    "prepare": _sheet_prepare,
    "approve": _sheet_approve,
    "pay": _sheet_pay,
    "adjust": _sheet_adjust,
}


@require_POST
def sheet_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request, "allowances_sheet_action")
    handler = SHEET_ACTIONS.get(action)
    if handler is None:
        raise Http404(_("没有该操作"))
    sheet = selectors.sheet_get_for(request.user, pk)
    try:
        result = handler(request, sheet)
    except ValidationError as exc:
        _errors(request, exc)
        result = None
    if result is not None and getattr(result, "pk", None) and result.pk != sheet.pk:
        return redirect("allowances:sheet", result.pk)
    return redirect("allowances:sheet", sheet.pk)


@require_GET
def sheet_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _staff(request, "allowances_sheet_export")
    sheet = selectors.sheet_get_for(request.user, pk)
    if fmt == "xlsx":
        data, ctype = sheet_xlsx(sheet), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        data, ctype = sheet_pdf(sheet), "application/pdf"
    else:
        raise Http404(_("不支持的格式"))
    services.sheet_export_record(actor=request.user, sheet=sheet, fmt=fmt, total=sheet_total(sheet))
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{sheet.number}.{fmt}"'
    return response


# --- claims -------------------------------------------------------------------------------------------


def _own(request: HttpRequest, action: str) -> Supervisor:
    supervisor = selectors.own_supervisor(request.user)
    if supervisor is None:
        raise permission_denied(request, action=action, reason=_("该账号未关联监督员"))
    return supervisor


MAX_RECEIPTS = 8


def _receipts(uploads: list[Any]) -> list[Any]:
    """Receipt photos: type from the bytes, pixel limit, re-encoded without EXIF (jiandu.core.untrusted)."""
    if len(uploads) > MAX_RECEIPTS:
        raise ValidationError(_("票据照片最多 %(n)d 张") % {"n": MAX_RECEIPTS})
    return [image_reencode(u) for u in uploads]


def claim_new(request: HttpRequest) -> HttpResponse:
    supervisor = _own(request, "allowances_claim_new")
    duties = [
        (d, f"{on:%m-%d} {t}")
        for d, on, t in Assignment.objects.filter(supervisor=supervisor, status=AssignmentStatus.ATTENDED)
        .order_by("-duty__duty_on")
        .values_list("duty_id", "duty__duty_on", "duty__title")[:30]
    ]
    form = forms.ClaimForm(request.POST or None, duties=duties)
    if request.method == "POST":
        if form.is_valid():
            try:
                receipts = _receipts(request.FILES.getlist("receipts"))
                claim = services.claim_submit(
                    actor=request.user,
                    purpose=form.cleaned_data["purpose"],
                    duty_id=form.cleaned_data.get("duty"),
                    description=form.cleaned_data["description"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    bank_name=form.cleaned_data["bank_name"],
                    bank_account=form.cleaned_data["bank_account"],
                    lines=[services.ClaimLineData(**ln) for ln in form.lines()],
                    receipts=receipts,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("报销申请已提交"))
                return redirect("allowances:claim", claim.pk)
        else:
            _form_errors(request, form)
    return render(request, "allowances/claim_new.html", {"form": form, "supervisor": supervisor})


@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_get_for(request.user, pk)
    return render(
        request,
        "allowances/claim.html",
        {
            "claim": claim,
            "staff": selectors.is_staff(request.user),
            "account_masked": mask_for("bank_account", claim.bank_account),
            "reason_form": forms.ReasonForm(),
        },
    )


@require_POST
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff(request, "allowances_claim_action")
    claim = selectors.claim_get_for(request.user, pk)
    try:
        if action == "approve":
            claim = services.claim_approve(actor=request.user, claim=claim)
            messages.success(request, claim.get_status_display())
        elif action == "return":
            form = forms.ReasonForm(request.POST)
            if not form.is_valid():
                _form_errors(request, form)
            else:
                services.claim_return(actor=request.user, claim=claim, reason=form.cleaned_data["reason"])
                messages.success(request, _("已退回"))
        elif action == "reveal":
            value = personal_reveal(actor=request.user, obj=claim, field="bank_account")
            return render(request, "allowances/reveal.html", {"claim": claim, "value": value})
        else:
            raise Http404(_("没有该操作"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("allowances:claim", claim.pk)


@require_GET
def receipt_download(request: HttpRequest, pk: int, receipt_id: int) -> FileResponse:
    claim = selectors.claim_get_for(request.user, pk)
    receipt = ClaimReceipt.objects.filter(claim=claim, pk=receipt_id).first()
    if receipt is None:
        raise Http404(_("没有该票据"))
    return FileResponse(receipt.file.open("rb"), content_type=receipt.content_type)


# --- plans (budget) -----------------------------------------------------------------------------------


def plan_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.can(Capability.REQUEST_DUTIES):
        raise permission_denied(request, action="allowances_plan_new", reason=_("由用人机关提交活动计划"))
    from jiandu.duties.services import programmes_for_agency

    programmes = programmes_for_agency(user.organisation)
    today = timezone.localdate()
    form = forms.PlanForm(request.POST or None, initial={"year": today.year + 1})
    if request.method == "POST":
        programme = next((p for p in programmes if str(p.pk) == request.POST.get("programme")), None)
        if programme is None:
            messages.error(request, _("请选择监督项目"))
        elif form.is_valid():
            try:
                services.plan_submit(
                    actor=user,
                    programme=programme,
                    year=form.cleaned_data["year"],
                    items=[PlanItem(k, c, p) for k, c, p in form.items()],
                    note=form.cleaned_data.get("note") or "",
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("活动计划已提交"))
                return redirect("allowances:plan_new")
        else:
            _form_errors(request, form)
    return render(request, "allowances/plan_new.html", {"form": form, "programmes": programmes})


# --- proof of service ---------------------------------------------------------------------------------


@require_POST
def proof_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.ProofForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(request.META.get("HTTP_REFERER") or reverse("allowances:index"))
    supervisor: Supervisor | None
    if form.cleaned_data.get("supervisor"):
        _staff(request, "allowances_proof_new")
        supervisor = Supervisor.objects.filter(
            pk=form.cleaned_data["supervisor"], programme__in=selectors.programmes_visible_to(user)
        ).first()
        if supervisor is None:
            raise Http404(_("没有该监督员"))
    else:
        supervisor = _own(request, "allowances_proof_new")
    try:
        proof = services.proof_issue(
            actor=user,
            supervisor=supervisor,
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            addressee=form.cleaned_data.get("addressee") or "",
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(request.META.get("HTTP_REFERER") or reverse("allowances:index"))
    messages.success(request, _("履职证明已出具：%(number)s") % {"number": proof.number})
    return redirect("allowances:proof", proof.pk)


@require_GET
def proof_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proof = selectors.proof_get_for(request.user, pk)
    return render(
        request,
        "allowances/proof.html",
        {"proof": proof, "staff": selectors.is_staff(request.user), "reason_form": forms.ReasonForm()},
    )


@require_GET
def proof_download(request: HttpRequest, pk: int) -> HttpResponse:
    proof = selectors.proof_get_for(request.user, pk)
    url = request.build_absolute_uri(reverse("allowances:proof_verify", args=[proof.token]))
    response = HttpResponse(proof_pdf(proof, url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proof.number}.pdf"'
    return response


@require_POST
def proof_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "allowances_proof_revoke")
    proof = selectors.proof_get_for(request.user, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.proof_revoke(actor=request.user, proof=proof, reason=form.cleaned_data["reason"])
            messages.success(request, _("履职证明已撤销"))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("allowances:proof", proof.pk)


@login_not_required
@limit_by_address("public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP", "30/m", methods=("GET", "POST"))
@require_GET
def proof_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: what the employer sees on scanning the QR code — valid or revoked, and what it says."""
    proof = selectors.proof_by_token(token)
    status = 404 if proof is None else 200
    return render(request, "allowances/proof_verify.html", {"proof": proof}, status=status)


# --- the supervisor's phone view ----------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    supervisor = _own(request, "allowances_mine")
    today = timezone.localdate()
    return render(
        request,
        "allowances/mine.html",
        {
            "money": selectors.my_money(supervisor),
            "proof_form": forms.ProofForm(
                initial={
                    "period_start": dt.date(today.year, 1, 1),
                    "period_end": today,
                    "addressee": supervisor.employer,
                }
            ),
            "SheetKind": SheetKind,
        },
    )
