"""Writing the audit trail. `audit_record` is the one way in; every service write calls it inside
its own transaction, so the event and the change it describes commit or roll back together."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.hashing import event_hash, event_mac, event_payload, head_mac
from jiandu.audit.models import AuditChainHead, AuditEvent, Outcome
from jiandu.core.request_context import client_ip, current_request


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    # Round-trip through JSON so the hash is computed over exactly what the database will return.
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _user_or_none(actor: Any) -> Any:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = Outcome.SUCCESS,
    actor_name: str = "",
    request: Any = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    request = request if request is not None else current_request.get()
    user = _user_or_none(actor)
    if user is None and request is not None:
        user = _user_or_none(getattr(request, "user", None))
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:255]
    event = AuditEvent(
        occurred_at=(at or timezone.now()).astimezone(dt.UTC),
        actor=user,
        actor_name=(user.get_username() if user else actor_name)[:150],
        role=getattr(user, "role", "") or "",
        organisation_id=getattr(user, "organisation_id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        before=_jsonable(before),
        after=_jsonable(after),
        ip=client_ip(request),
        outcome=outcome,
    )
    # No savepoint: inside a service's transaction a failed append must fail the whole write anyway,
    # and SAVEPOINT/RELEASE would be two more round trips while the head is locked.
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _head_lock()
        event.seq, event.prev_hash = seq + 1, prev_hash
        event.hash = event_hash(prev_hash, event_payload(event))
        event.mac = event_mac(event.hash)
        _event_append(event, head_mac(event.seq, event.hash))
    return event


def _head_lock() -> tuple[int, str]:
    """Lock the chain's head row (serialising appends on every database) and read its tip."""
    row = AuditChainHead.objects.select_for_update().filter(id=1).values_list("seq", "hash").first()
    if row is None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        return head.seq, head.hash
    return row


_APPEND_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _event_append(event: AuditEvent, mac: str) -> None:
    """Insert the event and move the head to it. The head stays locked until commit, so this is the
    chain's throughput: on PostgreSQL both writes go in one statement (one round trip)."""
    head_table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(seq=event.seq, hash=event.hash, mac=mac)
        return
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in _APPEND_FIELDS)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _APPEND_FIELDS]
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH e AS (INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id), "  # noqa: S608
            f"h AS (UPDATE {head_table} SET seq = %s, hash = %s, mac = %s WHERE id = 1) SELECT id FROM e",
            [*values, event.seq, event.hash, mac],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, connection.alias


class AuditPurgeRefused(Exception):
    """The purge was refused; the message says why, in Chinese, for the operator."""


@dataclass(frozen=True)
class PurgeResult:
    count: int
    last_purged_seq: int | None
    anchor: AuditEvent | None


def audit_retention_latest_before(*, now: dt.datetime | None = None) -> dt.date:
    """The latest --before date a purge may use: everything before it is at least the retention age."""
    now = now or timezone.now()
    oldest_kept = now - dt.timedelta(days=settings.JIANDU_AUDIT_RETENTION_DAYS)
    local = oldest_kept.astimezone(ZoneInfo(settings.TIME_ZONE))
    # `before` means "before local midnight of that date"; that midnight must not be later than
    # oldest_kept, so today's date only counts when oldest_kept is exactly midnight.
    return local.date()


def audit_purge(*, before: dt.date, operator: str = "", now: dt.datetime | None = None) -> PurgeResult:
    """Delete the events older than local midnight of `before`, keeping the chain verifiable.

    Refuses (AuditPurgeRefused) when `before` would reach events younger than the retention period
    (网络安全法 第二十一条第（三）项: 网络日志留存不少于六个月) or when the chain is already broken
    (a purge must not destroy the evidence of tampering). The delete is raw SQL on purpose: the ORM
    refuses deletes, and this is the one reviewed path. What remains starts with a contiguous suffix
    of the chain; an `audit.purge` anchor event records the last purged seq and hash so that
    `jiandu audit verify` can still check the first remaining event's link.
    """
    from jiandu.audit.chain import PURGE_ACTION, audit_chain_verify

    days = settings.JIANDU_AUDIT_RETENTION_DAYS
    latest = audit_retention_latest_before(now=now)
    if before > latest:
        raise AuditPurgeRefused(
            gettext(
                "拒绝清理：审计日志须至少保存 {days} 天（《网络安全法》要求网络日志留存不少于六个月），--before 最晚只能是 {isoformat}，而给出的是 {isoformat2}"
            ).format(days=days, isoformat=latest.isoformat(), isoformat2=before.isoformat())
        )
    report = audit_chain_verify()
    if not report.ok:
        raise AuditPurgeRefused(
            gettext("拒绝清理：{message}。请先调查，清理会销毁篡改证据").format(message=report.message)
        )

    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        # Purge a prefix of the chain only: stop at the first event at or after the cutoff, even if a
        # back-dated event further on is older.
        first_young = (
            AuditEvent.objects.filter(occurred_at__gte=cutoff)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last_seq = (first_young - 1) if first_young is not None else head.seq
        last = AuditEvent.objects.filter(seq__lte=last_seq).order_by("-seq").values("seq", "hash").first()
        if last is None:
            return PurgeResult(0, None, None)
        first_seq = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last["seq"]])  # noqa: S608
            count = cursor.rowcount
        anchor = audit_record(
            actor=None,
            actor_name=operator or "system",
            action=PURGE_ACTION,
            target_type="audit.auditevent",
            target_repr=f"清理 {before.isoformat()} 之前的审计事件",
            after={
                "before": before.isoformat(),
                "retention_days": days,
                "count": count,
                "first_purged_seq": first_seq,
                "last_purged_seq": last["seq"],
                "last_purged_hash": last["hash"],
            },
        )
    return PurgeResult(count, last["seq"], anchor)
