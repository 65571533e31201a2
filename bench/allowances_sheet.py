"""The month's 履职补助发放表 for a large programme.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu .venv/bin/python -m bench.allowances_sheet \
        [--supervisors 20000] [--duties 60000] [--analyze] [--keep]

Set-up (not timed), in a scratch database of its own: on the PostgreSQL server of `DATABASE_URL`, the
database `<its name>_bench_allowances` (dropped and created, dropped afterwards unless --keep); with no
`DATABASE_URL`, a scratch SQLite database. A Weihai people's-supervisor programme with one dated rate,
`--supervisors` supervisors and `--duties` duties in one month, each attended by one supervisor (so
`--duties` is also the number of duty records the sheet has to judge); 95% confirmed by the supervisor
and 95% reported by the agency, so about one in ten is listed as 待核实. The tables are not ANALYZEd
(as after a month's bulk load on a server without autovacuum: the planner's worst case) unless
--analyze.

Timed, each in a fresh process so its peak RSS is the sheet's alone:
  1. `sheet_generate` (read every attended duty up to the month's end, judge each against the
     rulebook's evidence rule and the dated rate, write one line per supervisor and one counted row
     per duty, one audit event);
  2. the same again: regenerating the draft (its lines and counted rows replaced).
Prints wall seconds, this process's CPU seconds, the PostgreSQL backend's CPU seconds when the server
is on this machine (the machine is shared: the two CPU figures are the work done, wall time includes
waiting for others), peak RSS of the timed process, lines, counted duties and pending. Target (issue 14): 20,000 supervisors /
60,000 duties in ≤ 10 s and ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from bench._db import (
    database_name,
    fast_passwords,
    max_rss_mib,
    scratch_database,
    server_cpu_seconds,
    setup_django,
    timed,
)

MONTH = (2026, 3)


def generate(supervisors: int, duties: int, *, analyze: bool) -> int:
    from django.db import connection
    from django.utils import timezone

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
    if analyze and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(
        f"set-up: {supervisors} supervisors, {duties} attended duties in {time.perf_counter() - t0:.1f} s"
        + (" (ANALYZEd)" if analyze else " (not ANALYZEd)"),
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
    server = server_cpu_seconds()
    with timed() as t:
        sheet = money.sheet_generate(actor=admin, programme=programme, year=MONTH[0], month=MONTH[1])
    server_after = server_cpu_seconds()
    return {
        "wall_s": round(t.wall, 2),
        "cpu_s": round(t.cpu, 2),
        "db_cpu_s": None if server is None or server_after is None else round(server_after - server, 2),
        "peak_rss_mb": round(max_rss_mib(), 1),
        "lines": sheet.lines.count(),
        "counted": SheetDuty.objects.filter(line__sheet=sheet).count(),
        "pending": len(sheet.pending),
        "total": str(sheet.total),
    }


def _child(programme_id: int) -> dict[str, object]:
    """One timed run in a fresh interpreter (same DATABASE_URL / JIANDU_DATA_DIR as this one)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.allowances_sheet", "--run", str(programme_id)],
        check=True, capture_output=True, text=True, env=os.environ.copy(),
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--supervisors", type=int, default=20_000)
    ap.add_argument("--duties", type=int, default=60_000)
    ap.add_argument("--analyze", action="store_true", help="ANALYZE after the set-up")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)  # the timed child process
    args = ap.parse_args()
    # As in production: with DEBUG on, Django keeps the text of every query, and a bulk insert's text
    # holds all its rows (that alone was 150 MB of the first measurement's RSS).
    os.environ.setdefault("JIANDU_DEBUG", "0")
    if args.run:
        setup_django(os.environ.get("JIANDU_DATA_DIR"), migrate=False)
        print(json.dumps(run(args.run), ensure_ascii=False))
        return
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        scratch = url.rsplit("/", 1)[0] + f"/{database_name(url)}_bench_allowances"
        with scratch_database(scratch, keep=args.keep):
            _bench(args)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["JIANDU_DATA_DIR"] = tempfile.mkdtemp(prefix="jiandu-bench-allowances-")
        _bench(args)
        if not args.keep:
            import shutil

            shutil.rmtree(os.environ["JIANDU_DATA_DIR"], ignore_errors=True)


def _bench(args: argparse.Namespace) -> None:
    setup_django(os.environ.get("JIANDU_DATA_DIR"))
    fast_passwords()
    programme_id = generate(args.supervisors, args.duties, analyze=args.analyze)
    from django.db import connections

    connections.close_all()
    print(f"sheet_generate: {_child(programme_id)}", flush=True)
    print(f"sheet_generate again (regenerate the draft): {_child(programme_id)}", flush=True)


if __name__ == "__main__":
    main()
