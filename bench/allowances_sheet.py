"""The month's 履职补助发放表 for a large programme, on PostgreSQL.

    .venv/bin/python -m bench.allowances_sheet [--supervisors 20000] [--duties 60000] \
        [--db postgres://postgres@127.0.0.1:5432/jiandu_bench_allowances] [--keep]

Set-up (not timed): a scratch database (dropped and created), a Weihai people's-supervisor programme with
one dated rate, `--supervisors` supervisors and `--duties` duties in one month, each attended by one
supervisor (so `--duties` is also the number of duty records the sheet has to judge); 95% confirmed by
the supervisor and 95% reported by the agency, so about one in ten is listed as 待核实.

Timed, in a fresh process so its peak RSS is the sheet's alone: `sheet_generate` (read every attended
duty up to the month's end, judge each against the rulebook's evidence rule and the dated rate, write one
line per supervisor and one counted row per duty, one audit event). Prints wall seconds, CPU seconds
(the machine is shared: CPU time is the fairer figure), peak RSS, lines, counted duties and pending.
Target (issue 14): 20,000 supervisors / 60,000 duties in ≤ 10 s and ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jiandu_bench_allowances"
MONTH = (2026, 3)


def _setup_django(db: str) -> None:
    os.environ["DATABASE_URL"] = db
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiandu.settings"
    os.environ.setdefault("JIANDU_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _recreate(db: str) -> None:
    import psycopg

    base, name = db.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def generate(supervisors: int, duties: int) -> int:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.allowances import services as money
    from jiandu.core.demo import DEMO_PASSWORD, World
    from jiandu.duties.models import (
        Assignment,
        AssignmentStatus,
        DrawCommitment,
        DrawRecord,
        Duty,
        DutyStatus,
    )
    from jiandu.orgs import demo as orgs_demo
    from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

    t0 = time.perf_counter()
    world = World()
    orgs_demo.build(world)
    bureau, agency = world.orgs["weihai_justice"], world.orgs["weihai_procuratorate"]
    admin = user_create(actor=None, username="bench_admin", password=DEMO_PASSWORD, role=Role.PROGRAMME_ADMIN,
                        organisation=bureau, full_name="bench admin")  # fmt: skip
    requester = user_create(actor=None, username="bench_agency", password=DEMO_PASSWORD, role=Role.AGENCY_STAFF,
                            organisation=agency, full_name="bench agency")  # fmt: skip
    programme = Programme.objects.create(
        name="威海市人民监督员（基准测试）",
        kind=ProgrammeKind.PEOPLE,
        organisation=bureau,
        rulebook_id="weihai-people-2024",
    )
    money.rate_create(
        actor=admin,
        programme=programme,
        data=money.RateData(
            "duty",
            "per_duty",
            Decimal("200.00"),
            dt.date(2025, 1, 1),
            None,
            "基准测试标准",
            "基准〔2025〕1号",
            dt.date(2025, 1, 1),
        ),
    )
    people = Supervisor.objects.bulk_create(
        [Supervisor(programme=programme, full_name=f"监督员{i:05d}") for i in range(supervisors)],
        batch_size=5000,
    )
    year, month = MONTH
    now = timezone.now()
    rows = Duty.objects.bulk_create(
        [
            Duty(
                programme=programme,
                agency=agency,
                requested_by=requester,
                kind="hearing",
                title=f"听证{i:05d}",
                duty_on=dt.date(year, month, 1 + i % 28),
                place="听证室",
                supervisors_needed=1,
                requested_on=dt.date(year, month, 1),
                status=DutyStatus.HELD,
                reported_on=dt.date(year, month, 28) if i % 20 else None,
            )
            for i in range(duties)
        ],
        batch_size=5000,
    )
    # One draw record to hang the assignments on: the bench measures the sheet, not the draw.
    commitment = DrawCommitment.objects.create(
        duty=rows[0], number=1, commitment="0" * 64, pool={}, requirements={}, pool_hash="0" * 64, seed="00",
        opened_by=admin, opened_at=now,
    )  # fmt: skip
    record = DrawRecord.objects.create(commitment=commitment, duty=rows[0], record={}, record_hash="0" * 64,
                                       drawn_by=admin, drawn_at=now)  # fmt: skip
    Assignment.objects.bulk_create(
        [
            Assignment(
                duty=d,
                supervisor=people[i % supervisors],
                draw=record,
                position=1,
                status=AssignmentStatus.ATTENDED,
                invited_at=now,
                confirmed_at=now if i % 20 != 7 else None,
                confirmed_via="paper",
            )
            for i, d in enumerate(rows)
        ],
        batch_size=5000,
    )
    print(
        f"set-up: {supervisors} supervisors, {duties} attended duties in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    return programme.pk


def run(programme_id: int) -> dict[str, object]:
    from django.db import connection

    from jiandu.accounts.models import User
    from jiandu.allowances import services as money
    from jiandu.allowances.models import SheetDuty
    from jiandu.roster.models import Programme

    programme = Programme.objects.select_related("organisation").get(pk=programme_id)
    admin = User.objects.get(username="bench_admin")
    connection.ensure_connection()
    wall, cpu = time.perf_counter(), time.process_time()
    sheet = money.sheet_generate(actor=admin, programme=programme, year=MONTH[0], month=MONTH[1])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "lines": sheet.lines.count(),
        "counted": SheetDuty.objects.filter(line__sheet=sheet).count(),
        "pending": len(sheet.pending),
        "total": str(sheet.total),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--supervisors", type=int, default=20_000)
    ap.add_argument("--duties", type=int, default=60_000)
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)  # the timed child process
    args = ap.parse_args()
    if args.run:
        _setup_django(args.db)
        print(json.dumps(run(args.run), ensure_ascii=False))
        return
    _recreate(args.db)
    _setup_django(args.db)
    programme_id = generate(args.supervisors, args.duties)
    from django.db import connections

    connections.close_all()
    out = subprocess.run(
        [sys.executable, "-m", "bench.allowances_sheet", "--db", args.db, "--run", str(programme_id)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"sheet_generate: {result}")


if __name__ == "__main__":
    main()
