"""The deadline pass: reminders before a due date, escalation to the bureau once it has passed.

Set-based and idempotent, so it can run every hour over a million open findings in bounded memory:
each stage selects the ids whose clock reached the stage and that have no stamp for it yet (one
anti-join), then in batches re-reads those clocks, records the stamps (narrow ScanStamp rows, one
INSERT), sends one digest per agency per batch and writes one audit event — all in one transaction per
batch. A finding gets at most one reminder and one escalation per clock (reply, rectification); a clock
already run out gets no reminder; running the scan twice on a day sends nothing the second time, and on
PostgreSQL a scan started while another runs leaves the day to it. Measured in docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
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


BATCH = 10_000  # findings per transaction: one audit event and one digest per agency each
LISTED = 20  # findings named in one digest; the rest are a count and a link
# A batch whose ids span less than DENSE times their number reads its primary-key range (_batch_rows).
DENSE = 16
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
    """Per-scan caches: who answers for an agency, who runs a programme."""

    def __init__(self) -> None:
        self._agency: dict[int, list[int]] = {}
        self._bureau: dict[int, list[int]] = {}
        self._names: dict[int, str] = {}

    def agency_name(self, agency_id: int) -> str:
        if agency_id not in self._names:
            self._names[agency_id] = Organisation.objects.values_list("name", flat=True).get(pk=agency_id)
        return self._names[agency_id]

    def agency(self, agency_id: int) -> list[int]:
        if agency_id not in self._agency:
            path = Organisation.objects.values_list("path", flat=True).get(pk=agency_id)
            self._agency[agency_id] = list(
                User.objects.filter(
                    role=Role.AGENCY_STAFF, is_active=True, organisation__path__in=ancestor_paths(path)
                ).values_list("id", flat=True)
            )
        return self._agency[agency_id]

    def bureau(self, programme_id: int) -> list[int]:
        if programme_id not in self._bureau:
            path = Programme.objects.values_list("organisation__path", flat=True).get(pk=programme_id)
            self._bureau[programme_id] = list(
                User.objects.filter(
                    role=Role.PROGRAMME_ADMIN, is_active=True, organisation__path__in=ancestor_paths(path)
                ).values_list("id", flat=True)
            )
        return self._bureau[programme_id]


def _stage_q(stage: Stage, today: dt.date) -> Q:
    trigger = f"{stage.trigger_field}__lt" if stage.overdue else f"{stage.trigger_field}__lte"
    q = Q(status=stage.status, **{trigger: today})
    if not stage.overdue:
        # A reminder for a clock that has already run out is pointless: the escalation covers it. Such
        # a clock is left out here rather than stamped unsent, so the first pass of a migrated backlog
        # writes no stamp for it (half of that pass's stamps), and each day's reminder stage looks
        # only at the clocks still running.
        q &= Q(**{f"{stage.due_field}__gte": today})
    return q


def _stage_sql(stage: Stage, today: dt.date) -> tuple[str, list[Any]]:
    """_stage_q as a WHERE clause on the finding table aliased f (for the batch statement; the date
    fields are their own columns)."""
    q = connection.ops.quote_name
    sql = f"f.status = %s AND f.{q(stage.trigger_field)} {'<' if stage.overdue else '<='} %s"
    params: list[Any] = [str(stage.status), today]
    if not stage.overdue:
        sql += f" AND f.{q(stage.due_field)} >= %s"
        params.append(today)
    return sql, params


def _batch_rows(stage: Stage, today: dt.date, ids: list[int]) -> list[tuple[int, int, int, dt.date]]:
    """(id, agency id, programme id, due) of the batch's findings whose clock is still at the stage (one
    answered since the ids were read is left out), by id. `ids` is sorted. A dense batch (the first
    pass of a backlog) reads its primary-key range and keeps its own ids here; a sparse one (a day's
    scan: a few thousand ids across the table) probes the primary key for each id, passed as one
    parameter (a bigint array on PostgreSQL, a JSON array read by json_each on SQLite)."""
    f = Finding._meta
    q = connection.ops.quote_name
    where, params = _stage_sql(stage, today)
    due = q(stage.due_field)
    dense = ids[-1] - ids[0] < DENSE * len(ids)
    among_params: list[Any]
    if dense:
        among, among_params = "f.id BETWEEN %s AND %s", [ids[0], ids[-1]]
    elif connection.vendor == "postgresql":
        among, among_params = "f.id = ANY(%s::bigint[])", [_pg_array(ids)]
    else:
        among, among_params = "f.id IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.id, f.agency_id, f.programme_id, f.{due} FROM {q(f.db_table)} f "  # noqa: S608
            f"WHERE {among} AND {where} ORDER BY f.id",
            [*among_params, *params],
        )
        rows = cursor.fetchall()
    wanted = set(ids) if dense else None
    return [(r[0], r[1], r[2], _as_date(r[3])) for r in rows if wanted is None or r[0] in wanted]


def _stamps_insert(stage: Stage, today: dt.date, ids: list[int]) -> None:
    """One plain INSERT for the batch. Not ON CONFLICT DO NOTHING: that speculative insertion cost 2.5
    times a plain one per row here, and nothing else inserts stamps while this scan holds its lock
    (_scan_lock); the unique constraint stays as the backstop (a clash rolls the batch back)."""
    q = connection.ops.quote_name
    head = f"INSERT INTO {q(ScanStamp._meta.db_table)} (finding_id, stage, {q('on')}) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(head + "SELECT unnest(%s::bigint[]), %s, %s", [_pg_array(ids), stage.name, today])
        else:
            cursor.execute(
                head + "SELECT value, %s, %s FROM json_each(%s)",  # noqa: S608
                [stage.name, today, json.dumps(ids)],
            )


def _pg_array(ids: list[int]) -> str:
    """A bigint[] literal: psycopg adapts a list of 10,000 ints element by element (half a second of
    CPU per 100,000 here); the text is joined in C and parsed by the server."""
    return "{" + ",".join(map(str, ids)) + "}"


def _as_date(value: Any) -> dt.date:
    # SQLite returns dates as text through a raw cursor.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _digest(
    stage: Stage, agency_name: str, rows: list[tuple[int, int, int, dt.date]], today: dt.date
) -> tuple[str, str, str]:
    earliest = min(r[3] for r in rows)
    label = str(stage.label)  # translated once per digest, not once per line (2,000 digests a first pass)
    if stage.overdue:
        subject = gettext(
            "【逾期督办】{agency_name} {count} 件监督意见{label}已逾期（最早应于 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=len(rows), label=label, earliest=earliest)
    else:
        subject = gettext(
            "【到期提醒】{agency_name} {count} 件监督意见{label}期限将至（最早 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=len(rows), label=label, earliest=earliest)
    line = gettext("JD-{r:06d}  {label}截止 {r2:%Y-%m-%d}")
    lines = [line.format(r=r[0], label=label, r2=r[3]) for r in rows[:LISTED]]
    if len(rows) > LISTED:
        lines.append(gettext("…… 另有 {value} 件").format(value=len(rows) - LISTED))
    if len(rows) == 1:
        link = reverse("findings:detail", args=[rows[0][0]])
    else:
        link = (
            reverse("findings:overdue")
            if stage.overdue
            else reverse("findings:list") + f"?status={stage.status}"
        )
    return subject, "\n".join(lines), link


def _run_stage(stage: Stage, today: dt.date, recipients: _Recipients, batch: int) -> dict[str, int]:
    sent = stamped = 0
    waiting = Finding.objects.filter(_stage_q(stage, today)).order_by()
    unstamped = waiting.exclude(Exists(ScanStamp.objects.filter(finding=OuterRef("pk"), stage=stage.name)))
    # The ids first (one anti-join; a million ints is a few MB), then batches of them: a day's scan is
    # one batch, so an agency gets one digest, and a migrated backlog costs its own size — never
    # re-skipping rows already stamped, as LIMIT batches over a shrinking set would. A batch does not
    # repeat the anti-join (that sorted every stamp of the stage, per batch): nothing else stamps while
    # this scan holds the lock.
    sql, params = unstamped.values_list("id").query.sql_with_params()
    with connection.cursor() as cursor:  # a raw cursor: the ORM's iterator costs ~10 times more per row
        cursor.execute(sql, params)
        todo = sorted(r[0] for r in cursor.fetchall())
    for start in range(0, len(todo), batch):
        with transaction.atomic():
            rows = _batch_rows(stage, today, todo[start : start + batch])
            if not rows:
                continue
            ids = [r[0] for r in rows]
            _stamps_insert(stage, today, ids)
            by_agency: dict[int, list[tuple[int, int, int, dt.date]]] = defaultdict(list)
            for r in rows:
                by_agency[r[1]].append(r)
            inbox: list[tuple[int, str, str, str, str]] = []
            kind = f"finding.{stage.name}"
            for agency_id, items in by_agency.items():
                subject, body, link = _digest(stage, recipients.agency_name(agency_id), items, today)
                people = set(recipients.agency(agency_id))
                if stage.overdue:
                    for programme_id in {r[2] for r in items}:
                        people.update(recipients.bureau(programme_id))
                inbox.extend((uid, subject, body, link, kind) for uid in sorted(people))
            sent += notifications_bulk_inbox(rows=inbox)
            if stage.name == "reply_escalation":  # the agencies' systems hear of it too (issue 16)
                webhooks.reply_overdue_emit(on=today, rows=[(r[0], r[1], r[3]) for r in rows])
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
                    "messages": len(inbox),
                },
            )
    return {f"{stage.name}_findings": stamped, f"{stage.name}_messages": sent}


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
    """One pass over every open clock. Returns counts per stage (findings stamped, inbox rows), all 0
    with `"skipped"` when another scan is running."""
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
