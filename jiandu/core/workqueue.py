"""The work queue on each role's home page: what needs doing, with counts, oldest first.

A small registry. Each app contributes entries in its own `workqueue.py` (found the way Django's admin
finds `admin.py`: `autodiscover_modules`), so a new app adds its items without touching this file:

    from jiandu.core.workqueue import QueueEntry, register

    register(QueueEntry(key="training_overdue", label=_("培训逾期"), audience=STAFF,
                        rows=overdue_trainees, oldest="due_on", row=lambda t: (str(t), t.url, t.due_on)))

`rows(user, today)` is a scoped selector returning a QuerySet; the count and the oldest date come from
one aggregate query on it, so the home page costs one query per entry however much data there is. The
entry's list page (`core:queue`) shows the same QuerySet's rows, so a count always matches its list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from jiandu.accounts.roles import Capability

# Audiences: who sees an entry. Bureau staff (programme admins and regional staff), agency staff,
# and supervisors, as in DESIGN.md "People who use it".
STAFF, AGENCY, SUPERVISOR = "staff", "agency", "supervisor"

# A row of an entry's list: (title, link, date shown).
Row = tuple[str, str, dt.date | None]


def audience_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES):
        return STAFF
    if user.can(Capability.REQUEST_DUTIES) or user.can(Capability.ANSWER_FINDINGS):
        return AGENCY
    if user.can(Capability.ACT_AS_SUPERVISOR):
        return SUPERVISOR
    return None


@dataclass(frozen=True)
class QueueEntry:
    key: str
    label: str | Promise
    audience: str
    rows: Callable[[Any, dt.date], QuerySet[Any]]
    oldest: str  # the date field rows are ordered by, oldest first
    row: Callable[[Any], Row]
    order: int = 100  # position on the page (smaller first)
    date_label: str | Promise = ""


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: str
    count: int
    url: str
    oldest: dt.date | None


_REGISTRY: dict[str, QueueEntry] = {}
_discovered = False


def register(entry: QueueEntry) -> QueueEntry:
    _REGISTRY[entry.key] = entry
    return entry


def _entries() -> list[QueueEntry]:
    global _discovered
    if not _discovered:
        autodiscover_modules("workqueue")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda e: (e.order, e.key))


def entries_for(user: Any) -> list[QueueEntry]:
    who = audience_of(user)
    return [e for e in _entries() if e.audience == who]


def entry_get(user: Any, key: str) -> QueueEntry | None:
    return next((e for e in entries_for(user) if e.key == key), None)


def queue_for(user: Any, *, today: dt.date) -> list[QueueItem]:
    """The user's queue: one aggregate query per entry (count and oldest date)."""
    items = []
    for entry in entries_for(user):
        agg = entry.rows(user, today).order_by().aggregate(n=Count("pk"), oldest=Min(entry.oldest))
        items.append(
            QueueItem(
                key=entry.key,
                label=str(entry.label),
                count=agg["n"],
                url=reverse("core:queue", args=[entry.key]),
                oldest=agg["oldest"],
            )
        )
    return items


def queue_rows(user: Any, entry: QueueEntry, *, today: dt.date, limit: int = 500) -> list[Row]:
    qs = entry.rows(user, today).order_by(entry.oldest, "pk")
    return [entry.row(obj) for obj in qs[:limit]]


def queue_count(user: Any, entry: QueueEntry, *, today: dt.date) -> int:
    return int(entry.rows(user, today).count())
