"""The findings deadline scan over 1,000,000 open findings, on the database in DATABASE_URL (a scratch
SQLite database when none is given).

    .venv/bin/python -m bench.findings_scan [--findings 1000000] [--agencies 40] [--keep]

Generates open findings (bulk_create in batches) across agencies: 70% waiting for a reply and 20% in
rectification, with due dates spread evenly from 60 days ago to 60 days ahead, and 10% with no clock
(submitted, investigating, replied). Then times:
  1. the first scan — every reminder and escalation of the backlog at once (the worst case);
  2. the same scan again — idempotent, nothing to send;
  3. the next day's scan — only the rows entering a stage that day.
For each: seconds, rows stamped, inbox rows written, audit events, and peak Python memory
(tracemalloc, in a separate traced run on a copy of the database, so the timed run is untraced).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import tempfile
import time
import tracemalloc
from typing import Any


def setup_django(data_dir: str) -> None:
    # The database in DATABASE_URL when one is given (PostgreSQL or SQLite); a scratch SQLite in data_dir
    # otherwise.
    from bench._db import setup_django as _setup

    _setup(data_dir, migrate=False)
    from django.conf import settings
    from django.core.management import call_command

    # Scratch accounts only: Argon2 would spend most of the set-up hashing 40 throwaway passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

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


def timed_scan(today: dt.date) -> dict[str, Any]:
    from jiandu.findings.scan import findings_deadline_scan

    n0, a0 = counts_now()
    start = time.perf_counter()
    result = findings_deadline_scan(today=today)
    seconds = time.perf_counter() - start
    n1, a1 = counts_now()
    stamped = sum(v for k, v in result.items() if k.endswith("_findings"))
    return {"seconds": seconds, "stamped": stamped, "inbox": n1 - n0, "audit": a1 - a0}


def traced_scan(db_copy: str, today: dt.date) -> float:
    """Peak traced memory (MiB) of the same scan on a copy of the database."""
    from django.conf import settings
    from django.db import connections

    from jiandu.findings.scan import findings_deadline_scan

    connections["default"].close()
    original = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"]["NAME"] = db_copy
    connections["default"].settings_dict["NAME"] = db_copy
    try:
        tracemalloc.start()
        findings_deadline_scan(today=today)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        connections["default"].close()
        settings.DATABASES["default"]["NAME"] = original
        connections["default"].settings_dict["NAME"] = original
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="jiandu-bench-findings-")
    setup_django(data_dir)
    from django.conf import settings
    from django.db import connections

    today = dt.date(2025, 6, 16)
    from django.urls import reverse

    reverse("findings:list")  # load the URLconf now: a one-off import cost the worker pays at start
    start = time.perf_counter()
    counts = generate(args.findings, args.agencies, today)
    print(f"generated {args.findings:,} open findings in {time.perf_counter() - start:.1f} s  {counts}")

    db = str(settings.DATABASES["default"]["NAME"])
    # The traced runs work on a file copy of the database: SQLite only.
    sqlite = connections["default"].vendor == "sqlite"
    connections["default"].close()
    copy = os.path.join(data_dir, "copy.sqlite3")
    if sqlite:
        shutil.copy(db, copy)
    try:
        cpu = time.process_time()
        first = timed_scan(today)
        print(f"first scan CPU of this process: {time.process_time() - cpu:.2f} s")
        peak_first = traced_scan(copy, today) if sqlite else None
        again = timed_scan(today)
        if sqlite:
            shutil.copy(db, copy)
        nxt = timed_scan(today + dt.timedelta(days=1))
        peak_next = traced_scan(copy, today + dt.timedelta(days=1)) if sqlite else None
        for label, r, peak in (
            ("first scan (whole backlog)", first, peak_first),
            ("same day again (idempotent)", again, None),
            ("next day", nxt, peak_next),
        ):
            mem = f"  peak {peak:.1f} MiB traced" if peak is not None else ""
            print(
                f"{label:<30} {r['seconds']:8.2f} s  {r['stamped']:>9,} stage stamps  "
                f"{r['inbox']:>7,} inbox rows  {r['audit']:>5,} audit events{mem}"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"process max RSS {rss:.0f} MiB (includes generation)")
    finally:
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
