"""The findings deadline scan over 1,000,000 open findings, on the database in DATABASE_URL (a scratch
SQLite database when none is given).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu_scan \
        .venv/bin/python -m bench.findings_scan [--findings 1000000] [--agencies 40] [--no-analyze] [--keep]

Generates open findings (executemany in batches) across agencies: 70% waiting for a reply and 20% in
rectification, with due dates spread evenly from 60 days ago to 60 days ahead, and 10% with no clock
(submitted, investigating, replied). Then VACUUM ANALYZE (ANALYZE on SQLite) — what autovacuum does after
a bulk load in production; it is off on the development server, and a plan on un-analysed tables is not
the production plan (--no-analyze to see that one). Then times, each in a fresh process (so its peak RSS
is the scan's own):
  1. the first scan — every reminder and escalation of the backlog at once (the worst case);
  2. the same scan again — idempotent, nothing to send;
  3. the next day's scan — only the rows entering a stage that day.
For each: wall seconds, this process's CPU seconds, the PostgreSQL backend's CPU seconds (when the server
is on this machine), peak RSS, rows stamped, inbox rows written, audit events. On a shared machine the
two CPU figures are the work done; wall time includes waiting for the neighbours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench._db import max_rss_mib, server_cpu_seconds, timed


def setup_django(data_dir: str | None, *, migrate: bool = True) -> None:
    # The database in DATABASE_URL when one is given (PostgreSQL or SQLite); a scratch SQLite in data_dir
    # otherwise. Prints which one.
    from bench._db import setup_django as _setup

    _setup(data_dir, migrate=False)
    from django.conf import settings
    from django.core.management import call_command

    # Scratch accounts only: Argon2 would spend most of the set-up hashing 40 throwaway passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if migrate:
        call_command("migrate", verbosity=0)


def generate(n: int, agencies: int, today: dt.date, batch: int = 50_000) -> dict[str, int]:
    from django.db import connection, transaction

    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.core.demo import DEMO_PASSWORD, World
    from jiandu.findings.deadlines import remind_on
    from jiandu.findings.models import Finding, Source, Status
    from jiandu.orgs import demo as orgs_demo
    from jiandu.orgs.models import Level, OrgKind
    from jiandu.orgs.services import organisation_create
    from jiandu.roster.models import Programme, ProgrammeKind

    t0 = time.perf_counter()
    world = World()
    orgs_demo.build(world)
    bureau = world.orgs["weihai_justice"]
    user_create(actor=None, username="bench_admin", password=DEMO_PASSWORD, role=Role.PROGRAMME_ADMIN,
                organisation=bureau, full_name="bench")  # fmt: skip
    programme = Programme.objects.create(
        name="bench", kind=ProgrammeKind.ADMINISTRATIVE, organisation=bureau, rulebook_id="weihai-admin-2022"
    )
    orgs = []
    for i in range(agencies):
        org = organisation_create(actor=None, name=f"执法机关{i:03d}", kind=OrgKind.ENFORCEMENT_AGENCY,
                                  level=Level.DISTRICT, region_code="371002", parent=bureau)  # fmt: skip
        user_create(actor=None, username=f"bench_agency_{i}", password=DEMO_PASSWORD, role=Role.AGENCY_STAFF,
                    organisation=org, full_name=f"agency {i}")  # fmt: skip
        orgs.append(org)
    print(f"organisations and accounts ready in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(7)
    counts = {"forwarded": 0, "rectifying": 0, "no_clock": 0}
    # executemany in batches rather than bulk_create: SQLite's 999-parameter limit cuts bulk_create to
    # ~20 rows a statement, which would make generating a million rows take a quarter of an hour.
    columns = (
        "programme_id", "agency_id", "source", "confidential", "source_ref", "title", "text", "status",
        "submitted_on", "decline_reason", "forward_note", "reply_text", "correction", "rectification_plan",
        "rectification_report", "result_text", "rating_comment", "created_at", "updated_at", "forwarded_on",
        "reply_days", "reply_due", "reply_remind_on", "rectify_due", "rectify_remind_on",
    )  # fmt: skip
    # Columns added since (e.g. the provisional-date flags) take their model default, so the bench keeps
    # up with the model instead of failing on a NOT NULL column it does not know.
    extra = [
        f
        for f in Finding._meta.concrete_fields
        if f.column not in columns and not f.primary_key and not f.null and f.has_default()
    ]
    columns = (*columns, *(f.column for f in extra))
    defaults = tuple(f.get_default() for f in extra)
    # Table and column names are ours; the values go in as parameters.
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {Finding._meta.db_table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    now = dt.datetime.now(dt.UTC)
    made = 0
    while made < n:
        rows = []
        for _ in range(min(batch, n - made)):
            due = today + dt.timedelta(days=rng.randint(-60, 60))
            kind = rng.random()
            forwarded_on = reply_days = reply_due = reply_remind = rectify_due = rectify_remind = None
            if kind < 0.7:
                status, forwarded_on, reply_days = Status.FORWARDED, due - dt.timedelta(days=30), 30
                reply_due, reply_remind = due, remind_on(due)
                counts["forwarded"] += 1
            elif kind < 0.9:
                status, forwarded_on = Status.RECTIFYING, due - dt.timedelta(days=90)
                reply_due = due - dt.timedelta(days=60)
                rectify_due, rectify_remind = due, remind_on(due)
                counts["rectifying"] += 1
            else:
                status = rng.choice([Status.SUBMITTED, Status.INVESTIGATING, Status.REPLIED])
                counts["no_clock"] += 1
            rows.append(
                (
                    programme.pk, orgs[made % agencies].pk, Source.OPINION, False, "", "bench", "bench",
                    str(status), due - dt.timedelta(days=35), "", "", "", "", "", "", "", "", now, now,
                    forwarded_on, reply_days, reply_due, reply_remind, rectify_due, rectify_remind,
                    *defaults,
                )
            )  # fmt: skip
            made += 1
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return counts


def counts_now() -> tuple[int, int]:
    from jiandu.audit.models import AuditEvent
    from jiandu.notifications.models import Notification

    return Notification.objects.count(), AuditEvent.objects.count()


def run(today: dt.date) -> dict[str, Any]:
    """One timed scan (in the child process)."""
    from django.db import connection
    from django.urls import reverse

    from jiandu.findings.scan import findings_deadline_scan

    reverse("findings:list")  # load the URLconf now: a one-off import cost the worker pays at start
    n0, a0 = counts_now()
    connection.ensure_connection()
    server = server_cpu_seconds()
    with timed() as t:
        result = findings_deadline_scan(today=today)
    server_after = server_cpu_seconds()
    n1, a1 = counts_now()
    return {
        "wall_s": round(t.wall, 2),
        "cpu_s": round(t.cpu, 2),
        "db_cpu_s": None if server is None or server_after is None else round(server_after - server, 2),
        "peak_rss_mib": round(max_rss_mib(), 1),
        "stamped": sum(v for k, v in result.items() if k.endswith("_findings")),
        "inbox": n1 - n0,
        "audit": a1 - a0,
    }


def _child(today: dt.date) -> dict[str, Any]:
    """One timed scan in a fresh interpreter (same DATABASE_URL / JIANDU_DATA_DIR as this one)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.findings_scan", "--run", today.isoformat()],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def analyze() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            return "VACUUM ANALYZE"
        cursor.execute("ANALYZE")
        return "ANALYZE"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--no-analyze", action="store_true", help="leave the tables un-analysed")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument(
        "--generate-only", action="store_true", help="generate (and analyse) the findings, time no scan"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the scans on the findings already in the database (made by --generate-only; copy that "
        "database first with `createdb -T`, since the scans write their stamps)",
    )
    parser.add_argument("--run", default="", help=argparse.SUPPRESS)  # the timed child process
    args = parser.parse_args()
    # As in production: with DEBUG on, Django keeps the text of every query (a stamp batch's holds its
    # 10,000 ids).
    os.environ.setdefault("JIANDU_DEBUG", "0")
    if args.run:
        setup_django(os.environ.get("JIANDU_DATA_DIR"), migrate=False)
        print(json.dumps(run(dt.date.fromisoformat(args.run))))
        return
    data_dir = tempfile.mkdtemp(prefix="jiandu-bench-findings-")
    setup_django(data_dir)  # on a reused copy: its schema brought up to this checkout's
    from django.db import connections

    today = dt.date(2025, 6, 16)
    if args.reuse:
        # Generating a million findings takes 7–15 minutes; a copy of a generated database is seconds.
        from jiandu.findings.models import Finding

        print(f"reusing the {Finding.objects.count():,} findings in the database")
    else:
        start = time.perf_counter()
        counts = generate(args.findings, args.agencies, today)
        print(f"generated {args.findings:,} open findings in {time.perf_counter() - start:.1f} s  {counts}")
        if not args.no_analyze:
            start = time.perf_counter()
            done = analyze()
            print(f"{done} in {time.perf_counter() - start:.1f} s")
        else:
            print("tables not analysed (--no-analyze)")
    connections.close_all()
    if args.generate_only:
        return
    try:
        for label, day in (
            ("first scan (whole backlog)", today),
            ("same day again (idempotent)", today),
            ("next day", today + dt.timedelta(days=1)),
        ):
            r = _child(day)
            db = f" + {r['db_cpu_s']:.2f} s DB CPU" if r["db_cpu_s"] is not None else ""
            print(
                f"{label:<28} {r['wall_s']:7.2f} s wall, {r['cpu_s']:5.2f} s CPU{db}  "
                f"{r['stamped']:>9,} stamps  {r['inbox']:>6,} inbox rows  {r['audit']:>4,} audit events  "
                f"peak RSS {r['peak_rss_mib']:.0f} MiB",
                flush=True,
            )
    finally:
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
