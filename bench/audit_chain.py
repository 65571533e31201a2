"""The audit chain: appending through `audit_record`, and `jiandu audit verify` over a long trail, in a
database in DATABASE_URL (a scratch SQLite database when none is given).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.audit_chain [--append 4000] [--writers 1,4]
        [--events 1000000]

1. `audit_record` one event per transaction (as every service write does), from 1 and from 4
   concurrent writer processes. Two rates, both printed: "committed/s" counts until the last writer
   has committed (appends; the writers' own after-commit seals run meanwhile, so most events are
   sealed by then, but not necessarily all); "committed and sealed/s" — the honest figure — counts
   until every one of them is also sealed (JIANDU_AUDIT_SEAL: after the commits in "deferred" mode,
   in the writer's transaction in "inline"). The appended range is then checked link by link and MAC
   by MAC. CPU: the writer processes' and the final seal's, and their PostgreSQL backends' (from
   /proc, when the server runs on this machine), each also per event.
2. The sealer alone: the same writers with the after-commit seal switched off (here only), then one
   `audit_seal()` over the backlog: events sealed per second.
3. A trail of --events chained events (written in bulk with the real hash function), then
   `audit_chain_verify`: seconds, events per second, and peak Python memory (tracemalloc, separate run)
   — which stays flat however long the trail, because the walk reads fixed-size batches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import resource
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any


def setup_django(data_dir: str) -> None:
    # The database in DATABASE_URL when one is given (PostgreSQL or SQLite); a scratch SQLite in data_dir
    # otherwise.
    from bench._db import setup_django as _setup

    _setup(data_dir, migrate=False)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bulk_chain(n: int, batch: int = 20_000) -> None:
    from django.db import transaction

    from jiandu.audit.hashing import event_hash, event_mac, event_payload, head_mac
    from jiandu.audit.models import AuditChainHead, AuditEvent

    head, _ = AuditChainHead.objects.get_or_create(id=1)
    seq, prev = head.seq, head.hash
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    done = 0
    while done < n:
        rows = []
        for _ in range(min(batch, n - done)):
            seq += 1
            e = AuditEvent(
                seq=seq,
                occurred_at=start + dt.timedelta(seconds=seq),
                actor_name=f"user{seq % 500}",
                role="programme_admin",
                action="supervisor.update",
                target_type="roster.supervisor",
                target_id=str(seq % 10_000),
                target_repr="张三",
                before={"status": "active"},
                after={"status": "suspended", "n": seq},
                ip="10.0.0.1",
                outcome="success",
                prev_hash=prev,
            )
            e.hash = event_hash(prev, event_payload(e))
            e.mac = event_mac(e.hash)
            prev = e.hash
            rows.append(e)
        with transaction.atomic():
            AuditEvent.objects.bulk_create(rows)
        done += len(rows)
    AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev, mac=head_mac(seq, prev))


def _writer(n: int, writer: int, seal_after_commit: bool, db_cpu: Any) -> None:
    """One writer process: n events, each in its own transaction as a service write makes them. Puts
    its PostgreSQL backend's CPU seconds for the run (after-commit seals included) into `db_cpu`."""
    from django.conf import settings
    from django.db import connection, transaction

    from bench._db import server_cpu_seconds
    from jiandu.audit import services

    connection.close()  # a forked child must not share the parent's connection
    # As in production, whatever the parent runs with (`python -m bench` keeps the default): with DEBUG
    # on, Django's debug cursor renders every statement with its values on the client and keeps the
    # text — the very quoting the append's server-bound INSERT does without.
    settings.DEBUG = False
    if not seal_after_commit:
        services._seal_after_commit_once = lambda: None  # this bench only: leave the backlog to the sealer
    db0 = server_cpu_seconds()
    for i in range(n):
        with transaction.atomic():
            services.audit_record(
                actor=None,
                action="bench.append",
                target_type="bench",
                target_id=f"{writer}-{i}",
                actor_name="bench",
                after={"writer": writer, "i": i},
            )
    db1 = server_cpu_seconds()
    db_cpu.put(None if db0 is None or db1 is None else db1 - db0)
    connection.close()


@dataclass
class AppendRun:
    mode: str
    writers: int
    events: int
    write_wall: float  # until the last writer committed (and, with the after-commit seal, sealed)
    cpu: float  # the writer processes' CPU plus this process's sealing CPU (not the database server's)
    db_cpu: float | None  # the PostgreSQL backends' CPU: the writers' connections and the final seal's
    seal_wall: float  # then: this process's audit_seal() over whatever was left unsealed
    left_after_writers: int  # events still unsealed when the writers were done
    chain: str

    @property
    def committed_per_s(self) -> float:
        return self.events / self.write_wall

    @property
    def sealed_per_s(self) -> float:
        return self.events / (self.write_wall + self.seal_wall)

    @property
    def cpu_ms_per_event(self) -> str:
        db = f" + {self.db_cpu * 1000 / self.events:.2f} DB" if self.db_cpu is not None else ""
        return f"{self.cpu * 1000 / self.events:.2f} client{db} ms CPU per event"


def append_concurrent(n: int, writers: int, *, seal_after_commit: bool = True) -> AppendRun:
    """n events from `writers` concurrent processes (fork), each event its own transaction; then
    everything still unsealed is sealed here, timed, and the appended range checked link by link."""
    from django.conf import settings
    from django.db import connection

    from bench._db import server_cpu_seconds
    from jiandu.audit.models import AuditChainHead
    from jiandu.audit.services import audit_seal, audit_unsealed

    audit_seal()
    head = AuditChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    connection.close()
    ctx = mp.get_context("fork")
    per = n // writers
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    db_cpus = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(per, w, seal_after_commit, db_cpus)) for w in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    write_wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    failed = [p.exitcode for p in procs if p.exitcode]
    writer_db = [db_cpus.get(timeout=10) for p in procs if not p.exitcode]
    left = audit_unsealed().count
    db0 = server_cpu_seconds()
    t1, c1 = time.perf_counter(), time.process_time()
    audit_seal()
    seal_wall, seal_cpu = time.perf_counter() - t1, time.process_time() - c1
    db1 = server_cpu_seconds()
    db_cpu = None
    if db0 is not None and db1 is not None and None not in writer_db:
        db_cpu = sum(writer_db) + db1 - db0
    total = per * writers
    ok, why = chain_links_ok(head + 1, head + total)
    head_now = AuditChainHead.objects.filter(id=1).values_list("seq", flat=True).first() or 0
    if ok and head_now != head + total:
        why = f"head at {head_now}, expected {head + total}"
    return AppendRun(
        mode=settings.JIANDU_AUDIT_SEAL,
        writers=writers,
        events=total,
        write_wall=write_wall,
        cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime) + seal_cpu,
        db_cpu=db_cpu,
        seal_wall=seal_wall,
        left_after_writers=left,
        chain=why + (f"; writer exit codes {failed}" if failed else ""),
    )


def chain_links_ok(first_seq: int, last_seq: int) -> tuple[bool, str]:
    """The range is contiguous, each event links to the one before, hashes to itself and its MAC fits."""
    from jiandu.audit.chain import _COLUMNS
    from jiandu.audit.hashing import event_hash, event_mac_ok, event_payload
    from jiandu.audit.models import AuditEvent

    prev = AuditEvent.objects.filter(seq=first_seq - 1).values_list("hash", flat=True).first()
    expected = first_seq
    for row in (
        AuditEvent.objects.filter(seq__gte=first_seq, seq__lte=last_seq)
        .order_by("seq")
        .values_list(*_COLUMNS)
        .iterator(chunk_size=2000)
    ):
        e = dict(zip(_COLUMNS, row, strict=True))
        if e["seq"] != expected or (prev is not None and e["prev_hash"] != prev):
            return False, f"broken at seq {e['seq']}"
        if event_hash(e["prev_hash"], event_payload(_Obj(e))) != e["hash"] or not event_mac_ok(
            e["hash"], e["mac"]
        ):
            return False, f"hash or MAC mismatch at seq {e['seq']}"
        prev, expected = e["hash"], expected + 1
    if expected != last_seq + 1:
        return False, f"missing seq {expected}"
    return True, "chain intact"


class _Obj:
    def __init__(self, d: dict[str, object]) -> None:
        self.__dict__.update(d)


def describe(run: AppendRun) -> str:
    return (
        f"{run.events:,} events, {run.writers} writer(s), {run.mode}: "
        f"{run.committed_per_s:,.0f} committed/s ({run.write_wall:.2f} s wall); "
        f"{run.left_after_writers:,} left unsealed, sealed {run.seal_wall:.2f} s later → "
        f"{run.sealed_per_s:,.0f} committed and sealed/s; CPU {run.cpu:.2f} s client (writers + sealer)"
        + (f" + {run.db_cpu:.2f} s PostgreSQL" if run.db_cpu is not None else "")
        + f" = {run.cpu_ms_per_event}; {run.chain}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", type=int, default=4000)
    parser.add_argument("--writers", default="1,4", help="comma-separated writer process counts")
    parser.add_argument("--events", type=int, default=1_000_000, help="0 skips the verify figure")
    args = parser.parse_args()
    os.environ.setdefault("JIANDU_DEBUG", "0")  # as in production (and the writers always: _writer)
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from jiandu.audit.chain import audit_chain_verify

        for writers in [int(w) for w in args.writers.split(",")]:
            print("append:", describe(append_concurrent(args.append, writers)), flush=True)
        backlog = append_concurrent(args.append, 4, seal_after_commit=False)
        print(
            f"sealer alone: {backlog.left_after_writers:,} unsealed events sealed in {backlog.seal_wall:.2f} s wall"
            f" = {backlog.left_after_writers / backlog.seal_wall:,.0f} events/s"
            f" (written first at {backlog.committed_per_s:,.0f} committed/s by 4 writers); {backlog.chain}",
            flush=True,
        )
        if not args.events:
            return

        t0, c0 = time.perf_counter(), time.process_time()
        bulk_chain(args.events)
        print(
            f"generated {args.events:,} chained events in {time.perf_counter() - t0:.1f} s wall"
            f" ({time.process_time() - c0:.1f} s CPU)"
        )

        t0, c0 = time.perf_counter(), time.process_time()
        report = audit_chain_verify()
        took = time.perf_counter() - t0
        print(
            f"verify: {report.message} in {took:.1f} s wall ({time.process_time() - c0:.1f} s CPU)"
            f" = {report.count / took:,.0f} events/s"
        )

        tracemalloc.start()
        audit_chain_verify()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"verify peak Python memory: {peak / 1e6:.1f} MB (batches of 2000)")


if __name__ == "__main__":
    main()
