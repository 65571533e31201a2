"""Issue 11 #3: the seven tampering cases of docs/security.md ("What verify detects"), each done the way
a database administrator would — raw SQL, the append-only trigger dropped where needed, hashes
recomputed with the application's own public function — and each detected by `jiandu audit verify`
(with `--against` a signed checkpoint where the case needs one).

Before the keyed layer, cases 3 (edit and recompute every later hash) and 5 (delete the newest 20 and
move the head back) and 7 (append a forged event) passed verification: the probe's finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from jiandu.audit.checkpoints import checkpoint_publish
from jiandu.audit.hashing import event_hash, event_payload
from jiandu.audit.models import AuditChainHead, AuditEvent
from jiandu.audit.services import audit_record
from jiandu.audit.tests.tampering import (
    drop_append_only_trigger,
    raw_delete,
    raw_head,
    raw_insert,
    raw_update,
)

pytestmark = pytest.mark.django_db
N = 40


def _events(n: int) -> None:
    for i in range(n):
        audit_record(actor=None, actor_name="tester", action="test.write", target_id=str(i), after={"n": i})


@pytest.fixture
def chain(tmp_path: Path, settings: Any) -> Path:
    """N events, a signed checkpoint written to the write-once file, then 5 more events."""
    path = tmp_path / "checkpoints.jsonl"
    settings.JIANDU_AUDIT_CHECKPOINT_FILE = str(path)
    _events(N)
    checkpoint_publish()
    _events(5)
    assert _verify(path) == (0, f"审计链完整：{N + 5} 条")
    return path


def _verify(against: Path | None = None) -> tuple[int, str]:
    out: list[str] = []

    class Out:
        def write(self, s: str) -> None:
            out.append(s)

        def flush(self) -> None:
            pass

    args = ["audit", "verify"] + (["--against", str(against)] if against else [])
    try:
        call_command(*args, stdout=Out())
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out[-1].strip() if out else ""


def _recompute_from(seq: int) -> None:
    """Recompute every hash from `seq` to the end with the application's own function, and the head."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        assert prev is not None and event.seq is not None  # the chain is sealed (inline in tests)
        event.prev_hash = prev
        new = event_hash(prev, event_payload(event))
        raw_update(event.seq, prev_hash=prev, hash=new)
        prev = new
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    raw_head(seq=last.seq, hash=last.hash)


def _expect_broken(against: Path | None, *needles: str) -> str:
    code, message = _verify(against)
    assert code == 1, message
    assert any(n in message for n in needles), message
    return message


def test_1_an_edited_field_is_named(chain: Path) -> None:
    drop_append_only_trigger()
    raw_update(12, actor_name="someone-else")
    _expect_broken(None, "第 12 条审计事件已被篡改")


def test_2_an_edited_and_rehashed_event_breaks_the_link(chain: Path) -> None:
    drop_append_only_trigger()
    event = AuditEvent.objects.get(seq=12)
    event.actor_name = "someone-else"
    assert event.prev_hash is not None
    raw_update(12, actor_name="someone-else", hash=event_hash(event.prev_hash, event_payload(event)))
    _expect_broken(None, "第 12 条")


def test_3_an_edit_with_every_later_hash_recomputed_is_caught_by_the_key(chain: Path) -> None:
    drop_append_only_trigger()
    raw_update(12, target_repr="篡改后的对象")
    _recompute_from(12)
    _expect_broken(None, "密钥校验码不符")
    # and, without any key, by the published checkpoint
    _expect_broken(chain, "密钥校验码不符", "与检查点不符")


def test_4_a_deleted_event_is_a_gap(chain: Path) -> None:
    raw_delete(20)
    _expect_broken(None, "第 20 条审计事件缺失")


def test_5_the_newest_events_deleted_and_the_head_moved_back(chain: Path) -> None:
    # The DBA kept a copy of the head row when the chain had N - 20 + 5 events (its MAC is valid) …
    head_then = AuditEvent.objects.get(seq=N - 15)
    old_head = AuditChainHead.objects.get(id=1)
    from jiandu.audit.hashing import head_mac

    assert head_then.seq is not None and head_then.hash is not None
    replayed_mac = head_mac(head_then.seq, head_then.hash)  # what the row held at that time
    for seq in range(N - 14, N + 6):
        raw_delete(seq)
    # … a head recomputed without the key is refused by its MAC,
    raw_head(seq=head_then.seq, hash=head_then.hash, mac=old_head.mac)
    _expect_broken(None, "链头记录")
    # … and the replayed old head row passes the chain alone but not the signed checkpoint.
    raw_head(seq=head_then.seq, hash=head_then.hash, mac=replayed_mac)
    assert _verify(None)[0] == 0
    _expect_broken(chain, "链尾被截断")


def test_6_the_oldest_events_deleted_without_a_purge_anchor(chain: Path) -> None:
    for seq in range(1, 6):
        raw_delete(seq)
    _expect_broken(None, "第 1 条审计事件缺失")


def test_7_a_forged_event_appended_with_a_correct_hash(chain: Path) -> None:
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None and last.seq is not None and last.hash is not None
    forged = AuditEvent(
        seq=last.seq + 1,
        occurred_at=last.occurred_at,
        actor_name="admin",
        action="account.password_reset",
        target_type="accounts.user",
        target_id="1",
        target_repr="admin",
        outcome="success",
        prev_hash=last.hash,
    )
    forged.hash = event_hash(last.hash, event_payload(forged))
    raw_insert(
        seq=forged.seq,
        occurred_at=forged.occurred_at,
        actor_name=forged.actor_name,
        role="",
        action=forged.action,
        target_type=forged.target_type,
        target_id=forged.target_id,
        target_repr=forged.target_repr,
        outcome=forged.outcome,
        prev_hash=forged.prev_hash,
        hash=forged.hash,
        mac="00000000:" + "0" * 64,
    )
    raw_head(seq=forged.seq, hash=forged.hash)
    _expect_broken(None, "链头记录", "密钥校验码不符")


def test_a_checkpoint_with_a_bad_signature_is_refused(chain: Path) -> None:
    lines = chain.read_text().splitlines()
    cp = json.loads(lines[-1])
    cp["seq"] = 3  # a forged checkpoint to make verification pass against an older, rewritten chain
    chain.write_text(json.dumps(cp) + "\n")
    _expect_broken(chain, "签名无效")


def test_the_portal_publishes_the_checkpoints_and_the_public_key(chain: Path, client: Any) -> None:
    from jiandu.audit.checkpoints import public_key_b64

    page = client.get("/audit/public/checkpoints/").content.decode()
    assert public_key_b64() in page and str(N) in page
    data = client.get("/audit/public/checkpoints.json").json()
    assert data["public_key"] == public_key_b64() and data["checkpoints"][0]["seq"] == N
    downloaded = chain.parent / "portal.json"
    downloaded.write_text(json.dumps(data))
    assert _verify(downloaded)[0] == 0


def test_key_rotation_keeps_old_events_verifiable(chain: Path, settings: Any) -> None:
    settings.JIANDU_AUDIT_KEYS = ["a-new-key", *settings.JIANDU_AUDIT_KEYS]
    _events(3)
    assert _verify(chain)[0] == 0
    settings.JIANDU_AUDIT_KEYS = ["a-new-key"]  # the old key dropped too early: old events fail
    assert _verify(None)[0] == 1
