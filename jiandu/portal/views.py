"""The public portal: announcements, the application form (no account), status by receipt number,
public notices with objections, the public roster and certificate verification. Public pages show
names and programmes only — never an identifier or a phone number."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from jiandu.assessment.models import AssessmentRound
from jiandu.core.ratelimits import limit_by_address
from jiandu.core.untrusted import csv_row
from jiandu.portal import selectors
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
from jiandu.roster.models import Announcement, AnnouncementKind, Programme

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
@limit_by_address("public-form", "JIANDU_RATE_PUBLIC_FORM", "10/h")
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_object_or_404(
        Round.objects.select_related("programme__organisation"), pk=pk, status__in=PUBLIC_ROUNDS
    )
    if r.status != RoundStatus.PUBLISHED:
        # Past the application period the round is still public: say so instead of a bare 404.
        messages.info(
            request,
            _("报名已于{isoformat}截止，该批次已进入公示或聘任阶段").format(
                isoformat=r.applications_close.isoformat()
            ),
        )
        return redirect("portal:round", pk=r.pk)
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
@limit_by_address("public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP", "30/m", methods=("GET", "POST"))
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
@limit_by_address("public-form", "JIANDU_RATE_PUBLIC_FORM", "10/h")
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
            messages.success(
                request,
                _("异议已受理，受理编号 {receipt_no}，可凭编号查询处理结果").format(
                    receipt_no=obj.receipt_no
                ),
            )
            return redirect("portal:notice", pk=n.pk)
    return render(
        request, "portal/notice.html", {"n": n, "candidates": candidates, "form": form, "open": open_}
    )


@login_not_required
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Announcement.objects.select_related("programme__organisation"), pk=pk)
    return render(request, "portal/announcement.html", {"a": a})


def _programme(pk: int) -> Programme:
    programme = selectors.public_programme_get(pk)
    if programme is None:
        raise Http404(_("项目不存在"))
    return programme


@login_not_required
def programme_public(request: HttpRequest, pk: int) -> HttpResponse:
    """One programme for the public: its roster, announcements, notices, the certificate check, the
    complaint form and the yearly statistics, all one tap away on a phone."""
    programme = _programme(pk)
    today = timezone.localdate()
    announcements = Announcement.objects.filter(programme=programme)
    # 优秀 公示: the announcements the assessment rounds published for their excellent grades.
    excellent_ids = AssessmentRound.objects.filter(
        programme=programme, notice_announcement__isnull=False
    ).values("notice_announcement_id")
    return render(
        request,
        "portal/programme.html",
        {
            "programme": programme,
            "appointments": announcements.filter(kind=AnnouncementKind.APPOINTMENT)[:20],
            "departures": announcements.filter(kind=AnnouncementKind.DEPARTURE)[:20],
            "excellent": announcements.filter(pk__in=excellent_ids)[:20],
            "others": announcements.filter(kind=AnnouncementKind.OTHER).exclude(pk__in=excellent_ids)[:20],
            "rounds": Round.objects.filter(programme=programme, status__in=PUBLIC_ROUNDS)[:20],
            "notices": PublicNotice.objects.filter(round__programme=programme)
            .select_related("round")
            .order_by("-starts_on")[:20],
            "years": range(today.year, max(selectors.FIRST_YEAR, today.year - 4) - 1, -1),
        },
    )


@login_not_required
def public_roster(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(pk)
    return render(
        request,
        "portal/roster.html",
        {
            "programme": programme,
            # A national programme's roster runs to thousands: a page of 100 keeps a phone quick.
            "page": Paginator(selectors.public_roster(programme, on=timezone.localdate()), 100).get_page(
                request.GET.get("page")
            ),
        },
    )


@login_not_required
@limit_by_address("public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP", "30/m", methods=("GET", "POST"))
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Certificate check from the QR code: validity, name and programme only."""
    cert = selectors.certificate_by_token(token)
    if cert is None:
        raise Http404(_("证书不存在"))
    check = selectors.certificate_check(cert, today=timezone.localdate())
    return render(request, "portal/verify.html", {"check": check})


@login_not_required
@limit_by_address("public-lookup", "JIANDU_RATE_PUBLIC_LOOKUP", "30/m", methods=("GET", "POST"))
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """Certificate check by the number printed on it, for whoever cannot scan the QR code."""
    number = request.GET.get("number", "").strip()[:40]
    check = None
    if number:
        cert = selectors.certificate_by_number(number)
        if cert is not None:
            check = selectors.certificate_check(cert, today=timezone.localdate())
    return render(request, "portal/certificate_lookup.html", {"number": number, "check": check})


def _statistics(pk: int, year: int) -> selectors.OpenStatistics:
    programme = _programme(pk)
    today = timezone.localdate()
    if not selectors.FIRST_YEAR <= year <= today.year:
        raise Http404(_("没有该年度的统计"))
    return selectors.open_statistics(programme, year=year, today=today)


@login_not_required
def statistics(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    stats = _statistics(pk, year)
    rows = [
        (selectors.STATISTIC_LABELS[k], v)
        for k, v in stats.to_dict().items()
        if k in selectors.STATISTIC_LABELS
    ]
    return render(request, "portal/statistics.html", {"stats": stats, "rows": rows, "programme_id": pk})


@login_not_required
def statistics_download(request: HttpRequest, pk: int, year: int, fmt: str) -> HttpResponse:
    stats = _statistics(pk, year)
    data = stats.to_dict()
    name = f"statistics-{pk}-{year}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
        )
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["key", _("指标"), "value"])
        writer.writerow(csv_row(["programme", _("项目"), stats.programme]))
        writer.writerow(["year", _("年度"), stats.year])
        for key, label in selectors.STATISTIC_LABELS.items():
            writer.writerow([key, label, data[key]])
        # The byte-order mark makes Excel open the Chinese text as UTF-8.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
