"""The audit trail is append-only and tamper-evident (issue #2 §7)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from jiandu.audit.chain import audit_chain_verify
from jiandu.audit.hashing import event_hash, event_payload
from jiandu.audit.models import AppendOnlyError, AuditEvent
from jiandu.audit.services import AuditPurgeRefused, audit_purge, audit_record
from jiandu.audit.tests.tampering import drop_append_only_trigger, raw_delete, raw_update

pytestmark = pytest.mark.django_db


def _events(n: int, *, start: dt.datetime | None = None, step: dt.timedelta = dt.timedelta(days=1)) -> None:
    for i in range(n):
        audit_record(
            actor=None,
            actor_name="tester",
            action="test.write",
            target_type="test",
            target_id=str(i),
            before={"n": i},
            after={"n": i + 1, "名称": "测试"},
            at=(start + step * i) if start else None,
        )


def _verify() -> tuple[int, str]:
    try:
        call_command("audit", "verify", stdout=(out := _Buffer()))
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.text


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_intact_chain_verifies_with_count() -> None:
    _events(5)
    assert _verify() == (0, "审计链完整：5 条\n")


def test_empty_chain_verifies() -> None:
    assert audit_chain_verify().ok


def test_orm_refuses_update_and_delete() -> None:
    _events(2)
    event = AuditEvent.objects.get(seq=1)
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=1).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(seq=1).action == "test.write"


def test_database_trigger_refuses_raw_update() -> None:
    _events(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_update(1, action="forged")
    assert AuditEvent.objects.get(seq=1).action == "test.write"


def test_altered_event_is_named() -> None:
    _events(6)
    drop_append_only_trigger()
    raw_update(4, after=json.dumps({"n": 999}))
    code, message = _verify()
    assert code == 1
    assert "第 4 条审计事件已被篡改" in message
    assert audit_chain_verify().first_bad_seq == 4


def test_altered_and_rehashed_event_is_named_by_the_broken_link() -> None:
    _events(6)
    drop_append_only_trigger()
    event = AuditEvent.objects.get(seq=3)
    event.actor_name = "someone-else"
    assert event.prev_hash is not None
    raw_update(3, actor_name="someone-else", hash=event_hash(event.prev_hash, event_payload(event)))
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == 3
    assert "第 3 条被篡改或替换" in report.problem


def test_deleted_event_is_named_as_gap() -> None:
    _events(6)
    raw_delete(2)
    code, message = _verify()
    assert code == 1
    assert "第 2 条审计事件缺失" in message


def test_deleted_newest_event_is_caught_by_the_head() -> None:
    _events(4)
    raw_delete(4)
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == 4
    assert "链尾" in report.problem


def test_deleted_oldest_event_without_purge_anchor_is_named() -> None:
    _events(4)
    raw_delete(1)
    report = audit_chain_verify()
    assert not report.ok and report.first_bad_seq == 1


def test_verify_walks_in_small_batches() -> None:
    _events(7)
    assert audit_chain_verify(batch_size=2).count == 7
    drop_append_only_trigger()
    raw_update(6, action="forged")
    assert audit_chain_verify(batch_size=2).first_bad_seq == 6


# --- purge ------------------------------------------------------------------------------------------

OLD = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)


def test_purge_refuses_events_younger_than_retention(settings) -> None:  # type: ignore[no-untyped-def]
    _events(3, start=OLD)
    _events(2)
    too_recent = (timezone.now() - dt.timedelta(days=settings.JIANDU_AUDIT_RETENTION_DAYS - 1)).date()
    with pytest.raises(AuditPurgeRefused, match="至少保存 180 天"):
        audit_purge(before=too_recent)
    with pytest.raises(CommandError) as caught:
        call_command("audit", "purge", "--before", too_recent.isoformat())
    assert caught.value.returncode != 0
    assert AuditEvent.objects.count() == 5


def test_purge_deletes_old_events_and_verify_still_passes() -> None:
    _events(3, start=OLD)
    _events(2)
    result = audit_purge(before=dt.date(2021, 1, 1), operator="cli:test")
    assert result.count == 3 and result.last_purged_seq == 3
    assert not AuditEvent.objects.filter(seq__lte=3).exists()
    anchor = AuditEvent.objects.get(action="audit.purge")
    assert anchor.after is not None and anchor.after["last_purged_seq"] == 3
    assert anchor.actor_name == "cli:test"
    assert _verify() == (0, "审计链完整：3 条\n")
    # An attacker deleting the first survivor is still caught after the purge.
    raw_delete(4)
    assert audit_chain_verify().first_bad_seq == 4


def test_purge_twice_and_purge_everything() -> None:
    _events(2, start=OLD)
    _events(2, start=OLD + dt.timedelta(days=400))
    audit_purge(before=dt.date(2020, 6, 1))
    audit_purge(before=dt.date(2022, 6, 1))
    assert audit_chain_verify().ok
    # Everything now is the two anchors plus nothing else; purging again with nothing old is a no-op.
    assert audit_purge(before=dt.date(2019, 1, 1)).count == 0


def test_purge_refuses_a_broken_chain() -> None:
    _events(3, start=OLD)
    _events(1)
    raw_delete(2)
    with pytest.raises(AuditPurgeRefused, match="拒绝清理：审计链被破坏：第 2 条审计事件缺失"):
        audit_purge(before=dt.date(2021, 1, 1))
    assert AuditEvent.objects.filter(seq=1).exists()


def test_purge_rejects_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "purge", "--before", "2020/01/01")
