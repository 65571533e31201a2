"""Issue 18 #4: deferred sealing. A writer only INSERTs its event; the sealer links committed events
into the chain after the commit (or inline, in the writer's transaction). Both modes go through the
same sealer; the suite runs inline (settings_test), these tests run it deferred — on PostgreSQL with
real concurrent writers — and check that every committed event is sealed exactly once, seqs are
contiguous, the chain verifies and rolled-back events never appear."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from jiandu.audit import services
from jiandu.audit.chain import audit_chain_verify
from jiandu.audit.checkpoints import checkpoint_sign
from jiandu.audit.models import AuditChainHead, AuditEvent
from jiandu.audit.services import (
    audit_purge,
    audit_record,
    audit_seal,
    audit_seal_check,
    audit_unsealed,
)
from jiandu.audit.tests.tampering import TABLE, raw_insert

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (SQLite has one writer)"
)


@pytest.fixture
def deferred(settings: Any) -> None:
    settings.JIANDU_AUDIT_SEAL = "deferred"


def _record(i: int, **extra: Any) -> AuditEvent:
    return audit_record(
        actor=None, actor_name="tester", action="test.write", target_id=str(i), after={"n": i, **extra}
    )


def _forge(like: AuditEvent, mac: str = "bad") -> None:
    """An unsealed row put into the table by hand (not through audit_record)."""
    raw_insert(
        occurred_at=like.occurred_at,
        actor_name="intruder",
        role="",
        action="account.role_change",
        target_type="",
        target_id="",
        target_repr="",
        outcome="success",
        mac=mac,
    )


def _seqs() -> list[int | None]:
    return list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db
def test_inline_mode_seals_in_the_writers_transaction() -> None:
    event = _record(1)
    assert event.seq == 1 and event.hash and event.prev_hash == "0" * 64
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.hash, stored.mac) == (event.seq, event.hash, event.mac)
    assert AuditChainHead.objects.get(id=1).seq == 1


@pytest.mark.django_db
def test_deferred_mode_seals_after_commit(deferred: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        events = [_record(i) for i in range(3)]
        assert [e.seq for e in events] == [None, None, None]  # nothing waits on the head
        assert AuditChainHead.objects.filter(id=1, seq__gt=0).count() == 0
    assert len(callbacks) == 1  # one seal per transaction, however many events it recorded
    assert _seqs() == [1, 2, 3]
    assert [AuditEvent.objects.get(pk=e.pk).seq for e in events] == [1, 2, 3]  # in insertion order
    assert audit_chain_verify().ok and audit_unsealed().count == 0


@pytest.mark.django_db
def test_after_commit_seals_coalesce_and_the_sweep_takes_the_rest(
    deferred: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jiandu.audit.tasks import audit_seal_task

    settings.JIANDU_AUDIT_SEAL_COALESCE_MS = 60_000
    monkey_last = services._last_after_commit_seal
    try:
        services._last_after_commit_seal = 0.0
        for i in range(3):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                _record(i)
        assert _seqs() == [1]  # the first commit sealed; the next two fell in its window
        assert audit_seal_task.call(reschedule=False) == {"unsealed": 0, "oldest_age_seconds": 0}
        assert _seqs() == [1, 2, 3] and audit_chain_verify().ok
    finally:
        services._last_after_commit_seal = monkey_last


@pytest.mark.django_db
def test_an_after_commit_seal_skips_when_any_process_sealed_within_the_window(
    deferred: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window is the site's, not each process's: a writer whose own process has not sealed lately
    still skips when a seal anywhere moved the head within it (the mark is on the head row)."""
    import datetime as dt

    from django.utils import timezone

    settings.JIANDU_AUDIT_SEAL_COALESCE_MS = 60_000
    _record(0)
    assert audit_seal() == 1  # another process's seal, just now
    monkeypatch.setattr(services, "_last_after_commit_seal", -math.inf)  # this process has not sealed
    _record(1)
    services._seal_after_commit()  # what its commit runs (the test's transaction never commits)
    assert _seqs() == [1] and audit_unsealed().count == 1  # left to the first seal due after the window
    AuditChainHead.objects.filter(id=1).update(sealed_at=timezone.now() - dt.timedelta(minutes=2))
    monkeypatch.setattr(services, "_last_after_commit_seal", -math.inf)
    _record(2)
    services._seal_after_commit()
    assert _seqs() == [1, 2, 3] and audit_chain_verify().ok


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_coalesced_seal_alone_skips_the_flush_wait(
    deferred: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The after-commit seal's own transaction commits without waiting for the WAL flush (a lost seal is
    redone: docs/security.md); the writer's transaction, and the session after it, stay durable."""
    from django.test.utils import CaptureQueriesContext

    settings.JIANDU_AUDIT_SEAL_COALESCE_MS = 60_000
    monkeypatch.setattr(services, "_last_after_commit_seal", -math.inf)
    AuditChainHead.objects.get_or_create(id=1)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        _record(1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert _seqs() == [1]
    lock = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(lock) == 1 and "set_config('synchronous_commit', 'off', true)" in lock[0]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_a_backlog_is_sealed_in_batches_and_the_head_follows(
    deferred: None, monkeypatch: pytest.MonkeyPatch, n: int
) -> None:
    monkeypatch.setattr(services, "SEAL_BATCH", 3)  # n = 3: the last batch is full, the next empty
    monkeypatch.setattr(services, "SEAL_TXN_ROWS", 6)  # n = 7: two transactions
    for i in range(n):
        _record(i)
    assert audit_seal() == n
    assert _seqs() == list(range(1, n + 1)) and AuditChainHead.objects.get(id=1).seq == n
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_what_the_append_writes_is_what_it_hashed(deferred: None, world: Any, rf: Any) -> None:
    """The append INSERTs with its own statement (JSON sent as text, the address cast on the server):
    the stored row must read back as the event it returned, and seal and verify."""
    import datetime as dt

    user = world.users["auditor"]
    request = rf.post("/x", REMOTE_ADDR="2001:db8:0:0::1")
    request.user = user
    before = {"名称": '旧 "名"', "list": [1, 2.5, None, True], "nested": {"b": 1, "a": "é"}}
    event = audit_record(
        actor=user,
        action="test.content",
        target=user,
        before=before,
        after={"on": dt.date(2026, 1, 2), "n": None},  # a date becomes its text, as str() makes it
        request=request,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    for field in ("occurred_at", "actor_id", "actor_name", "role", "organisation_id", "action"):
        assert getattr(stored, field) == getattr(event, field), field
    assert (stored.target_type, stored.target_id, stored.target_repr) == (
        event.target_type,
        event.target_id,
        event.target_repr,
    )
    assert stored.before == before and stored.after == {"on": "2026-01-02", "n": None}
    assert stored.ip == event.ip == "2001:db8::1" and stored.mac == event.mac and stored.seq is None
    assert audit_seal() >= 1
    report = audit_chain_verify()
    assert report.ok and report.unsealed == 0, report.message


@pytest.mark.django_db
def test_an_unsealed_tail_is_reported_not_as_tampering(deferred: None) -> None:
    _record(0)
    audit_seal()
    _record(1)
    _record(2)  # their after-commit seal never runs: the test's transaction does not commit
    report = audit_chain_verify()
    assert report.ok and report.count == 1 and report.unsealed == 2
    assert "另有 2 条尚未封存" in report.message
    # `jiandu audit verify` seals first, then verifies everything.
    call_command("audit", "verify", stdout=(out := _Buffer()))
    assert "审计链完整：3 条" in out.text and "尚未封存" not in out.text


@pytest.mark.django_db
def test_verify_no_seal_leaves_the_tail(deferred: None) -> None:
    _record(1)
    call_command("audit", "verify", "--no-seal", stdout=(out := _Buffer()))
    assert "审计链完整：0 条；另有 1 条尚未封存" in out.text
    assert audit_unsealed().count == 1


@pytest.mark.django_db
def test_an_existing_sealed_chain_continues_under_deferred_sealing(settings: Any) -> None:
    old = [_record(i) for i in range(5)]  # inline, as every chain written before deferred sealing
    settings.JIANDU_AUDIT_SEAL = "deferred"
    _record(5)
    _record(6)
    assert audit_seal() == 2
    report = audit_chain_verify()
    assert report.ok and report.count == 7
    assert AuditEvent.objects.get(seq=6).prev_hash == old[-1].hash


@pytest.mark.django_db
def test_a_row_inserted_by_hand_is_never_sealed_and_verify_names_it(deferred: None) -> None:
    _record(1)
    real = AuditEvent.objects.get(seq__isnull=True)
    # An attacker with INSERT rights adds an unsealed row, copying a real row's draft MAC: it does not
    # fit the forged content, so the sealer must not chain and MAC it.
    _forge(real, mac=real.mac)
    _record(2)
    assert audit_seal() == 2
    forged = AuditEvent.objects.get(actor_name="intruder")
    assert forged.seq is None
    report = audit_chain_verify()
    assert not report.ok and f"内部编号 {forged.pk}" in report.problem
    assert report.count == 2 and report.unsealed == 1
    with pytest.raises(CommandError, match="密钥校验码不符"):
        call_command("audit", "verify", stdout=_Buffer())


@pytest.mark.django_db
def test_the_trigger_lets_only_the_sealing_update_through(deferred: None) -> None:
    _record(1)
    pk = AuditEvent.objects.get().pk
    with pytest.raises(DatabaseError), transaction.atomic():  # content of an unsealed row
        _sql(f"UPDATE {TABLE} SET actor_name = 'x' WHERE id = %s", [pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():  # sealing and changing content at once
        _sql(f"UPDATE {TABLE} SET seq = 99, actor_name = 'x' WHERE id = %s", [pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():  # deleting it before it is chained
        _sql(f"DELETE FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608
    audit_seal()
    with pytest.raises(DatabaseError), transaction.atomic():  # a sealed row is immutable again
        _sql(f"UPDATE {TABLE} SET seq = 5 WHERE id = %s", [pk])  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():  # and cannot be "unsealed"
        _sql(f"UPDATE {TABLE} SET seq = NULL WHERE id = %s", [pk])  # noqa: S608
    assert AuditEvent.objects.get().seq == 1 and audit_chain_verify().ok


@pytest.mark.django_db
def test_checkpoint_and_purge_seal_first(deferred: None, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    for i in range(3):
        audit_record(
            actor=None,
            actor_name="t",
            action="test.old",
            target_id=str(i),
            at=timezone.now() - dt.timedelta(days=400 - i),
        )
    cp = checkpoint_sign()
    assert cp.seq == 3 and audit_unsealed().count == 0
    _record(9)
    result = audit_purge(before=(timezone.now() - dt.timedelta(days=300)).date())
    assert result.count == 3 and result.anchor is not None and result.anchor.seq == 5  # event 9 is seq 4
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_the_sweep_alerts_on_an_event_left_unsealed(deferred: None, caplog: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    real = _record(1)
    _forge(real)  # a row the sealer refuses, so it stays unsealed
    with caplog.at_level("ERROR", logger="jiandu.audit"):
        left = audit_seal_check(now=timezone.now() + dt.timedelta(hours=1))
    assert left.count == 1
    assert any("尚未封存" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_the_audit_list_seals_first_and_shows_what_is_left_unsealed(
    deferred: None, world: Any, client: Any
) -> None:
    from django.urls import reverse

    from jiandu.accounts.testing import client_sign_in
    from jiandu.audit.selectors import audit_events_filter

    client_sign_in(client, world.users["auditor"])
    audit_seal()  # the world's and the sign-in's events
    first = _record(1)
    _forge(first)
    assert [e.seq for e in audit_events_filter(AuditEvent.objects.all())][:3] == [
        None,
        None,
        AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first(),
    ]
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    sealed_seq = AuditEvent.objects.get(pk=first.pk).seq
    assert sealed_seq is not None  # the page sealed what it could
    html = response.content.decode()
    assert "待封存" in html  # the row the sealer refused is listed, first, without a link
    assert html.index("待封存") < html.index(reverse("audit:detail", args=[sealed_seq]))


# --- concurrent writers (PostgreSQL) ------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _writers(n_threads: int, per: int, work: Callable[[int, int], None]) -> list[Exception]:
    barrier = threading.Barrier(n_threads)
    errors: list[Exception] = []

    def run(w: int) -> None:
        try:
            barrier.wait()
            for i in range(per):
                work(w, i)
        except Exception as exc:  # collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _write(w: int, i: int) -> None:
    try:
        with transaction.atomic():
            audit_record(
                actor=None,
                actor_name="writer",
                action="test.concurrent",
                target_id=f"{w}-{i}",
                after={"i": i},
            )
            if i % 7 == 3:
                audit_record(
                    actor=None, actor_name="writer", action="test.concurrent", target_id=f"{w}-{i}-b"
                )
            if i % 5 == 4:
                raise _Rollback
    except _Rollback:
        pass


def _expected(n_threads: int, per: int) -> set[str]:
    out = set()
    for w in range(n_threads):
        for i in range(per):
            if i % 5 == 4:
                continue
            out.add(f"{w}-{i}")
            if i % 7 == 3:
                out.add(f"{w}-{i}-b")
    return out


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("mode", "coalesce_ms"), [("deferred", 0), ("deferred", 5), ("inline", 0)])
def test_concurrent_writers_every_committed_event_sealed_once(
    mode: str, coalesce_ms: int, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.JIANDU_AUDIT_SEAL = mode
    # Without a window, a writer that holds the sealer looks again after its commit until nothing is
    # left, so no event waits for the periodic sweep; the pass limit (for very long bursts) must not cut
    # that short here. With one, the last window's events are the sweep's.
    monkeypatch.setattr(services, "SEAL_PASSES", 10_000)
    settings.JIANDU_AUDIT_SEAL_COALESCE_MS = coalesce_ms
    monkeypatch.setattr(services, "_last_after_commit_seal", -math.inf)
    n_threads, per = 6, 40
    assert _writers(n_threads, per, _write) == []
    if coalesce_ms:
        assert audit_unsealed().count < len(_expected(n_threads, per))  # the writers' seals ran
        audit_seal()  # the sweep
    assert audit_unsealed().count == 0  # without a window, by the writers' own after-commit seals
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "target_id"))
    expected = _expected(n_threads, per)
    assert sorted(t for _, t in rows) == sorted(expected)  # every committed event, once; no rolled-back one
    assert [s for s, _ in rows] == list(range(1, len(expected) + 1))  # contiguous
    assert AuditChainHead.objects.get(id=1).seq == len(expected)
    report = audit_chain_verify()
    assert report.ok and report.count == len(expected) and report.unsealed == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_sealer_racing_them(settings: Any) -> None:
    settings.JIANDU_AUDIT_SEAL = "deferred"
    stop = threading.Event()
    sealed: list[int] = []

    def sweep() -> None:
        try:
            while not stop.is_set():
                sealed.append(audit_seal(wait=True))
        finally:
            connections.close_all()

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    try:
        assert _writers(4, 30, _write) == []
    finally:
        stop.set()
        sweeper.join()
    audit_seal()
    expected = _expected(4, 30)
    assert _seqs() == list(range(1, len(expected) + 1))
    assert audit_chain_verify().ok


def _sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


class _Buffer:
    def __init__(self) -> None:
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass
