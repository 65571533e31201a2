"""The audit chain: appending through `audit_record`, and `jiandu audit verify` over a long trail, in a
database in DATABASE_URL (a scratch SQLite database when none is given).

    .venv/bin/python -m bench.audit_chain [--append 5000] [--events 1000000]

1. `audit_record` one event per transaction (as every service write does): events per second.
2. A trail of --events chained events (written in bulk with the real hash function), then
   `audit_chain_verify`: seconds, events per second, and peak Python memory (tracemalloc, separate run)
   — which stays flat however long the trail, because the walk reads fixed-size batches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import tracemalloc


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from jiandu.audit.chain import audit_chain_verify
        from jiandu.audit.services import audit_record

        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(args.append):
            audit_record(
                actor=None, actor_name="bench", action="bench.append", target_repr=str(i), after={"i": i}
            )
        appended = time.perf_counter() - t0
        print(
            f"audit_record: {args.append} events in {appended:.2f} s wall ({time.process_time() - c0:.2f} s CPU)"
            f" = {args.append / appended:,.0f} events/s"
        )

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
