"""Training pages. Thin: a gate, a selector, a form, a service, a message."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from jiandu.accounts.roles import Capability
from jiandu.core.permissions import permission_denied, require_capability
from jiandu.training import forms, rules, selectors, services


def _staff(request: HttpRequest, action: str) -> None:
    if not selectors.is_staff(request.user):
        raise permission_denied(request, action=action, reason=gettext("该账号不管理培训"))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)


def session_list(request: HttpRequest) -> HttpResponse:
    if not selectors.is_staff(request.user) and request.user.can(Capability.ACT_AS_SUPERVISOR):  # type: ignore[union-attr]
        return redirect("training:mine")
    _staff(request, "training_list")
    sessions = selectors.sessions_visible_to(request.user)[:200]
    return render(request, "training/list.html", {"sessions": sessions})


@require_capability(Capability.MANAGE_PROGRAMMES)
def session_new(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_visible_to(request.user)
    first = programmes.first()
    today = timezone.localdate()
    modes = rules.modes_for(first, today) if first else [("other", gettext("其他"))]
    form = forms.SessionForm(
        request.POST or None,
        programmes=programmes,
        sessions=selectors.sessions_visible_to(request.user),
        modes=modes,
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                s = services.session_create(
                    actor=request.user,
                    programme=d["programme"],
                    kind=d["kind"],
                    mode=d["mode"],
                    title=d["title"],
                    held_on=d["held_on"],
                    place=d["place"],
                    pass_mark=d["pass_mark"],
                    makeup_of=d["makeup_of"],
                    materials=d["materials"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, gettext("培训已创建"))
                return redirect("training:detail", s.pk)
        else:
            _form_errors(request, form)
    return render(request, "training/new.html", {"form": form})


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "training_detail")
    s = selectors.session_get_for(request.user, pk)
    page = selectors.session_page(s)
    modes = dict(rules.modes_for(s.programme, s.held_on))
    checkin_url = request.build_absolute_uri(reverse("training:checkin", args=[s.checkin_token]))
    return render(
        request,
        "training/detail.html",
        {
            "s": s,
            "mode_label": modes.get(s.mode, s.mode),
            "checkin_url": checkin_url,
            "attendance_form": forms.AttendanceForm(),
            "exam_form": forms.ExamForm(),
            **page,
        },
    )


def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "training_qr")
    s = selectors.session_get_for(request.user, pk)
    buf = io.BytesIO()
    url = request.build_absolute_uri(reverse("training:checkin", args=[s.checkin_token]))
    segno.make(url, error="m").save(buf, kind="svg", scale=6, border=2)
    return HttpResponse(buf.getvalue(), content_type="image/svg+xml")


@require_POST
def session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "training_invite")
    s = selectors.session_get_for(request.user, pk)
    try:
        n = services.session_invite(actor=request.user, session=s)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, gettext("已通知{n}名监督员").format(n=n))
    return redirect("training:detail", s.pk)


@require_POST
def participation_attendance(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    _staff(request, "training_attendance")
    s = selectors.session_get_for(request.user, pk)
    p = selectors.participation_get_for(request.user, s, pid)
    form = forms.AttendanceForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.attendance_record(
                actor=request.user,
                participation=p,
                attended=d["attended"],
                excused=d["excused"],
                reason=d["reason"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request, gettext("已记录{full_name}的参加情况").format(full_name=p.supervisor.full_name)
            )
    else:
        _form_errors(request, form)
    return redirect("training:detail", s.pk)


@require_POST
def participation_exam(request: HttpRequest, pk: int, pid: int) -> HttpResponse:
    _staff(request, "training_exam")
    s = selectors.session_get_for(request.user, pk)
    p = selectors.participation_get_for(request.user, s, pid)
    form = forms.ExamForm(request.POST)
    if form.is_valid():
        try:
            p = services.exam_record(actor=request.user, participation=p, score=form.cleaned_data["score"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                gettext("{name}：{result}").format(
                    name=p.supervisor.full_name, result=gettext("合格") if p.passed else gettext("不合格")
                ),
            )
    else:
        _form_errors(request, form)
    return redirect("training:detail", s.pk)


def training_pending(request: HttpRequest) -> HttpResponse:
    """The overdue list of initial training and the yearly in-term check."""
    _staff(request, "training_pending")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    return render(
        request,
        "training/pending.html",
        {
            "today": today,
            "year": year,
            "initial": selectors.initial_training_pending(request.user, today=today),
            "in_term": selectors.in_term_missing(request.user, year=year),
        },
    )


@require_capability(Capability.ACT_AS_SUPERVISOR)
def training_mine(request: HttpRequest) -> HttpResponse:
    rows = selectors.participations_of_supervisor(request.user)
    return render(request, "training/mine.html", {"rows": rows, "today": timezone.localdate()})


@require_capability(Capability.ACT_AS_SUPERVISOR)
def training_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page the venue's QR code opens on the supervisor's phone: one button to sign in."""
    if request.method == "POST":
        try:
            p = services.checkin(actor=request.user, token=token)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("签到成功：{title}").format(title=p.session.title))
            return redirect("training:mine")
    session = services.TrainingSession.objects.filter(checkin_token=token).first()
    return render(request, "training/checkin.html", {"session": session})


@require_capability(Capability.ACT_AS_SUPERVISOR)
def training_quiz(request: HttpRequest, pk: int) -> HttpResponse:
    p = selectors.my_participation(request.user, pk)
    form = forms.QuizForm(request.POST or None, quiz=p.session.quiz)
    if request.method == "POST":
        if form.is_valid():
            try:
                p = services.quiz_submit(actor=request.user, participation=p, answers=form.answers())
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(
                    request,
                    gettext("已完成在线学习{value}").format(
                        value=gettext("，得分{score}").format(score=p.score) if p.score is not None else ""
                    ),
                )
                return redirect("training:mine")
        else:
            _form_errors(request, form)
    return render(request, "training/quiz.html", {"p": p, "form": form})


@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request, "training_material_add")
    s = selectors.session_get_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, gettext("请选择文件"))
    else:
        try:
            services.material_add(actor=request.user, session=s, upload=upload)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("资料已上传"))
    return redirect("training:detail", s.pk)


def material_download(request: HttpRequest, pk: int) -> FileResponse:
    m = selectors.material_get_for(request.user, pk)
    return FileResponse(m.file.open("rb"), as_attachment=True, filename=m.name, content_type=m.content_type)
