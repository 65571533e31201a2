"""The public portal: announcements, the application form (no account), status by receipt number,
public notices with objections, the public roster and certificate verification. Public pages show
names and programmes only — never an identifier or a phone number."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jiandu.recruitment.forms import ObjectionForm, StatusForm
from jiandu.recruitment.models import (
    Application,
    ApplicationStatus,
    Channel,
    Objection,
    PublicNotice,
    Round,
    RoundStatus,
)
from jiandu.recruitment.services import RecruitmentError, failed_reasons, objection_submit
from jiandu.recruitment.views import _application_form, submit_application
from jiandu.roster import rules
from jiandu.roster.models import Announcement, Certificate, Programme, SupervisorStatus
from jiandu.roster.selectors import active_supervisors

PUBLIC_ROUNDS = (RoundStatus.PUBLISHED, RoundStatus.NOTICE, RoundStatus.APPOINTED, RoundStatus.CLOSED)


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/index.html",
        {
            "rounds": Round.objects.filter(status__in=PUBLIC_ROUNDS).select_related("programme")[:20],
            "notices": PublicNotice.objects.select_related("round__programme").order_by("-starts_on")[:20],
            "announcements": Announcement.objects.select_related("programme")[:20],
            "programmes": Programme.objects.filter(is_active=True),
            "status_form": StatusForm(),
        },
    )


@login_not_required
def round_public(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(
        Round.objects.select_related("programme__organisation"), pk=pk, status__in=PUBLIC_ROUNDS
    )
    today = timezone.localdate()
    return render(
        request,
        "portal/round.html",
        {
            "r": r,
            "rulebook_title": rules.rulebook_for(r.programme).title,
            "open": r.status == RoundStatus.PUBLISHED
            and r.applications_open <= today <= r.applications_close,
        },
    )


@login_not_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(
        Round.objects.select_related("programme__organisation"), pk=pk, status=RoundStatus.PUBLISHED
    )
    form = _application_form(request, r, staff=False)
    if request.method == "POST" and form.is_valid():
        app = submit_application(request, r, form, channel=Channel.SELF)
        if app is not None:
            request.session["last_receipt"] = app.receipt_no
            return redirect("portal:applied")
    return render(request, "portal/apply.html", {"r": r, "form": form})


@login_not_required
@never_cache
def applied(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get("last_receipt")
    if not receipt:
        return redirect("portal:status")
    return render(request, "portal/applied.html", {"receipt": receipt})


@login_not_required
def status(request: HttpRequest) -> HttpResponse:
    """Status by receipt number: an application (BM…) or an objection (YY…)."""
    form = StatusForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        receipt = form.cleaned_data["receipt_no"].strip().upper()
        app = Application.objects.select_related("round__programme").filter(receipt_no=receipt).first()
        obj = Objection.objects.select_related("application").filter(receipt_no=receipt).first()
        if app is not None:
            context.update(
                app=app,
                name=app.full_name[0] + "*" * (len(app.full_name) - 1),
                failed=failed_reasons(app) if app.status == ApplicationStatus.REJECTED else [],
                pending=app.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENED),
            )
        elif obj is not None:
            context.update(objection=obj)
        else:
            context.update(not_found=True)
    return render(request, "portal/status.html", context)


@login_not_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(PublicNotice.objects.select_related("round__programme"), pk=pk)
    today = timezone.localdate()
    candidates = n.round.applications.filter(
        status__in=[ApplicationStatus.IN_NOTICE, ApplicationStatus.APPOINTED, ApplicationStatus.BLOCKED]
    ).order_by("id")
    open_ = n.starts_on <= today <= n.ends_on
    form = ObjectionForm(
        request.POST or None, candidates=candidates.filter(status=ApplicationStatus.IN_NOTICE)
    )
    if request.method == "POST" and open_ and form.is_valid():
        d = form.cleaned_data
        try:
            obj = objection_submit(
                notice=n,
                application=d["application"],
                text=d["text"],
                name=d["name"],
                contact=d["contact"],
                on=today,
            )
        except RecruitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"异议已受理，受理编号 {obj.receipt_no}，可凭编号查询处理结果")
            return redirect("portal:notice", pk=n.pk)
    return render(
        request, "portal/notice.html", {"n": n, "candidates": candidates, "form": form, "open": open_}
    )


@login_not_required
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Announcement.objects.select_related("programme__organisation"), pk=pk)
    return render(request, "portal/announcement.html", {"a": a})


@login_not_required
def public_roster(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("organisation"), pk=pk, is_active=True)
    return render(
        request,
        "portal/roster.html",
        {
            "programme": programme,
            "supervisors": active_supervisors(programme).only("full_name", "certificate_no", "term_end"),
        },
    )


@login_not_required
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Certificate check from the QR code: validity, name and programme only."""
    cert = Certificate.objects.select_related("supervisor__programme").filter(token=token).first()
    if cert is None:
        raise Http404("证书不存在")
    today = timezone.localdate()
    s = cert.supervisor
    if cert.revoked_on is not None:
        state, label = "revoked", f"已于{cert.revoked_on:%Y年%m月%d日}收回，证书无效"
    elif today > cert.valid_until or s.status == SupervisorStatus.ENDED:
        state, label = "expired", f"已于{cert.valid_until:%Y年%m月%d日}期满，证书无效"
    elif today < cert.issued_on:
        state, label = "pending", "尚未生效"
    else:
        state, label = "valid", f"有效（有效期至{cert.valid_until:%Y年%m月%d日}）"
    return render(
        request,
        "portal/verify.html",
        {"cert": cert, "name": s.full_name, "programme": s.programme.name, "state": state, "label": label},
    )
