"""Reads of the knowledge base, scoped to who reads: bureau staff their programmes, agency staff the
programmes run above them, a supervisor their own programme. Everyone reads the same rulebook text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.knowledge.models import Entry
from jiandu.knowledge.search import matches, snippet, terms_of
from jiandu.roster.models import Programme, Supervisor
from jiandu.roster.rules import rulebook_for
from jiandu.roster.selectors import programme_manageable_by, programmes_visible_to
from jiandu.rules.catalogue import PARAMETERS
from jiandu.rules.rulebook import Rulebook
from jiandu.training.models import TrainingSession


def programmes_readable_by(user: Any) -> QuerySet[Programme]:
    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        return programmes_visible_to(user)
    if user.can(Capability.ACT_AS_SUPERVISOR):
        return Programme.objects.filter(
            pk__in=Supervisor.objects.filter(user=user).values("programme_id"), is_active=True
        )
    if (user.can(Capability.REQUEST_DUTIES) or user.can(Capability.ANSWER_FINDINGS)) and user.organisation:
        # Programmes run by an organisation at or above the agency (orgs' materialised paths).
        path = user.organisation.path
        prefixes = [".".join(path.split(".")[: i + 1]) + "." for i in range(path.count("."))]
        return Programme.objects.filter(organisation__path__in=prefixes, is_active=True)
    return Programme.objects.none()


def programme_get_for(user: Any, pk: int) -> Programme | None:
    return programmes_readable_by(user).select_related("organisation").filter(pk=pk).first()


def may_edit(user: Any, programme: Programme) -> bool:
    return programme_manageable_by(user, programme)


def entries_for(user: Any, programme: Programme) -> QuerySet[Entry]:
    qs = Entry.objects.filter(programme=programme)
    if not may_edit(user, programme):
        qs = qs.filter(published=True)
    return qs


def entry_get_for(user: Any, pk: int) -> Entry | None:
    entry = Entry.objects.select_related("programme__organisation", "updated_by").filter(pk=pk).first()
    if entry is None or not programmes_readable_by(user).filter(pk=entry.programme_id).exists():
        return None
    if not entry.published and not may_edit(user, entry.programme):
        return None
    return entry


def training_materials(programme: Programme) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(programme=programme).exclude(materials="").order_by("-held_on")


@dataclass(frozen=True)
class ParamNote:
    name: str
    meaning: str
    value: str
    article: str


@dataclass
class ArticleView:
    number: str
    text: str
    rulebook: str
    anchor: str
    params: list[ParamNote] = field(default_factory=list)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        parts = [str(v.get("text") or v.get("code") or v) if isinstance(v, dict) else str(v) for v in value]
        return "；".join(parts)
    if value is None:
        return gettext("（条文未规定具体数值）")
    return str(value)


def rulebook_articles(programme: Programme, *, on: dt.date) -> tuple[Rulebook, list[ArticleView]]:
    """Every article of the programme's rulebook (and of the rulebooks it extends), each with the
    parameters in force on `on` that cite it."""
    book = rulebook_for(programme)
    views: dict[tuple[str, str], ArticleView] = {}
    for b in reversed(book.chain):
        for number, text in b.articles.items():
            views[(b.id, number)] = ArticleView(number, text, b.title, f"{b.id}-{number}")
    for name, p in book.params_in_force(on).items():
        found = book.resolve_article(p.get("article") or "")
        if found is None:
            continue
        target = views.get((found[0].id, found[1]))
        if target is not None:
            spec = PARAMETERS.get(name)
            value = (
                p.get("refers_to") and gettext("见{refers_to}").format(refers_to=p["refers_to"])
            ) or _show(p.get("value"))
            target.params.append(ParamNote(name, spec.meaning if spec else name, value, p["article"]))
    own = [v for (bid, _n), v in views.items() if bid == book.id]
    others = [v for (bid, _n), v in views.items() if bid != book.id]
    return book, own + others


@dataclass(frozen=True)
class Hit:
    kind: str  # article | faq | material | form | training
    title: str
    url: str
    snippet: Any
    rank: int
    programme: str
    label: str = ""


def knowledge_search(user: Any, query: str, *, programme: Programme | None, on: dt.date) -> list[Hit]:
    from django.urls import reverse

    terms = terms_of(query)
    if not terms:
        return []
    programmes = programmes_readable_by(user)
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    hits: list[Hit] = []
    for p in programmes.select_related("organisation"):
        _book, articles = rulebook_articles(p, on=on)
        url = reverse("knowledge:rulebook", args=[p.pk])
        for a in articles:
            haystack = " ".join([a.number, a.text, *(f"{n.meaning} {n.value}" for n in a.params)])
            rank = matches(haystack, terms)
            if rank:
                hits.append(
                    Hit(
                        "article",
                        f"{a.rulebook} {a.number}",
                        f"{url}#{a.anchor}",
                        snippet(a.text, terms),
                        rank + 5 * matches(a.number, terms),
                        p.name,
                        gettext("条文"),
                    )
                )
    q = Q()
    for t in terms:
        q &= Q(title__icontains=t) | Q(body__icontains=t)
    entries = (
        Entry.objects.filter(programme__in=programmes.values("pk"), published=True)
        .filter(q)
        .select_related("programme")
    )
    for e in entries[:200]:
        rank = matches(f"{e.title} {e.body}", terms) or 1
        hits.append(
            Hit(
                e.kind,
                e.title,
                reverse("knowledge:entry", args=[e.pk]),
                snippet(e.body, terms),
                rank + 5 * matches(e.title, terms),
                e.programme.name,
                e.get_kind_display(),
            )
        )
    tq = Q()
    for t in terms:
        tq &= Q(title__icontains=t) | Q(materials__icontains=t)
    for s in (
        TrainingSession.objects.filter(programme__in=programmes.values("pk"))
        .exclude(materials="")
        .filter(tq)
        .select_related("programme")[:50]
    ):
        hits.append(
            Hit(
                "training",
                s.title,
                reverse("knowledge:programme", args=[s.programme_id]) + "#materials",
                snippet(s.materials, terms),
                1,
                s.programme.name,
                gettext("培训资料"),
            )
        )
    hits.sort(key=lambda h: -h.rank)
    return hits
