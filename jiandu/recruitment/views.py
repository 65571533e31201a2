"""Staff pages of a recruitment round: announce, enter and screen applications, public notice and
objections, appoint."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import permission_denied, require_capability
from jiandu.orgs.selectors import subtree_ids
from jiandu.recruitment import services
from jiandu.recruitment.forms import ApplicationForm, NoticeForm, ObjectionHandleForm, ReviewForm, RoundForm
from jiandu.recruitment.models import Application, ApplicationStatus, Attachment, Objection, Round
from jiandu.roster import rules
from jiandu.roster.selectors import programme_manageable_by, programmes_visible_to
from jiandu.rules.catalogue import EDUCATION_LABELS
from jiandu.rules.identifiers import id_number_mask, mobile_mask


def _round(request: HttpRequest, pk: int, *, manage: bool = False) -> Round:
    r = get_object_or_404(
        Round.objects.select_related("programme__organisation").filter(
            programme__in=programmes_visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    if manage and not programme_manageable_by(request.user, r.programme):
        raise permission_denied(
            request, action="recruitment.manage", reason=gettext("只有本项目的管理员可以办理")
        )
    return r


def _applications(request: HttpRequest, r: Round) -> QuerySet[Application]:
    """The round's applicants the user reads (the round already found visible): all of them where the
    programme is run at or under the user's organisation; of a city programme seen from a district
    bureau, only that district's — the roster's rule (docs/security.md, "Who reads what")."""
    qs = r.applications.all()
    org: Any = request.user.organisation  # type: ignore[union-attr]
    if not r.programme.organisation.path.startswith(org.path):
        qs = qs.filter(district_id__in=subtree_ids(org))
    return qs


def _application(request: HttpRequest, pk: int, *, manage: bool = False) -> Application:
    app = get_object_or_404(Application.objects.select_related("round__programme"), pk=pk)
    r = _round(request, app.round_id, manage=manage)
    if not _applications(request, r).filter(pk=app.pk).exists():
        raise Http404
    return app


@require_capability(Capability.MANAGE_PROGRAMMES)
def round_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(programmes_visible_to(request.user), pk=pk)
    if not programme_manageable_by(request.user, programme):
        raise permission_denied(request, action="round.create", reason=gettext("只有本项目的管理员可以办理"))
    today = timezone.localdate()
    form = RoundForm(
        request.POST or None, initial={"title": gettext("{name}聘任公告").format(name=programme.name)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = services.round_create(
                actor=request.user,
                programme=programme,
                title=d["title"],
                quota=d["quota"],
                applications_open=d["applications_open"],
                applications_close=d["applications_close"],
                recruitment_starts_on=d["recruitment_starts_on"],
                term_start=d["term_start"],
                replenishment=d["replenishment"],
                on=today,
            )
        except Exception as exc:  # RecruitmentError or the rules core refusing (e.g. no 补聘 rule)
            form.add_error(None, str(exc))
        else:
            return redirect("recruitment:round", pk=r.pk)
    rb = rules.rulebook_for(programme)
    return render(
        request,
        "recruitment/round_new.html",
        {
            "programme": programme,
            "form": form,
            "conditions": rules.announcement_conditions(rb, today),
            "bounds": services.size_bounds(programme, today),
            "ahead": rules.cited(rb, "recruitment.announce_months_ahead", today),
        },
    )


@require_capability(Capability.ASSIST_PROGRAMMES)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    today = timezone.localdate()
    apps = list(_applications(request, r).prefetch_related("objections").order_by("id"))
    notice = getattr(r, "notice", None)
    return render(
        request,
        "recruitment/round_detail.html",
        {
            "r": r,
            "programme": r.programme,
            "apps": [
                {
                    "a": a,
                    "id_masked": id_number_mask(a.id_number),
                    "blockers": services.appointment_blockers(a),
                }
                for a in apps
            ],
            "notice": notice,
            "objections": (
                notice.objections.select_related("application").filter(
                    application__in=_applications(request, r)
                )
                if notice
                else []
            ),
            "timing": services.publish_timing(r, today) if r.status == "draft" else r.timing_reason,
            "can_manage": programme_manageable_by(request.user, r.programme),
            "notice_form": _notice_form(r, today),
            "today": today,
            "notice_over": notice is not None and today > notice.ends_on,
            # 山西 第六条: appoint, then publicise — no notice-with-objections stage.
            "appoint_first": _appoint_first(r, today),
        },
    )


def _act(request: HttpRequest, r: Round, fn: Any, success: str, **kwargs: Any) -> HttpResponse:
    try:
        fn(actor=request.user, round=r, on=timezone.localdate(), **kwargs)
    except services.RecruitmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("recruitment:round", pk=r.pk)


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, _round(request, pk, manage=True), services.round_publish, gettext("公告已在门户网站发布")
    )


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk, manage=True)
    form = _notice_form(r, timezone.localdate(), request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errors))
        return redirect("recruitment:round", pk=r.pk)
    ends_on = form.cleaned_data.get("ends_on")
    return _act(request, r, services.notice_publish, gettext("拟聘人选公示已发布"), ends_on=ends_on)


def _appoint_first(r: Round, today: Any) -> Any:
    order = services.recruitment_order(r.programme, today)
    return order if order is not None and order.value == services.APPOINT_THEN_PUBLICISE else None


def _notice_form(r: Round, on: Any, data: Any = None) -> NoticeForm:
    min_end, reason = services.notice_period(r.programme, on)
    return NoticeForm(data, min_end=min_end, article=reason.get("article", ""))


@require_POST
@require_capability(Capability.MANAGE_PROGRAMMES)
def round_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk, manage=True)
    try:
        result = services.round_appoint(actor=request.user, round=r, on=timezone.localdate())
    except services.RecruitmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已聘任{count}人").format(count=len(result["appointed"])))
        for a in result["blocked"]:
            messages.error(
                request,
                gettext("{full_name}未聘任：{value}").format(
                    full_name=a.full_name, value="；".join(services.appointment_blockers(a))
                ),
            )
    return redirect("recruitment:round", pk=r.pk)


def _application_form(request: HttpRequest, r: Round, *, staff: bool) -> ApplicationForm:
    today = timezone.localdate()
    rb = rules.rulebook_for(r.programme)
    return ApplicationForm(
        request.POST or None,
        request.FILES or None,
        programme=r.programme,
        records=rules.relevant_records(rb, today),
        posts=rules.relevant_posts(rb, today),
        staff=staff,
    )


def submit_application(
    request: HttpRequest, r: Round, form: ApplicationForm, *, channel: str
) -> Application | None:
    try:
        return services.application_submit(
            actor=request.user,
            round=r,
            channel=channel,
            data=form.person_data(),
            on=timezone.localdate(),
            files=request.FILES.getlist("attachments"),
        )
    except services.ApplicationInvalid as exc:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
    except services.RecruitmentError as exc:
        form.add_error(None, str(exc))
    return None


@require_capability(Capability.MANAGE_PROGRAMMES)
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk, manage=True)
    form = _application_form(request, r, staff=True)
    if request.method == "POST" and form.is_valid():
        app = submit_application(request, r, form, channel=form.cleaned_data["channel"])
        if app is not None:
            messages.success(
                request, gettext("已录入，受理编号 {receipt_no}").format(receipt_no=app.receipt_no)
            )
            return redirect("recruitment:application", pk=app.pk)
    return render(request, "recruitment/application_new.html", {"r": r, "form": form})


@require_capability(Capability.ASSIST_PROGRAMMES)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    r = app.round
    can_manage = programme_manageable_by(request.user, r.programme)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise permission_denied(
                request, action="application.review", reason=gettext("只有本项目的管理员可以审查")
            )
        if form.is_valid():
            try:
                services.application_review(
                    actor=request.user,
                    application=app,
                    approve=form.cleaned_data["approve"],
                    criteria=form.cleaned_data["criteria"],
                    rejection_reason=form.cleaned_data["rejection_reason"],
                )
            except services.RecruitmentError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("已记录审查结论"))
                return redirect("recruitment:round", pk=r.pk)
    return render(
        request,
        "recruitment/application_detail.html",
        {
            "app": app,
            "r": r,
            "id_masked": id_number_mask(app.id_number),
            "phone_masked": mobile_mask(app.phone),
            "education_label": EDUCATION_LABELS.get(app.education, app.education),
            "form": form,
            "can_review": can_manage and app.status == ApplicationStatus.SCREENED,
            "objections": app.objections.all(),
        },
    )


@require_capability(Capability.ASSIST_PROGRAMMES)
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    att = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    _application(request, att.application_id)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)  # type: ignore[return-value]


@require_capability(Capability.MANAGE_PROGRAMMES)
def objection_handle(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Objection.objects.select_related("application__round"), pk=pk)
    r = _round(request, obj.application.round_id, manage=True)
    form = ObjectionHandleForm(request.POST or None, initial={"investigation": obj.investigation})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if d["step"] == "investigate":
                services.objection_investigate(
                    actor=request.user, objection=obj, investigation=d["investigation"]
                )
            else:
                services.objection_resolve(
                    actor=request.user,
                    objection=obj,
                    upheld=d["step"] == "uphold",
                    resolution=d["resolution"],
                    investigation=d["investigation"],
                )
        except services.RecruitmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已记录"))
            return redirect("recruitment:round", pk=r.pk)
    return render(request, "recruitment/objection.html", {"obj": obj, "r": r, "form": form})
