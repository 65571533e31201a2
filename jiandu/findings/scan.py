"""The deadline pass: reminders before a due date, escalation to the bureau once it has passed.

Set-based and idempotent, so it can run every hour over a million open findings in bounded memory:
each stage selects the ids whose clock reached the stage and that have no stamp for it yet, then in
batches records the stamps (narrow ScanStamp rows, inserted in one statement), sends one digest per
agency per batch and writes one audit event — all in one transaction per batch. A finding gets at most
one reminder and one escalation per clock (reply, rectification); running the scan twice on a day sends
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
    return Q(status=stage.status, **{trigger: today})


def _stamps_insert(stage: Stage, today: dt.date, ids: list[int]) -> int:
    """One statement for the whole range: a million stamps as model objects would cost more Python
    than the scan itself."""
    table = connection.ops.quote_name(ScanStamp._meta.db_table)
    on = connection.ops.quote_name("on")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (finding_id, stage, {on}) SELECT unnest(%s::bigint[]), %s, %s",
                [ids, stage.name, today],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (finding_id, stage, {on}) VALUES (%s, %s, %s)",  # noqa: S608
                [(i, stage.name, today) for i in ids],
            )
    return len(ids)


def _digest(
    stage: Stage, agency_name: str, rows: list[tuple[int, int, int, dt.date]], today: dt.date
) -> tuple[str, str, str]:
    earliest = min(r[3] for r in rows)
    if stage.overdue:
        subject = gettext(
            "【逾期督办】{agency_name} {count} 件监督意见{label}已逾期（最早应于 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=len(rows), label=stage.label, earliest=earliest)
    else:
        subject = gettext(
            "【到期提醒】{agency_name} {count} 件监督意见{label}期限将至（最早 {earliest:%Y-%m-%d}）"
        ).format(agency_name=agency_name, count=len(rows), label=stage.label, earliest=earliest)
    lines = [
        gettext("JD-{r:06d}  {label}截止 {r2:%Y-%m-%d}").format(r=r[0], label=stage.label, r2=r[3])
        for r in rows[:LISTED]
    ]
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
    # The ids first (one anti-join over the stage's index; a million ints is a few MB), then batches of
    # them: a day's scan is one batch, so an agency gets one digest, and a migrated backlog costs its own
    # size — never re-skipping rows already stamped, as LIMIT batches over a shrinking set would.
    todo = sorted(unstamped.values_list("id", flat=True))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        with transaction.atomic():
            rows = list(
                # The batch's id range, not an IN list of 10,000 parameters: a primary-key range scan.
                unstamped.filter(id__gte=chunk[0], id__lte=chunk[-1]).values_list(
                    "id", "agency_id", "programme_id", stage.due_field
                )
            )
            if not rows:
                continue
            ids = [r[0] for r in rows]
            # A reminder for a clock that has already run out is pointless: the escalation covers it.
            live = [r for r in rows if stage.overdue or r[3] >= today]
            by_agency: dict[int, list[tuple[int, int, int, dt.date]]] = defaultdict(list)
            for r in live:
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
                webhooks.reply_overdue_emit(on=today, rows=[(r[0], r[1], r[3]) for r in live])
            stamped += _stamps_insert(stage, today, ids)
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
                    "notified": len(live),
                    "messages": len(inbox),
                },
            )
    return {f"{stage.name}_findings": stamped, f"{stage.name}_messages": sent}


def findings_deadline_scan(*, today: dt.date | None = None, batch: int = BATCH) -> dict[str, Any]:
    """One pass over every open clock. Returns counts per stage (findings stamped, inbox rows)."""
    today = today or timezone.localdate()
    recipients = _Recipients()
    result: dict[str, Any] = {"on": today.isoformat()}
    for stage in STAGES:
        result.update(_run_stage(stage, today, recipients, batch))
    return result
