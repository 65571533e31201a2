"""Checking the audit chain (`jiandu audit verify`).

The walk goes in seq order, one batch at a time (keyset pagination), so memory stays constant
however long the trail grows. For each event it checks, in order:

1. the seq follows the previous one (a gap = an event was deleted);
2. its prev_hash equals the previous event's hash (a break = an event was replaced and re-hashed);
3. its own hash, recomputed from its fields, equals the stored one (a mismatch = it was altered).

4. its MAC (HMAC-SHA256 of the hash under JIANDU_AUDIT_KEY, a key the database never holds) is
   valid (a mismatch = the chain was recomputed with the public hash function, or an event forged).

The first event may be later than seq 1 only when a retention purge left an `audit.purge` anchor
naming the last purged seq and its hash. At the end the chain head (AuditChainHead) must point at
the last event and carry a valid MAC, which catches deletion of the newest events. Events not sealed
yet (deferred sealing: seq NULL) are reported as such — how many, since when — and each must carry a
valid draft MAC over its content; a row without one was not written by the application. A DBA who kept an
old copy of the head row could put it back after truncating: that is caught only against a signed
checkpoint published outside the database (`against=`, jiandu.audit.checkpoints).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.audit.hashing import GENESIS, draft_mac_ok, event_hash, event_mac_ok, event_payload, head_mac_ok
from jiandu.audit.models import AuditChainHead, AuditEvent

# The columns the hash covers, plus the links. Rows are read as tuples: building model instances was
# a third of the walk's time.
_COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_name",
    "role",
    "organisation_id",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "before",
    "after",
    "ip",
    "outcome",
    "prev_hash",
    "hash",
    "mac",
)

PURGE_ACTION = "audit.purge"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str = ""
    # Deferred sealing: events committed but not linked yet. Not tampering; their draft MACs are checked.
    unsealed: int = 0
    oldest_unsealed_at: dt.datetime | None = None

    @property
    def message(self) -> str:
        if self.ok:
            text = gettext("审计链完整：{count} 条").format(count=self.count)
            if self.unsealed and self.oldest_unsealed_at is not None:
                age = (timezone.now() - self.oldest_unsealed_at).total_seconds()
                text += gettext("；另有 {n} 条尚未封存（最早的已等待 {age} 秒）").format(
                    n=self.unsealed, age=f"{max(age, 0):.0f}"
                )
            return text
        return gettext("审计链被破坏：{problem}（已核对 {count} 条）").format(
            problem=self.problem, count=self.count
        )


def _purge_anchor_for(first_seq: int, first_prev_hash: str | None) -> tuple[bool, int]:
    """Whether a purge anchor accounts for the events before the first one; if not, the first missing seq."""
    expected_last = first_seq - 1
    first_missing = 1
    for after in AuditEvent.objects.filter(action=PURGE_ACTION).values_list("after", flat=True):
        if not isinstance(after, dict):
            continue
        last = after.get("last_purged_seq")
        if not isinstance(last, int):
            continue
        if last == expected_last and after.get("last_purged_hash") == first_prev_hash:
            return True, 0
        if last < first_seq:
            first_missing = max(first_missing, last + 1)
    return False, first_missing


def audit_chain_verify(*, batch_size: int = 2000, against: Any = None) -> ChainReport:
    """Walk the chain; with `against` (a list of jiandu.audit.checkpoints.Checkpoint, already
    signature-checked), also check that each checkpointed head is still in the chain."""
    # Read the head first: events appended while we walk lie beyond it and are left for next time.
    head = AuditChainHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else GENESIS
    mac_from = settings.JIANDU_AUDIT_MAC_FROM_SEQ
    if head_seq >= mac_from and not head_mac_ok(head_seq, head_hash, head.mac if head else ""):
        return ChainReport(
            False,
            0,
            head_seq,
            gettext("链头记录（第 {head_seq} 条）的密钥校验码不符：链头被改动").format(head_seq=head_seq),
        )
    for cp in against or []:
        if cp.seq > head_seq:
            return ChainReport(
                False,
                0,
                head_seq + 1,
                gettext("检查点记录了 {seq} 条，而链头只有 {head_seq} 条：链尾被截断").format(
                    seq=cp.seq, head_seq=head_seq
                ),
            )
        stored = AuditEvent.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
        if stored is None:
            purged = AuditEvent.objects.filter(action=PURGE_ACTION, after__last_purged_seq__gte=cp.seq)
            if not purged.exists():
                return ChainReport(
                    False, 0, cp.seq, gettext("检查点的第 {seq} 条审计事件缺失").format(seq=cp.seq)
                )
        elif stored != cp.hash:
            return ChainReport(
                False,
                0,
                cp.seq,
                gettext("第 {seq} 条审计事件的哈希与检查点不符：该处及之前的记录被重算或改写").format(
                    seq=cp.seq
                ),
            )

    first = (
        AuditEvent.objects.filter(seq__lte=head_seq).order_by("seq").values_list("seq", "prev_hash").first()
    )
    if first is None:
        if head_seq:
            return ChainReport(
                False, 0, 1, gettext("第 1 至 {head_seq} 条审计事件全部缺失").format(head_seq=head_seq)
            )
        return _unsealed_checked(ChainReport(True, 0), batch_size)

    first_seq, first_prev_hash = first
    assert first_seq is not None  # filtered on seq
    if first_seq == 1:
        prev_seq, prev_hash = 0, GENESIS
    else:
        anchored, first_missing = _purge_anchor_for(first_seq, first_prev_hash)
        if not anchored:
            return ChainReport(
                False,
                0,
                first_missing,
                gettext("第 {first_missing} 条审计事件缺失（无对应的清理记录）").format(
                    first_missing=first_missing
                ),
            )
        prev_seq, prev_hash = first_seq - 1, first_prev_hash or ""

    count = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(seq__gt=prev_seq, seq__lte=head_seq)
            .order_by("seq")
            .values_list(*_COLUMNS)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            event = SimpleNamespace(**dict(zip(_COLUMNS, row, strict=True)))
            if event.seq != prev_seq + 1:
                return ChainReport(
                    False,
                    count,
                    prev_seq + 1,
                    gettext("第 {value} 条审计事件缺失").format(value=prev_seq + 1),
                )
            if event.prev_hash != prev_hash:
                return ChainReport(
                    False,
                    count,
                    prev_seq,
                    gettext(
                        "第 {prev_seq} 条与第 {seq} 条之间哈希链断开：第 {prev_seq} 条被篡改或替换"
                    ).format(prev_seq=prev_seq, seq=event.seq),
                )
            if event_hash(event.prev_hash, event_payload(event)) != event.hash:
                return ChainReport(
                    False,
                    count,
                    event.seq,
                    gettext("第 {seq} 条审计事件已被篡改（哈希不符）").format(seq=event.seq),
                )
            if event.seq >= mac_from and not event_mac_ok(event.hash, event.mac):
                return ChainReport(
                    False,
                    count,
                    event.seq,
                    gettext("第 {seq} 条被篡改或替换（密钥校验码不符：记录被伪造或哈希链被重算）").format(
                        seq=event.seq
                    ),
                )
            count += 1
            prev_seq, prev_hash = event.seq, event.hash

    if prev_seq != head_seq:
        return ChainReport(
            False,
            count,
            prev_seq + 1,
            gettext("第 {value} 条审计事件缺失（链尾被截断）").format(value=prev_seq + 1),
        )
    if prev_hash != head_hash:
        return ChainReport(
            False,
            count,
            prev_seq,
            gettext("链头记录与第 {prev_seq} 条审计事件不符").format(prev_seq=prev_seq),
        )
    return _unsealed_checked(ChainReport(True, count), batch_size)


# An unsealed row: its id, the hashed columns, and its draft MAC (the sealer reads the same list).
UNSEALED_COLUMNS = ("id", *(c for c in _COLUMNS if c not in ("seq", "prev_hash", "hash")))


def _unsealed_checked(report: ChainReport, batch_size: int) -> ChainReport:
    """The unsealed tail (deferred sealing): counted, with the oldest one's time, and each checked
    against the draft MAC it was written with — a row put into the table by hand has none that fits."""
    unsealed = AuditEvent.objects.filter(seq__isnull=True)
    agg = unsealed.aggregate(n=Count("id"), oldest=Min("occurred_at"))
    if not agg["n"]:
        return report
    last_id = 0
    while True:
        rows = list(
            unsealed.filter(id__gt=last_id).order_by("id").values_list(*UNSEALED_COLUMNS)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            event = SimpleNamespace(**dict(zip(UNSEALED_COLUMNS, row, strict=True)), seq=None)
            if not draft_mac_ok(event_payload(event), event.mac):
                return ChainReport(
                    False,
                    report.count,
                    None,
                    gettext(
                        "尚未封存的审计事件（内部编号 {id}）密钥校验码不符：该记录不是本系统写入的，或写入后被改动"
                    ).format(id=event.id),
                    agg["n"],
                    agg["oldest"],
                )
        last_id = rows[-1][0]
    return ChainReport(True, report.count, unsealed=agg["n"], oldest_unsealed_at=agg["oldest"])
