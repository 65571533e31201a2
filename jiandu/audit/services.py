"""Writing the audit trail. `audit_record` is the one way in; every service write calls it inside
its own transaction, so the event and the change it describes commit or roll back together.

The event is INSERTed unsealed; `audit_seal` links it into the hash chain — in the same transaction
(JIANDU_AUDIT_SEAL = "inline": SQLite, tests) or just after the commit, and periodically
(JIANDU_AUDIT_SEAL = "deferred", the default on PostgreSQL), so that the chain's head is not locked for
the length of every business transaction (issue 18 #4; docs/security.md "Deferred sealing")."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import operator
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.chain import UNSEALED_COLUMNS
from jiandu.audit.hashing import draft_mac, draft_mac_ok, event_hash, event_mac, event_payload, head_mac
from jiandu.audit.models import AuditChainHead, AuditEvent, Outcome
from jiandu.core.request_context import client_ip, current_request

logger = logging.getLogger("jiandu.audit")


def _jsonable(value: Any) -> tuple[Any, str | None]:
    """The value as the database will return it, and the JSON text the INSERT sends (serialised once:
    the hash is computed over the round-tripped value, and the text goes to the jsonb column as is)."""
    if value is None:
        return None, None
    text = json.dumps(value, ensure_ascii=False, default=str)
    return json.loads(text), text


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
    before, before_json = _jsonable(before)
    after, after_json = _jsonable(after)
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
        before=before,
        after=after,
        # As the column will store it (an IPv6 address compressed): the draft MAC covers this value,
        # and the sealer recomputes it from what it reads back.
        ip=_IP_FIELD.get_prep_value(client_ip(request)) or None,
        outcome=outcome,
    )
    event.mac = draft_mac(event_payload(event))
    # No savepoint: inside a service's transaction a failed append must fail the whole write anyway.
    with transaction.atomic(savepoint=False):
        _event_insert(event, before_json, after_json)
        if settings.JIANDU_AUDIT_SEAL == "inline":
            head = _head_lock(wait=True)
            assert head is not None
            sealed = _seal_locked(*head)
            if event.pk not in sealed.links:
                raise RuntimeError(
                    f"audit event {event.pk} could not be sealed (its draft MAC does not match)"
                )
            event.seq, event.prev_hash, event.hash, event.mac = sealed.links[event.pk]
        else:
            _seal_after_commit_once()
    return event


def _event_insert(event: AuditEvent, before_json: str | None, after_json: str | None) -> None:
    """INSERT the unsealed event: no lock on the chain's head, so concurrent writers never wait on
    each other here. On PostgreSQL one statement whose text is built once per process, with the values
    bound by the server (the ORM's save, or Django's client-side quoting of fifteen values, cost more
    Python per event than the rest of the append), through Django's cursor wrapper all the same, so the
    statement is counted and logged like any other."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        event.save(force_insert=True)
        return
    params = list(_INSERT_VALUES(event))
    params[_INSERT_AT["before"]], params[_INSERT_AT["after"]] = before_json, after_json
    with _server_bound_cursor(db) as cursor:
        cursor.execute(_insert_sql(), params)
        event.pk = cursor.fetchone()[0]
    event._state.adding, event._state.db = False, db.alias


# What _event_insert writes: every column but the primary key (which RETURNING gives back), read off
# the event in one C call; the JSON columns and the address take text the INSERT casts.
_INSERT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_INSERT_VALUES = operator.attrgetter(*(f.attname for f in _INSERT_FIELDS))
_INSERT_AT = {f.name: i for i, f in enumerate(_INSERT_FIELDS)}
_IP_FIELD = AuditEvent._meta.get_field("ip")


@functools.cache
def _insert_sql() -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    cast = {"before": "::jsonb", "after": "::jsonb", "ip": "::inet"}
    columns = ", ".join(quote(f.column or f.name) for f in _INSERT_FIELDS)
    values = ", ".join("%s" + cast.get(f.name, "") for f in _INSERT_FIELDS)
    table = quote(AuditEvent._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id"  # noqa: S608


def _server_bound_cursor(db: Any) -> Any:
    """A cursor on `db` (PostgreSQL) whose parameters the server binds, in Django's wrapper all the same
    (query logging, execute_wrappers and assertNumQueries count it like any other). Django's own cursors
    bind on the client: every value quoted into the statement's text in Python. Not prepared: measured,
    preparing the append made no difference to the server's CPU (docs/performance.md), and it would
    not survive a transaction-pooling proxy."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.ensure_connection()
    raw = ServerBindingCursor(db.connection)  # type: ignore[call-arg]
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


# --- sealing (docs/security.md "Deferred sealing") ----------------------------------------------------
# The sealer is the only code that moves the chain's head. It locks the head row, reads the unsealed
# events that are committed (or its own transaction's) in id order, gives them the next seqs, computes
# the hash chain and MACs in Python and writes them back in bulk, then moves the head. Sealing order is
# the chain's order; an event of a transaction still in flight is not visible yet and gets sealed on a
# later pass, so nothing is skipped, and a rolled-back event never had a seq to leave a gap.

SEAL_BATCH = 2000  # rows read and updated per statement
SEAL_TXN_ROWS = 20_000  # rows sealed per transaction (a backlog is sealed in several commits)
SEAL_PASSES = 10  # a non-waiting sealer's passes before it leaves the rest to the next one


@dataclass
class _Sealed:
    count: int = 0
    links: dict[int, tuple[int, str, str, str]] = field(default_factory=dict)  # id → seq, prev, hash, mac
    rejected: list[int] = field(default_factory=list)  # ids whose draft MAC is wrong: never sealed
    more: bool = False  # stopped at SEAL_TXN_ROWS with rows left


def _head_lock(*, wait: bool, durable: bool = True) -> tuple[int, str] | None:
    """Lock the chain's head row and read its tip; without `wait`, None when another sealer holds it
    (FOR UPDATE SKIP LOCKED: one round trip, no queue of writers behind the sealer). `durable=False`
    (the coalesced after-commit seal only, never inside a caller's transaction) commits this sealing
    transaction without waiting for the WAL flush: see _seal_coalesced for why that loses nothing."""
    if connection.vendor == "postgresql":
        # In the same round trip, steer this transaction's scans of the unsealed queue to a plain index
        # scan: a bitmap scan visits every dead index entry the sealing UPDATEs left behind (until
        # VACUUM), while an index scan marks them dead as it goes, so the next pass skips them.
        table = connection.ops.quote_name(AuditChainHead._meta.db_table)
        flush = "" if durable else ", set_config('synchronous_commit', 'off', true)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT seq, hash, set_config('enable_bitmapscan', 'off', true){flush} FROM {table} "  # noqa: S608
                f"WHERE id = 1 FOR UPDATE{'' if wait else ' SKIP LOCKED'}"
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0], row[1]
    else:
        head = AuditChainHead.objects.filter(id=1).select_for_update(skip_locked=not wait)
        found = head.values_list("seq", "hash").first()
        if found is not None:
            return found
    if not wait and AuditChainHead.objects.filter(id=1).exists():
        return None
    created, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    return created.seq, created.hash


def _seal_locked(seq: int, prev: str) -> _Sealed:
    """Seal the visible unsealed events after (seq, prev), the head being locked by this transaction."""
    out = _Sealed()
    last_id, head_written = 0, False
    while out.count < SEAL_TXN_ROWS:
        limit = min(SEAL_BATCH, SEAL_TXN_ROWS - out.count)
        rows = _unsealed_rows(last_id, limit)
        updates = []
        for row in rows:
            event = SimpleNamespace(**dict(zip(UNSEALED_COLUMNS, row, strict=True)), seq=None)
            if not draft_mac_ok(event_payload(event), event.mac):
                logger.error("审计事件（内部编号 %s）的草稿校验码不符，不予封存：疑被伪造或改写", event.id)
                out.rejected.append(event.id)
                continue
            seq += 1
            event.seq = seq
            hash_value = event_hash(prev, event_payload(event))
            link = (seq, prev, hash_value, event_mac(hash_value))
            out.links[event.id] = link
            updates.append((event.id, *link))
            prev = hash_value
        out.count += len(updates)
        last = len(rows) < limit
        # The last batch moves the head in the same statement (one round trip while the head is held).
        moves_head = last and bool(updates)
        _links_write(updates, head=(seq, prev) if moves_head else None)
        head_written = head_written or moves_head
        if last:
            break
        last_id = rows[-1][0]
    else:
        out.more = True
    if out.count and not head_written:
        _head_move(seq, prev)
    return out


def _unsealed_rows(after_id: int, limit: int) -> list[tuple[Any, ...]]:
    """The next unsealed rows after `after_id` in id order, as tuples of UNSEALED_COLUMNS. On PostgreSQL
    one fixed statement read straight off the cursor (the ORM built the same query anew on every pass,
    which cost more than the pass's round trips); the JSON columns come back as text, as Django's
    JSONField would decode them."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        qs = AuditEvent.objects.filter(seq__isnull=True, id__gt=after_id).order_by("id")
        return list(qs.values_list(*UNSEALED_COLUMNS)[:limit])
    with db.cursor() as cursor:
        cursor.execute(_unsealed_sql(), [after_id, limit])
        rows = cursor.fetchall()
    loads = json.loads
    return [
        tuple(loads(v) if i in _JSON_AT and v is not None else v for i, v in enumerate(row)) for row in rows
    ]


_JSON_AT = frozenset(i for i, c in enumerate(UNSEALED_COLUMNS) if c in ("before", "after"))


@functools.cache
def _unsealed_sql() -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return (
        f"SELECT {', '.join(quote(c) for c in UNSEALED_COLUMNS)} FROM {quote(AuditEvent._meta.db_table)} "  # noqa: S608
        "WHERE seq IS NULL AND id > %s ORDER BY id LIMIT %s"
    )


def _head_move(seq: int, hash_value: str) -> None:
    AuditChainHead.objects.filter(id=1).update(
        seq=seq, hash=hash_value, mac=head_mac(seq, hash_value), sealed_at=Now()
    )


def _links_write(updates: list[tuple[int, int, str, str, str]], *, head: tuple[int, str] | None) -> None:
    if not updates:
        return
    db = connections[DEFAULT_DB_ALIAS]
    table = db.ops.quote_name(AuditEvent._meta.db_table)
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s, mac = %s WHERE id = %s",  # noqa: S608
                [(seq, prev, h, mac, pk) for pk, seq, prev, h, mac in updates],
            )
        if head is not None:
            _head_move(*head)
        return
    # One statement for the whole batch, its five columns as five arrays the server binds (the text
    # never changes; a VALUES list quoted on the client cost a Python call per value), and the head
    # moved by the same statement.
    ids, seqs, prevs, hashes, macs = (list(col) for col in zip(*updates, strict=True))
    sql = (
        f"UPDATE {table} AS t SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, mac = v.mac "  # noqa: S608
        "FROM unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[]) "
        "AS v(id, seq, prev_hash, hash, mac) WHERE t.id = v.id"
    )
    params: list[Any] = [ids, seqs, prevs, hashes, macs]
    if head is not None:
        head_table = db.ops.quote_name(AuditChainHead._meta.db_table)
        sql = (
            f"WITH u AS ({sql} RETURNING 1) UPDATE {head_table} "  # noqa: S608
            "SET seq = %s, hash = %s, mac = %s, sealed_at = now() WHERE id = 1"
        )
        params += [head[0], head[1], head_mac(*head)]
    with _server_bound_cursor(db) as cursor:
        cursor.execute(sql, params)


def audit_seal(*, wait: bool = True) -> int:
    """Seal every committed unsealed event; returns how many were sealed.

    wait=True (verify, checkpoints, purge, the periodic task): wait for the head, and go on until
    nothing sealable is left. wait=False (pages; after each commit when JIANDU_AUDIT_SEAL_COALESCE_MS
    is 0 — with a window the after-commit seal is _seal_coalesced): if another sealer holds the head,
    return at once — that sealer looks again after its commit and finds this writer's event, because
    this writer committed before it tried the lock (see the loop below)."""
    total, rejected = 0, []
    passes = 0
    if not wait and not connection.in_atomic_block and not _head_free():
        return 0  # another sealer holds the head: it looks again after its commit
    while True:
        passes += 1
        sealed = _seal_pass(wait=wait)
        if sealed is None:
            return total
        total += sealed.count
        rejected = sealed.rejected
        if connection.in_atomic_block:
            if sealed.more:
                continue
            return total  # inside a caller's transaction: everything visible to it is sealed
        if not sealed.more and not _unsealed_left(exclude=rejected):
            return total
        if not wait and passes >= SEAL_PASSES:
            return total  # under sustained load: the next writer's commit, or the periodic task, goes on


def _seal_pass(*, wait: bool, durable: bool = True) -> _Sealed | None:
    """One sealing transaction (a savepoint inside a caller's); None when wait=False found the head held."""
    with transaction.atomic():
        head = _head_lock(wait=wait, durable=durable)
        if head is None:
            return None
        return _seal_locked(*head)


def _head_free() -> bool:
    """One round trip, outside a transaction: is the head free right now? A busy writer's after-commit
    seal then costs one statement instead of a transaction (a sealer that takes the head between this
    probe and the seal is skipped just the same: it looks again after its commit)."""
    if connection.vendor != "postgresql":
        return True
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = 1 FOR UPDATE SKIP LOCKED")  # noqa: S608
        return cursor.fetchone() is not None or not AuditChainHead.objects.filter(id=1).exists()


def audit_seal_for_reading() -> None:
    """Before a page that shows seq and hash: seal what is committed, unless another sealer is at it
    (then the page may show a few newest events as not sealed yet, which it says)."""
    if settings.JIANDU_AUDIT_SEAL == "deferred":
        audit_seal(wait=False)


def _unsealed_left(*, exclude: list[int]) -> bool:
    """Whether an unsealed event is visible now, other than `exclude` (rows the sealer refused): after
    a seal's commit, the look for events committed while it held the head. One fixed statement."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return _unsealed(exclude=exclude).exists()
    table = db.ops.quote_name(AuditEvent._meta.db_table)
    with _server_bound_cursor(db) as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE seq IS NULL AND id <> ALL(%s::bigint[]) ORDER BY id LIMIT 1",  # noqa: S608
            [exclude],
        )
        return cursor.fetchone() is not None


def _unsealed(*, exclude: list[int] | None = None) -> QuerySet[AuditEvent]:
    # Ordered by id: with LIMIT 1 (exists) PostgreSQL then walks the partial index (see _head_lock).
    qs = AuditEvent.objects.filter(seq__isnull=True).order_by("id")
    return qs.exclude(id__in=exclude) if exclude else qs


_last_after_commit_seal = 0.0  # time.monotonic() of this process's last after-commit seal


def _seal_after_commit() -> None:
    """Seal after a commit, at most once per JIANDU_AUDIT_SEAL_COALESCE_MS on the whole site: one seal
    then links the events of many commits, instead of each commit paying a sealing transaction. An
    event committed inside the window is sealed by the first commit anywhere after the window, or at
    the latest by the sweep (JIANDU_AUDIT_SEAL_INTERVAL_SECONDS); with 0, every commit seals and the
    sealer looks again after its own commit until nothing is left."""
    global _last_after_commit_seal
    window = settings.JIANDU_AUDIT_SEAL_COALESCE_MS / 1000
    if not window:
        audit_seal(wait=False)
        return
    now = time.monotonic()
    if now - _last_after_commit_seal < window:
        return  # this process tried within the window: not even the probe's round trip
    _last_after_commit_seal = now
    _seal_coalesced(window)


def _seal_coalesced(window: float) -> int:
    """The after-commit seal with a window: skip when a seal moved the head within `window` seconds in
    any process (AuditChainHead.sealed_at, one plain read: no lock, no transaction id), or when another
    sealer holds the head; else seal what is visible, in one pass (more only for a backlog beyond
    SEAL_TXN_ROWS). It does not look again after its commit, as audit_seal does: under load that turned
    into back-to-back passes of a few events each (each pass costs more than an append), and whatever
    it would have found is some other commit's, which the next seal due after the window takes.

    The sealing transaction commits without waiting for the WAL flush (synchronous_commit off for it
    alone; each service write stays one durable transaction). What a crash can lose is this seal only,
    never an event: the events were committed durably by their writers, a lost seal leaves them
    unsealed with their draft MACs and the head where it was (the same transaction moved it), and the
    next seal links them again. Nothing durable can rest on a lost seal: any later commit that waits
    for its flush (another writer's, a durable seal's, the checkpoint's, which seals durably first)
    flushes the WAL up to its own commit record and so this one's too, and PostgreSQL's WAL writer
    flushes it within a fraction of a second anyway (3 × wal_writer_delay at most). Only a seq or hash
    read off the /audit/ page in that fraction of a second before a crash could differ afterwards."""
    if _sealed_within(window):
        return 0
    durable = connection.in_atomic_block  # inside a caller's transaction (tests): not ours to change
    total = 0
    for _ in range(SEAL_PASSES):
        sealed = _seal_pass(wait=False, durable=durable)
        if sealed is None:
            break  # another sealer holds the head
        total += sealed.count
        if not sealed.more:
            break
    return total


def _sealed_within(window: float) -> bool:
    """Whether a seal moved the chain's head within the last `window` seconds, by the database's clock
    (the processes, and the hosts, share it)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        since = timezone.now() - dt.timedelta(seconds=window)
        return AuditChainHead.objects.filter(id=1, sealed_at__gt=since).exists()
    table = db.ops.quote_name(AuditChainHead._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE id = 1 AND sealed_at > now() - %s * interval '1 second'",  # noqa: S608
            [window],
        )
        return cursor.fetchone() is not None


def _seal_after_commit_once() -> None:
    """Queue one try-seal for after this transaction commits (however many events it records)."""
    if not any(item[1] is _seal_after_commit for item in connection.run_on_commit):
        transaction.on_commit(_seal_after_commit, robust=True)


@dataclass(frozen=True)
class Unsealed:
    count: int
    oldest_at: dt.datetime | None

    def age_seconds(self, now: dt.datetime | None = None) -> float:
        if self.oldest_at is None:
            return 0.0
        return max(0.0, ((now or timezone.now()) - self.oldest_at).total_seconds())


def audit_unsealed() -> Unsealed:
    """The events not yet linked into the chain: how many, and the oldest one's time."""
    agg = _unsealed().aggregate(n=models.Count("id"), oldest=models.Min("occurred_at"))
    return Unsealed(agg["n"], agg["oldest"])


def audit_seal_check(*, now: dt.datetime | None = None) -> Unsealed:
    """Seal, then alert (an ERROR log line, which the deployment forwards) if an event is still
    unsealed after JIANDU_AUDIT_UNSEALED_ALERT_SECONDS: the sealer is not keeping up or a row is forged."""
    audit_seal(wait=True)
    left = audit_unsealed()
    limit = settings.JIANDU_AUDIT_UNSEALED_ALERT_SECONDS
    if left.count and left.age_seconds(now) > limit:
        logger.error(
            "审计链有 %s 条事件尚未封存，最早的已等待 %.0f 秒（阈值 %s 秒）",
            left.count,
            left.age_seconds(now),
            limit,
        )
    return left


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
    audit_seal(wait=True)
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
            AuditEvent.objects.filter(occurred_at__gte=cutoff, seq__isnull=False)
            .order_by("seq")
            .values_list("seq", flat=True)
            .first()
        )
        last_seq = (first_young - 1) if first_young is not None else head.seq
        last = AuditEvent.objects.filter(seq__lte=last_seq).order_by("-seq").values("seq", "hash").first()
        if last is None:
            return PurgeResult(0, None, None)
        first_seq = (
            AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True).first()
        )
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
        if anchor.seq is None:  # deferred sealing: the anchor is sealed here, with the head still held
            audit_seal(wait=True)
            anchor = AuditEvent.objects.get(pk=anchor.pk)
    return PurgeResult(count, last["seq"], anchor)
