"""The deadline pass: reminders before a due date, escalation to the bureau once it has passed.

Set-based and idempotent, so it can run every hour over a million open findings in bounded memory.
Each stage is one transaction, and on PostgreSQL one statement does its work in the database: it
selects the clocks that reached the stage and have no stamp for it yet (one anti-join), records their
stamps (narrow ScanStamp rows keyed by finding and stage) and returns them aggregated per agency. Then
one digest per agency (a national backlog spans 3,000 agencies), the webhook, and audit events listing
the stamped findings, BATCH to an event. A finding gets at most one reminder and one escalation per
clock (reply, rectification); a clock already run out gets no reminder; running the scan twice on a
day sends nothing the second time, and on PostgreSQL a scan started while another runs leaves the day
to it. Measured in docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.audit.services import audit_record
from jiandu.findings.models import Finding, ScanStamp, Status
from jiandu.findings.selectors import ancestor_paths
from jiandu.integrations import webhooks
from jiandu.notifications.services import notifications_bulk_inbox
from jiandu.orgs.models import Organisation
from jiandu.roster.models import Programme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


BATCH = 10_000  # findings listed in one audit event (an agency's kept in one where they fit)
LISTED = 20  # findings named in one digest; the rest are a count and a link
# Ids or paths in one IN (…) list: under SQLite's oldest limit of 999 parameters a statement.
IN_CHUNK = 900
# For the stage's statement: its rows sorted by agency (350,000 need ~35 MB) and, from the second
# pass on, the stage's stamps hashed for the anti-join (~18 MB); at the default 4 MB both go to disk.
SORT_WORK_MEM = "64MB"
# PostgreSQL advisory-lock key of the scan (any fixed bigint): one scan at a time (_scan_lock).
LOCK_KEY = 0x6A69616E6475  # "jiandu"


@dataclass(frozen=True)
class Stage:
    name: str
    status: str
    due_field: str
    trigger_field: str  # the row enters the stage when trigger_field <= today (reminders) / < today
    overdue: bool
    label: StrOrPromise


STAGES = (
    Stage(
        "reply_reminder",
        Status.FORWARDED,
        "reply_due",
        "reply_remind_on",
        False,
        gettext_lazy("答复"),
    ),
    Stage(
        "reply_escalation",
        Status.FORWARDED,
        "reply_due",
        "reply_due",
        True,
        gettext_lazy("答复"),
    ),
    Stage(
        "rectify_reminder",
        Status.RECTIFYING,
        "rectify_due",
        "rectify_remind_on",
        False,
        gettext_lazy("整改"),
    ),
    Stage(
        "rectify_escalation",
        Status.RECTIFYING,
        "rectify_due",
        "rectify_due",
        True,
        gettext_lazy("整改"),
    ),
)


class _Recipients:
    """Per-scan caches: an agency's name, who answers for an agency, who runs a programme. Filled a
    stage at a time (`load`), a query per kind (and per IN_CHUNK) for what the stage adds — never a
    query per agency or programme: at national scale those were 9,500 queries, 14 s of a 44 s pass."""

    def __init__(self) -> None:
        self._agencies: dict[int, tuple[str, str]] = {}  # id → (name, path)
        self._programmes: dict[int, str] = {}  # id → its organisation's path
        self._at: dict[str, dict[str, list[int]]] = {}  # role → organisation path → active user ids
        self._above_at: dict[tuple[str, str], frozenset[int]] = {}  # (role, path) → users there and above

    def load(self, agency_ids: Iterable[int], programme_ids: Iterable[int]) -> None:
        agencies = set(agency_ids) - self._agencies.keys()
        for chunk in _chunks(sorted(agencies)):
            for pk, name, path in Organisation.objects.filter(pk__in=chunk).values_list("id", "name", "path"):
                self._agencies[pk] = (name, path)
        programmes = set(programme_ids) - self._programmes.keys()
        for chunk in _chunks(sorted(programmes)):
            self._programmes.update(
                Programme.objects.filter(pk__in=chunk).values_list("id", "organisation__path")
            )
        self._users_at(Role.AGENCY_STAFF, {p for a in agencies for p in ancestor_paths(self._agencies[a][1])})
        self._users_at(
            Role.PROGRAMME_ADMIN, {p for pr in programmes for p in ancestor_paths(self._programmes[pr])}
        )

    def _users_at(self, role: str, paths: set[str]) -> None:
        at = self._at.setdefault(role, {})
        missing = sorted(paths - at.keys())
        for path in missing:
            at[path] = []
        for chunk in _chunks(missing):
            users = User.objects.filter(role=role, is_active=True, organisation__path__in=chunk)
            for pk, path in users.values_list("id", "organisation__path").order_by("id"):
                at[path].append(pk)

    def _above(self, role: str, path: str) -> frozenset[int]:
        if (role, path) not in self._above_at:
            at = self._at[role]
            self._above_at[role, path] = frozenset(pk for p in ancestor_paths(path) for pk in at[p])
        return self._above_at[role, path]

    def agency_name(self, agency_id: int) -> str:
        return self._agencies[agency_id][0]

    def agency(self, agency_id: int) -> frozenset[int]:
        """The agency's staff and those of the organisations above it."""
        return self._above(Role.AGENCY_STAFF, self._agencies[agency_id][1])

    def bureau(self, programme_id: int) -> frozenset[int]:
        """The programme admins of the programme's organisation and above."""
        return self._above(Role.PROGRAMME_ADMIN, self._programmes[programme_id])


def _chunks(items: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stage_sql(stage: Stage, today: dt.date) -> tuple[str, list[Any]]:
    """The clocks at the stage, as a WHERE clause on the finding table aliased f."""
    q = connection.ops.quote_name
    sql = f"f.status = %s AND f.{q(stage.trigger_field)} {'<' if stage.overdue else '<='} %s"
    params: list[Any] = [str(stage.status), today]
    if not stage.overdue:
        # A reminder for a clock that has already run out is pointless: the escalation covers it. Such
        # a clock is left out here rather than stamped unsent, so the first pass of a migrated backlog
        # writes no stamp for it (half of that pass's stamps), and each day's reminder stage looks
        # only at the clocks still running.
        sql += f" AND f.{q(stage.due_field)} >= %s"
        params.append(today)
    return sql, params


@dataclass
class _Due:
    """One agency's clocks stamped at a stage: what its digest, the audit events and the webhook need."""

    agency_id: int
    ids: list[int]  # by id
    earliest: dt.date
    listed: list[tuple[int, dt.date]]  # the first LISTED (id, due), by id
    programmes: list[int]
    dues: list[dt.date] | None = None  # every due, in the order of ids: only for a webhook that wants them


def _stage_stamp(stage: Stage, today: dt.date, *, dues: bool) -> list[_Due]:
    """Stamps every clock at the stage that has no stamp for it yet and returns them per agency, by
    agency id. On PostgreSQL one statement: the anti-join reads the stage's clocks (an index on status
    and date, the heap in physical order), the stamps are inserted from that read and the same rows come
    back aggregated per agency (the ids as one array: a million ints are a few tens of MB here). No
    finding is read twice and no id list goes back to the server. A plain INSERT, not ON CONFLICT DO
    NOTHING: that speculative insertion cost 2.5 times a plain one per row here, and nothing else
    inserts stamps while this scan holds its lock (_scan_lock); the primary key is the backstop."""
    q = connection.ops.quote_name
    where, params = _stage_sql(stage, today)
    finding, stamp, on = q(Finding._meta.db_table), q(ScanStamp._meta.db_table), q("on")
    read = (
        f"SELECT f.id, f.agency_id, f.programme_id, f.{q(stage.due_field)} AS due FROM {finding} f "  # noqa: S608
        f"WHERE {where} AND NOT EXISTS "
        f"(SELECT 1 FROM {stamp} s WHERE s.finding_id = f.id AND s.stage = %s)"
    )
    params = [*params, stage.name]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            all_dues = "array_agg(due ORDER BY id)" if dues else "NULL::date[]"
            cursor.execute(
                f"WITH b AS MATERIALIZED ({read}), "  # noqa: S608
                f"i AS (INSERT INTO {stamp} (finding_id, stage, {on}) SELECT id, %s, %s FROM b) "
                "SELECT agency_id, array_agg(id ORDER BY id), min(due), "
                f"(array_agg(due ORDER BY id))[1:{LISTED}], array_agg(DISTINCT programme_id), {all_dues} "
                "FROM b GROUP BY agency_id ORDER BY agency_id",
                [*params, stage.name, today],
            )
            return [
                _Due(agency, ids, earliest, list(zip(ids, listed, strict=False)), programmes, every)
                for agency, ids, earliest, listed, programmes, every in cursor.fetchall()
            ]
        # SQLite: no INSERT inside WITH. Read, then stamp what was read (one writer at a time).
        cursor.execute(f"{read} ORDER BY f.agency_id, f.id", params)
        rows = [(r[0], r[1], r[2], _as_date(r[3])) for r in cursor.fetchall()]
        if rows:
            cursor.execute(
                f"INSERT INTO {stamp} (finding_id, stage, {on}) SELECT value, %s, %s FROM json_each(%s)",  # noqa: S608
                [stage.name, today, json.dumps([r[0] for r in rows])],
            )
    found = []
    for agency, group in itertools.groupby(rows, key=lambda r: r[1]):
        items = list(group)
        found.append(
            _Due(
                agency,
                [r[0] for r in items],
                min(r[3] for r in items),
                [(r[0], r[3]) for r in items[:LISTED]],
                sorted({r[2] for r in items}),
                [r[3] for r in items] if dues else None,
            )
        )
    return found


def _as_date(value: Any) -> dt.date:
    # SQLite returns dates as text through a raw cursor.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _digest(stage: Stage, agency_name: str, due: _Due, many: str) -> tuple[str, str, str]:
    """Subject, body and link of an agency's digest; `many` is the link for more than one finding."""
    label = str(stage.label)  # translated once per digest, not once per line
    count = len(due.ids)
    if stage.overdue:
        subject = gettext(
            "【逾期督办】{agency_name} {count} 件监督意见{label}已逾期（最早应于 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=count, label=label, earliest=due.earliest)
    else:
        subject = gettext(
            "【到期提醒】{agency_name} {count} 件监督意见{label}期限将至（最早 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=count, label=label, earliest=due.earliest)
    line = gettext("JD-{r:06d}  {label}截止 {r2:%Y-%m-%d}")
    lines = [line.format(r=pk, label=label, r2=on) for pk, on in due.listed]
    if count > LISTED:
        lines.append(gettext("…… 另有 {value} 件").format(value=count - LISTED))
    link = reverse("findings:detail", args=[due.ids[0]]) if count == 1 else many
    return subject, "\n".join(lines), link


@contextmanager
def _work_mem() -> Iterator[None]:
    """SORT_WORK_MEM for the stage's transaction on PostgreSQL, then the setting as it was: inside a
    caller's transaction (a savepoint here) it would otherwise outlive the scan. Not on an exception:
    the rollback undoes the setting, and the aborted transaction would refuse the statement."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [SORT_WORK_MEM]
        )
        before = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


def _audit_batches(found: list[_Due], size: int) -> Iterator[tuple[list[_Due], list[int]]]:
    """The stage's ids in audit events of at most `size`, an agency's kept in one event where they fit
    (an agency with more has events of its own): (the agencies that start in the event, its ids)."""
    starting: list[_Due] = []
    ids: list[int] = []
    for due in found:
        if ids and len(ids) + len(due.ids) > size:
            yield starting, ids
            starting, ids = [], []
        starting.append(due)
        rest = due.ids
        while len(ids) + len(rest) > size:
            cut = size - len(ids)
            yield starting, ids + rest[:cut]
            starting, ids, rest = [], [], rest[cut:]
        ids.extend(rest)
    if ids:
        yield starting, ids


def _run_stage(stage: Stage, today: dt.date, recipients: _Recipients, batch: int) -> dict[str, int]:
    """The stage in one transaction: its stamps, one digest per agency (however many agencies a
    backlog spans: cut by id into batches, 3,000 agencies had 3,000 digests in every batch), the
    webhook, then the audit events — last, so that with inline sealing the chain's head is locked
    only for the end of the transaction. A failure rolls the stage back whole; the next run does it
    again."""
    webhook = stage.name == "reply_escalation" and webhooks.reply_overdue_wanted()
    kind = f"finding.{stage.name}"
    with transaction.atomic(), _work_mem():
        found = _stage_stamp(stage, today, dues=webhook)
        if not found:
            return {f"{stage.name}_findings": 0, f"{stage.name}_messages": 0}
        recipients.load(
            [d.agency_id for d in found], {p for d in found for p in d.programmes} if stage.overdue else ()
        )
        many = (
            reverse("findings:overdue")
            if stage.overdue
            else reverse("findings:list") + f"?status={stage.status}"
        )
        inbox: list[tuple[int, str, str, str, str]] = []
        messages: dict[int, int] = {}  # agency id → its digest's inbox rows
        for due in found:
            people = set(recipients.agency(due.agency_id))
            if stage.overdue:
                for programme_id in due.programmes:
                    people.update(recipients.bureau(programme_id))
            if not people:
                continue  # nobody to tell (no staff account): no digest to write
            subject, body, link = _digest(stage, recipients.agency_name(due.agency_id), due, many)
            inbox.extend((uid, subject, body, link, kind) for uid in sorted(people))
            messages[due.agency_id] = len(people)
        notifications_bulk_inbox(rows=inbox)
        if webhook:  # the agencies' systems hear of it too (issue 16)
            webhooks.reply_overdue_emit(
                on=today,
                rows=[
                    (pk, d.agency_id, on) for d in found for pk, on in zip(d.ids, d.dues or (), strict=True)
                ],
            )
        stamped = 0
        for starting, ids in _audit_batches(found, batch):
            ids.sort()
            stamped += len(ids)
            audit_record(
                actor=None,
                actor_name="system:findings.scan",
                action=f"finding.scan.{stage.name}",
                target_type="findings.finding",
                target_id=str(ids[0]),
                target_repr=f"{len(ids)} 件",
                after={
                    "on": today.isoformat(),
                    "findings": ids,
                    "notified": len(ids),
                    "messages": sum(messages.get(d.agency_id, 0) for d in starting),
                },
            )
    return {f"{stage.name}_findings": stamped, f"{stage.name}_messages": len(inbox)}


@contextmanager
def _scan_lock() -> Iterator[bool]:
    """One scan at a time on PostgreSQL: True when this scan holds the lock, False when another scan (the
    hourly task, someone's `jiandu findings scan`) is running — that one covers the day, and two at
    once would try to stamp the same findings. Inside a caller's transaction the lock ends with it."""
    if connection.vendor != "postgresql":
        yield True  # SQLite (development, tests): one writer at a time anyway
        return
    xact = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_try_advisory{'_xact' if xact else ''}_lock(%s)", [LOCK_KEY])
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held and not xact:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def findings_deadline_scan(*, today: dt.date | None = None, batch: int = BATCH) -> dict[str, Any]:
    """One pass over every open clock, a transaction per stage; `batch` findings at most are listed
    in one audit event. Returns counts per stage (findings stamped, inbox rows), all 0 with
    `"skipped"` when another scan is running."""
    today = today or timezone.localdate()
    recipients = _Recipients()
    result: dict[str, Any] = {"on": today.isoformat()}
    with _scan_lock() as held:
        for stage in STAGES:
            if held:
                result.update(_run_stage(stage, today, recipients, batch))
            else:
                result.update({f"{stage.name}_findings": 0, f"{stage.name}_messages": 0})
        if not held:
            result["skipped"] = "another scan is running"
    return result
