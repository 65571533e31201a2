"""Staff pages of the roster: programmes, supervisors, terms, leaving, profile, Excel, certificates."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.assessment.selectors import term_view
from jiandu.core.permissions import permission_denied, require_capability
from jiandu.core.rows import choice_labels, url_for_pk, ymd
from jiandu.orgs.models import Level, Organisation, OrgKind
from jiandu.orgs.selectors import districts_within
from jiandu.recruitment.services import size_bounds
from jiandu.roster import rules, selectors, services
from jiandu.roster.certificates import card_pdf, certificate_pdf
from jiandu.roster.excel import roster_export, roster_template
from jiandu.roster.forms import (
    ChangeReportForm,
    EmployerChangeForm,
    ImportForm,
    LeaveForm,
    ProfileForm,
    ProgrammeForm,
    RelationshipForm,
    ReportReviewForm,
    ResignationForm,
)
from jiandu.roster.models import (
    Certificate,
    ProfileReport,
    Programme,
    Relationship,
    ReportKind,
    RosterImport,
    Specialty,
    Supervisor,
    SupervisorStatus,
)
from jiandu.rules.catalogue import EDUCATION_LABELS
from jiandu.rules.identifiers import id_number_mask, mobile_mask
from jiandu.rules.rulebook import list_rulebooks, load_rulebook


def specialty_labels(values: list[str] | None) -> str:
    return "、".join(Specialty(v).label for v in values or [] if v in Specialty.values)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme(request: HttpRequest, pk: int, *, manage: bool = False) -> Programme:
    programme = get_object_or_404(selectors.programmes_visible_to(request.user), pk=pk)
    if manage and not selectors.programme_manageable_by(request.user, programme):
        raise permission_denied(request, action="roster.manage", reason=gettext("只有本项目的管理员可以办理"))
    return programme


def _supervisor(request: HttpRequest, pk: int, *, manage: bool = False) -> Supervisor:
    s = get_object_or_404(
        selectors.supervisors_visible_to(request.user).select_related("programme__organisation", "district"),
        pk=pk,
    )
    if manage and not selectors.programme_manageable_by(request.user, s.programme):
        raise permission_denied(request, action="roster.manage", reason=gettext("只有本项目的管理员可以办理"))
    return s


def _districts(programme: Programme) -> Any:
    return districts_within([programme.organisation], levels=(Level.DISTRICT, Level.CITY))


@require_capability(Capability.ASSIST_PROGRAMMES)
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roster/programme_list.html",
        {
            "programmes": selectors.programmes_visible_to(request.user),
            "can_create": request.user.can(Capability.MANAGE_PROGRAMMES),  # type: ignore[union-attr]
        },
    )


@require_capability(Capability.MANAGE_PROGRAMMES)
def programme_new(request: HttpRequest) -> HttpResponse:
    """A bureau sets up its programme under one of the rulebooks (the Ningxia administration had no way)."""
    user: Any = request.user
    organisations = Organisation.objects.filter(
        user.organisation.subtree_q(), kind__in=(OrgKind.JUSTICE_BUREAU, OrgKind.PRISON_ADMINISTRATION)
    ).order_by("path")
    rulebooks = [(rid, f"{load_rulebook(rid).title}（{rid}）") for rid in list_rulebooks()]
    form = ProgrammeForm(request.POST or None, organisations=organisations, rulebooks=rulebooks)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=user, **form.cleaned_data)
        except services.RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("已设立监督项目“{name}”").format(name=programme.name))
            return redirect("roster:programme", pk=programme.pk)
    return render(request, "roster/programme_new.html", {"form": form})


@require_capability(Capability.ASSIST_PROGRAMMES)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = timezone.localdate()
    # The rows a district bureau reads of a city programme are its own district's (the counts below
    # stay the programme's: a figure, not a person). One keyset page, never the whole roster.
    page = selectors.roster_page(request.user, programme, after=request.GET.get("after"))
    active_total = programme.supervisors.filter(status=SupervisorStatus.ACTIVE).count()
    bounds = size_bounds(programme, today)
    size_notes = []
    if bounds["min"] is not None and active_total < bounds["min"].value:
        size_notes.append(
            {
                "message": gettext("在任{active_total}人，不足{value}人，可以补聘").format(
                    active_total=active_total, value=bounds["min"].value
                ),
                "article": bounds["min"].article,
            }
        )
    if bounds["max"] is not None and active_total > bounds["max"].value:
        size_notes.append(
            {
                "message": gettext("在任{active_total}人，超过名额上限{value}人").format(
                    active_total=active_total, value=bounds["max"].value
                ),
                "article": bounds["max"].article,
            }
        )
    # Per-county minimum (a warning): each note cites the programme's rulebook.
    size_notes += selectors.county_shortfalls(programme, today)
    # What each row prints, formatted here once (jiandu.core.rows), not per row in the template.
    detail_url = url_for_pk("roster:supervisor")
    statuses = choice_labels(SupervisorStatus.choices)
    rows = [
        {
            "s": s,
            "url": detail_url(s.pk),
            # The stored masks: a roster page never decrypts an identifier.
            "id_masked": s.id_number_masked,
            "phone_masked": s.phone_masked,
            "term_start": ymd(s.term_start),
            "term_end": ymd(s.term_end),
            "status": statuses.get(s.status, s.status),
            "expired": s.status == SupervisorStatus.ACTIVE and s.term_end is not None and s.term_end < today,
        }
        for s in page.rows
    ]
    return render(
        request,
        "roster/programme_detail.html",
        {
            "programme": programme,
            "rows": rows,
            "page": page,
            "active_count": active_total,
            "bounds": bounds,
            "size_notes": size_notes,
            "late": selectors.late_employer_reports(programme, request.user),
            "rounds": programme.rounds.all()[:10],
            "can_manage": selectors.programme_manageable_by(request.user, programme),
            "can_full": request.user.can(Capability.VIEW_FULL_IDENTIFIERS),  # type: ignore[union-attr]
        },
    )


@require_capability(Capability.ASSIST_PROGRAMMES)
def roster_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    full = request.GET.get("full") == "1"
    if full and not request.user.can(Capability.VIEW_FULL_IDENTIFIERS):  # type: ignore[union-attr]
        raise permission_denied(
            request, action="roster.export_full", reason=gettext("没有查看完整身份信息的权限")
        )
    buf = io.BytesIO()
    roster_export(
        actor=request.user,
        programme=programme,
        out=buf,
        full=full,
        supervisors=selectors.supervisors_visible_to(request.user).filter(programme=programme),
    )
    buf.seek(0)
    name = f"roster-{programme.pk}-{timezone.localdate():%Y%m%d}{'-full' if full else ''}.xlsx"
    return FileResponse(buf, as_attachment=True, filename=name, content_type=XLSX)  # type: ignore[return-value]


@require_capability(Capability.ASSIST_PROGRAMMES)
def roster_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    buf = io.BytesIO()
    roster_template(programme=programme, out=buf)
    buf.seek(0)
    name = f"roster-template-{programme.pk}.xlsx"
    return FileResponse(buf, as_attachment=True, filename=name, content_type=XLSX)  # type: ignore[return-value]


@require_capability(Capability.MANAGE_PROGRAMMES)
def roster_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, manage=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.roster_import_start(
            actor=request.user,
            programme=programme,
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
        )
        return redirect("roster:import_status", pk=job.pk)
    return render(request, "roster/import.html", {"programme": programme, "form": form})


@require_capability(Capability.MANAGE_PROGRAMMES)
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(RosterImport.objects.select_related("programme"), pk=pk)
    _programme(request, job.programme_id, manage=True)
    template = "roster/_import_progress.html" if request.htmx else "roster/import_status.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job, "programme": job.programme})


@require_capability(Capability.ASSIST_PROGRAMMES)
def supervisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk)
    today = timezone.localdate()
    can_manage = selectors.programme_manageable_by(request.user, s.programme)
    renewal = None
    if s.status == SupervisorStatus.ACTIVE:
        try:
            renewal = services.renewal_check(supervisor=s, on=today)
        except Exception as exc:  # a rulebook that cannot answer: say so, never guess
            renewal = {"error": str(exc)}
    return render(
        request,
        "roster/supervisor_detail.html",
        {
            "s": s,
            "programme": s.programme,
            "id_masked": id_number_mask(s.id_number) if s.id_number else "",
            "phone_masked": mobile_mask(s.phone) if s.phone else "",
            "education_label": EDUCATION_LABELS.get(s.education, s.education),
            "specialty_labels": specialty_labels(s.specialties),
            "appointments": s.appointments.all(),
            "certificates": s.certificates.all(),
            "departures": s.departures.select_related("announcement"),
            "employer_changes": s.employer_changes.all(),
            "relationships": s.relationships.all(),
            "timeline": selectors.supervisor_timeline(s),
            "renewal": renewal,
            # 考核结果作为续任的重要依据 (威海 人民监督员 第三十七条): this term's grades beside the check.
            "term_view": term_view(s, on=today),
            "can_manage": can_manage,
            "can_full": request.user.can(Capability.VIEW_FULL_IDENTIFIERS),  # type: ignore[union-attr]
            "employer_form": EmployerChangeForm(initial={"reported_on": today}),
            "relationship_form": RelationshipForm(),
            "reports": s.reports.select_related("reviewed_by"),
            "review_form": ReportReviewForm(),
        },
    )


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ProfileReport.objects.select_related("supervisor"), pk=pk)
    s = _supervisor(request, report.supervisor_id, manage=True)
    form = ReportReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise services.RosterError(gettext("请填写审查意见"))
        services.profile_report_review(
            actor=request.user, report=report, outcome=form.cleaned_data["outcome"], on=timezone.localdate()
        )
    except services.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已记录审查意见"))
        if report.kind == ReportKind.RESIGNATION:
            return redirect("roster:leave", pk=s.pk)
    return redirect("roster:supervisor", pk=s.pk)


@require_POST
@require_capability(Capability.VIEW_FULL_IDENTIFIERS)
def supervisor_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk)
    full = services.identifiers_reveal(actor=request.user, supervisor=s)
    return render(request, "roster/_identifiers.html", {"full": full})


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_renew(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    try:
        services.supervisor_renew(actor=request.user, supervisor=s, on=timezone.localdate())
    except services.RenewalRefused as exc:
        messages.error(request, str(exc))
    except services.RosterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("已续聘，新任期至{term_end:%Y-%m-%d}，证书编号{certificate_no}").format(
                term_end=s.term_end, certificate_no=s.certificate_no
            ),
        )
    return redirect("roster:supervisor", pk=s.pk)


@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_leave(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    today = timezone.localdate()
    grounds = services.grounds_for(s.programme, on=today)
    form = LeaveForm(request.POST or None, grounds=grounds)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_leave(
                actor=request.user,
                supervisor=s,
                kind=form.cleaned_data["kind"],
                ground_code=form.cleaned_data["ground"],
                note=form.cleaned_data["note"],
                on=today,
            )
        except services.RosterError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已办理离任，证书已收回"))
            return redirect("roster:supervisor", pk=s.pk)
    return render(request, "roster/leave.html", {"s": s, "form": form, "programme": s.programme})


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_employer(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    form = EmployerChangeForm(request.POST)
    if form.is_valid():
        try:
            change = services.employer_change_record(actor=request.user, supervisor=s, **form.cleaned_data)
        except services.RosterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, gettext("已登记工作单位变动") + (gettext("（逾期报告）") if change.is_late else "")
            )
    else:
        messages.error(request, gettext("请完整填写新工作单位、变动日期和报告日期"))
    return redirect("roster:supervisor", pk=s.pk)


@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_profile(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    return _profile_form(request, s, redirect_to=reverse("roster:supervisor", args=[s.pk]))


def _profile_form(request: HttpRequest, s: Supervisor, *, redirect_to: str) -> HttpResponse:
    districts = _districts(s.programme)
    initial = {
        "full_name": s.full_name,
        "phone": s.phone,
        "address": s.address,
        "email": s.email,
        "education": s.education,
        "political_status": s.political_status,
        "position": s.position,
        "specialties": s.specialties,
        "district": s.district_id,
    }
    form = ProfileForm(request.POST or None, initial=initial, districts=districts)
    if s.user_id is not None and s.user_id == request.user.pk:
        form.fields["full_name"].disabled = True  # renamed by staff only (services.supervisor_update_profile)
        form.fields["full_name"].help_text = gettext("姓名变更须由工作人员核对身份证件后办理")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        district = data.pop("district")
        data["district_id"] = district.pk if district else None
        changes = {k: v for k, v in data.items() if v != getattr(s, k)}
        try:
            if changes:
                services.supervisor_update_profile(actor=request.user, supervisor=s, changes=changes)
        except services.RosterError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已保存"))
            return redirect(redirect_to)
    return render(request, "roster/profile.html", {"s": s, "form": form, "programme": s.programme})


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_relationship(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    form = RelationshipForm(request.POST)
    if form.is_valid():
        services.relationship_add(
            actor=request.user, supervisor=s, on=timezone.localdate(), **form.cleaned_data
        )
        messages.success(request, gettext("已登记回避关系"))
    else:
        messages.error(request, gettext("请选择关系并填写单位或人员名称"))
    return redirect("roster:supervisor", pk=s.pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def relationship_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rel = get_object_or_404(Relationship, pk=pk)
    s = _supervisor(request, rel.supervisor_id, manage=True)
    services.relationship_remove(actor=request.user, relationship=rel)
    return redirect("roster:supervisor", pk=s.pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def supervisor_training(request: HttpRequest, pk: int) -> HttpResponse:
    s = _supervisor(request, pk, manage=True)
    try:
        services.initial_training_record(actor=request.user, supervisor=s, on=timezone.localdate())
    except services.RosterError as exc:
        messages.error(request, str(exc))
        return redirect("training:pending")
    return redirect("roster:supervisor", pk=s.pk)


def _certificate(request: HttpRequest, pk: int) -> Certificate:
    cert = get_object_or_404(
        Certificate.objects.select_related("supervisor__programme__organisation", "appointment"), pk=pk
    )
    if not selectors.supervisors_visible_to(request.user).filter(pk=cert.supervisor_id).exists():
        raise Http404
    return cert


def _verify_url(request: HttpRequest, cert: Certificate) -> str:
    return request.build_absolute_uri(reverse("portal:verify", args=[cert.token]))


@require_capability(Capability.ASSIST_PROGRAMMES)
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    pdf = certificate_pdf(cert, _verify_url(request, cert))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{cert.number}.pdf"'},
    )


@require_capability(Capability.ASSIST_PROGRAMMES)
def card_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    cert = _certificate(request, pk)
    pdf = card_pdf(cert, _verify_url(request, cert))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="card-{cert.number}.pdf"'},
    )


# --- the supervisor's own profile (issue #4 §8) ------------------------------------------------


@require_capability(Capability.ACT_AS_SUPERVISOR)
def my_profile(request: HttpRequest) -> HttpResponse:
    s = getattr(request.user, "supervisor", None)
    if s is None:
        raise Http404(gettext("本账号未关联监督员"))
    if request.method == "POST" and request.POST.get("form") == "employer":
        form = EmployerChangeForm({**request.POST.dict(), "reported_on": timezone.localdate()})
        if form.is_valid():
            try:
                services.employer_change_record(actor=request.user, supervisor=s, **form.cleaned_data)
                messages.success(request, gettext("已报告工作单位变动"))
            except services.RosterError as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, gettext("请填写新工作单位和变动日期"))
        return redirect("roster:me")
    rb = rules.rulebook_for(s.programme)
    today = timezone.localdate()
    change_form = ChangeReportForm(
        request.POST if request.POST.get("form") == "change" else None,
        posts=rules.reportable_posts(rb, today),
        records=rules.relevant_records(rb, today),
    )
    if request.method == "POST" and request.POST.get("form") in ("change", "resign"):
        try:
            if request.POST["form"] == "change":
                if not change_form.is_valid():
                    raise services.RosterError(gettext("请勾选变动情形或说明变动情况"))
                services.supervisor_report_change(
                    actor=request.user,
                    supervisor=s,
                    posts=change_form.cleaned_data.get("posts") or [],
                    records=change_form.cleaned_data.get("records") or [],
                    text=change_form.cleaned_data.get("text", ""),
                    on=today,
                )
                messages.success(request, gettext("已报告，司法行政机关将对照任职条件审查"))
            else:
                resign = ResignationForm(request.POST)
                text = resign.cleaned_data.get("text", "") if resign.is_valid() else ""
                services.supervisor_request_resignation(actor=request.user, supervisor=s, text=text, on=today)
                messages.success(request, gettext("辞聘申请已提交，等待审查"))
        except services.RosterError as exc:
            messages.error(request, str(exc))
        return redirect("roster:me")
    if request.method == "POST" and request.POST.get("form") == "relationship":
        rform = RelationshipForm(request.POST)
        if rform.is_valid():
            services.relationship_add(
                actor=request.user, supervisor=s, on=timezone.localdate(), **rform.cleaned_data
            )
            messages.success(request, gettext("已申报回避关系"))
        return redirect("roster:me")
    if request.method == "POST":
        return _profile_form(request, s, redirect_to=reverse("roster:me"))
    return render(
        request,
        "roster/me.html",
        {
            "s": s,
            "programme": s.programme,
            "id_masked": id_number_mask(s.id_number) if s.id_number else "",
            "education_label": EDUCATION_LABELS.get(s.education, s.education),
            "specialty_labels": specialty_labels(s.specialties),
            "relationships": s.relationships.all(),
            "certificates": s.certificates.all(),
            "employer_form": EmployerChangeForm(),
            "relationship_form": RelationshipForm(),
            "profile_url": reverse("roster:me_edit"),
            "employer_changes": s.employer_changes.all()[:3],
            "change_form": change_form,
            "resignation_form": ResignationForm(),
            "reports": s.reports.all(),
        },
    )


@require_capability(Capability.ACT_AS_SUPERVISOR)
def my_profile_edit(request: HttpRequest) -> HttpResponse:
    s = getattr(request.user, "supervisor", None)
    if s is None:
        raise Http404(gettext("本账号未关联监督员"))
    return _profile_form(request, s, redirect_to=reverse("roster:me"))
