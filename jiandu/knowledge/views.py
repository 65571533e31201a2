"""The knowledge base: read on a phone by supervisors, maintained by programme staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.core.permissions import permission_denied
from jiandu.knowledge import selectors, services
from jiandu.knowledge.forms import EntryForm, SearchForm
from jiandu.knowledge.models import Entry, EntryKind
from jiandu.reports.exports import text_pdf
from jiandu.roster.models import Programme


def _programme(request: HttpRequest, pk: int) -> Programme:
    programme = selectors.programme_get_for(request.user, pk)
    if programme is None:
        raise Http404(_("没有这个项目，或无权查看"))
    return programme


def _entry(request: HttpRequest, pk: int) -> Entry:
    entry = selectors.entry_get_for(request.user, pk)
    if entry is None:
        raise Http404(_("没有这条内容，或无权查看"))
    return entry


def index(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programmes_readable_by(request.user).select_related("organisation"))
    return render(request, "knowledge/index.html", {"programmes": programmes, "form": SearchForm()})


def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    entries = list(selectors.entries_for(request.user, programme))
    return render(
        request,
        "knowledge/programme.html",
        {
            "programme": programme,
            "faqs": [e for e in entries if e.kind == EntryKind.FAQ],
            "materials": [e for e in entries if e.kind == EntryKind.MATERIAL],
            "forms": [e for e in entries if e.kind == EntryKind.FORM],
            "sessions": selectors.training_materials(programme)[:20],
            "can_edit": selectors.may_edit(request.user, programme),
            "form": SearchForm(),
        },
    )


def rulebook(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    book, articles = selectors.rulebook_articles(programme, on=timezone.localdate())
    return render(
        request, "knowledge/rulebook.html", {"programme": programme, "book": book, "articles": articles}
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    programme = None
    if request.GET.get("programme", "").isdigit():
        programme = selectors.programme_get_for(request.user, int(request.GET["programme"]))
    hits = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        hits = selectors.knowledge_search(request.user, query, programme=programme, on=timezone.localdate())
    return render(
        request,
        "knowledge/search.html",
        {
            "form": form,
            "hits": hits,
            "query": query,
            "programme": programme,
            "kinds": dict(EntryKind.choices),
        },
    )


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    return render(
        request,
        "knowledge/entry.html",
        {"entry": entry, "can_edit": selectors.may_edit(request.user, entry.programme)},
    )


def entry_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A form or material printed on A4 (the blank feedback form to fill in by hand, for instance)."""
    entry = _entry(request, pk)
    data = text_pdf(
        title=entry.title,
        subtitle=entry.programme.name,
        body=entry.body,
        author=entry.programme.organisation.name,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="knowledge-{entry.pk}.pdf"'
    return response


def entry_new(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not selectors.may_edit(request.user, programme):
        raise permission_denied(
            request, action="knowledge.entry_create", reason=_("只有本项目的管理员可以维护知识库")
        )
    form = EntryForm(request.POST or None, initial={"kind": request.GET.get("kind", EntryKind.FAQ)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = services.entry_create(
                actor=request.user,
                programme=programme,
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                published=d["published"],
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, _("已保存"))
            return redirect("knowledge:entry", pk=entry.pk)
    return render(request, "knowledge/entry_form.html", {"form": form, "programme": programme})


def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if not selectors.may_edit(request.user, entry.programme):
        raise permission_denied(
            request, action="knowledge.entry_update", reason=_("只有本项目的管理员可以维护知识库")
        )
    form = EntryForm(
        request.POST or None,
        initial={"kind": entry.kind, "title": entry.title, "body": entry.body, "published": entry.published},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.entry_update(
                actor=request.user,
                entry=entry,
                kind=d["kind"],
                title=d["title"],
                body=d["body"],
                published=d["published"],
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, _("已保存"))
            return redirect("knowledge:entry", pk=entry.pk)
    return render(
        request, "knowledge/entry_form.html", {"form": form, "programme": entry.programme, "entry": entry}
    )
