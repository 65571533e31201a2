"""The work queue on each role's home page: what needs doing, with counts, oldest first.

A small registry. Each app contributes entries in its own `workqueue.py` (found the way Django's admin
finds `admin.py`: `autodiscover_modules`), so a new app adds its items without touching this file:

    from jiandu.core.workqueue import QueueEntry, register

    register(QueueEntry(key="training_overdue", label=_("培训逾期"), audience=STAFF,
                        rows=overdue_trainees, oldest="due_on", row=lambda t: (str(t), t.url, t.due_on)))

`rows(user, today)` is a scoped selector returning a plain filtered QuerySet (no slice, DISTINCT or
aggregate). The home page reads every entry's count and oldest date in ONE query (each entry two scalar
sub-selects), so it costs the same whatever the number of entries or rows. Counts are capped: a work
queue needs "is there anything, and roughly how much", not an exact total of a backlog, so each count
reads at most `COUNT_CAP` rows (the first ones in the entry's date order) and the page shows "99+" at
the cap (an exact count below it). The oldest date is exact: the first row in that date's order (an
index walk where the app has one for it, ideally a partial index that also carries the columns deciding
who sees a row, so the walk reads no table row). The entry's list page (`core:queue`) shows the same
QuerySet's rows, so a count always matches its list.

Each entry's QuerySet is compiled once, to `SELECT <date> FROM … WHERE …`, and its two sub-selects are
that text with `ORDER BY 1 … LIMIT COUNT_CAP` (the count) and `… LIMIT 1` (the oldest): building them as
ORM sub-queries cloned and compiled every entry's query several times over, most of the page's CPU
(docs/performance.md, "Dashboard").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
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


# A count reads at most this many rows; at the cap the page shows "99+" (QueueItem.shown).
COUNT_CAP = 100


@dataclass(frozen=True)
class QueueItem:
    key: str
    label: str
    count: int  # capped at COUNT_CAP
    url: str
    oldest: dt.date | None

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP - 1}+" if self.count >= COUNT_CAP else str(self.count)


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


@dataclass(frozen=True)
class _EntrySql:
    count: str  # the capped count: the first COUNT_CAP rows in date order (the oldest's walk, continued)
    oldest: str  # the first date in date order (NULLs last: NULL only when every row's date is)
    params: list[Any]  # of either statement
    converters: list[Callable[[Any], Any]]  # the database's date value → the field's Python value


def _entry_sql(qs: QuerySet[Any], field: str) -> _EntrySql | None:
    """An entry's rows compiled once, as `SELECT <field> FROM … WHERE …`, made into its capped count
    and its oldest date; None when the rows are empty whatever the data (an `__in` of nothing)."""
    connection = connections[DEFAULT_DB_ALIAS]
    dates = qs.order_by().values_list(field)
    try:
        sql, params = dates.query.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
    except EmptyResultSet:
        return None
    col: Any = dates.query.select[0]
    converters = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
    ordered = f"{sql} ORDER BY 1 ASC NULLS LAST"
    return _EntrySql(
        # Text the ORM compiled (values are parameters), with a constant LIMIT.
        count=f"SELECT COUNT(*) FROM ({ordered} LIMIT {COUNT_CAP}) AS capped",  # noqa: S608
        oldest=f"{ordered} LIMIT 1",
        params=list(params),
        converters=[partial(_convert, c, col, connection) for c in converters],
    )


def _convert(converter: Callable[..., Any], col: Any, connection: Any, value: Any) -> Any:
    return converter(value, col, connection)


def _serial_prefix(connection: Any) -> str:
    """On PostgreSQL, a statement that keeps the queue's query on one process: each sub-select reads
    about a hundred index entries, and a parallel plan (which the planner picks for the national
    admin's invitations: 50 ms to start two workers for 0.4 ms of work) only adds start-up. `SET
    LOCAL` in the same simple-protocol message is one round trip and lasts for that message's
    implicit transaction (or the caller's transaction). Not with server-side binding, which takes
    one statement at a time."""
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("server_side_binding"):
        return ""
    return "SET LOCAL max_parallel_workers_per_gather = 0; "


def queue_for(user: Any, *, today: dt.date) -> list[QueueItem]:
    """The user's queue: every entry's capped count and oldest date in one query, whatever the number
    of entries (two scalar sub-selects each)."""
    entries = entries_for(user)
    compiled: dict[int, _EntrySql] = {}
    for i, entry in enumerate(entries):
        qs = entry.rows(user, today)
        if not qs.query.is_empty() and (one := _entry_sql(qs, entry.oldest)) is not None:
            compiled[i] = one
    row: dict[str, Any] = {}
    if compiled:
        selects = [f"({c.count}) AS n{i}, ({c.oldest}) AS o{i}" for i, c in compiled.items()]
        params = [p for c in compiled.values() for p in (*c.params, *c.params)]
        connection = connections[DEFAULT_DB_ALIAS]
        serial = _serial_prefix(connection)
        with connection.cursor() as cursor:
            cursor.execute(serial + "SELECT " + ", ".join(selects), params)
            if serial:
                cursor.cursor.nextset()  # past the SET's empty result
            names = [column[0] for column in cursor.description]
            row = dict(zip(names, cursor.fetchone(), strict=True))
    items = []
    for i, entry in enumerate(entries):
        oldest = row.get(f"o{i}")
        for convert in compiled[i].converters if i in compiled else ():
            oldest = convert(oldest)
        items.append(
            QueueItem(
                key=entry.key,
                label=str(entry.label),
                count=row.get(f"n{i}") or 0,
                url=reverse("core:queue", args=[entry.key]),
                oldest=oldest,
            )
        )
    return items


def queue_rows(user: Any, entry: QueueEntry, *, today: dt.date, limit: int = 500) -> list[Row]:
    qs = entry.rows(user, today).order_by(entry.oldest, "pk")
    return [entry.row(obj) for obj in qs[:limit]]


def queue_count(user: Any, entry: QueueEntry, *, today: dt.date) -> int:
    return int(entry.rows(user, today).count())
