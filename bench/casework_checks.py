"""The daily casework compliance pass over many prisons, on PostgreSQL.

    .venv/bin/python -m bench.casework_checks [--prisons 100] [--prisoners 5000] \
        [--database-url postgres://postgres@127.0.0.1:5432/jiandu_bench_casework] [--keep]

Builds a scratch database (dropped afterwards unless --keep): the demo organisations plus `--prisons`
prisons under the Ningxia administration and its programme (ningxia-prison-2020), each with
`--prisoners` prisoners (罪犯编号 and an encrypted name), a 分级处遇 assessment for each (5% overdue),
5% trusties (a share overdue for re-approval or evaluation), 0.2% in isolation (some near or past the
limit), and last month's points publication (10% late, 5% missing). Then times:
  1. the first daily pass (every miss of the backlog becomes a problem-list item);
  2. the same day again (idempotent: nothing added);
  3. the next day.
Wall seconds and this process's CPU seconds (the database server's CPU is not in the second figure;
the machine is shared, so wall time includes waiting for other work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from typing import Any

from bench import _db

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jiandu_bench_casework"


def setup_django() -> None:
    """Django on the scratch database that main made (`DATABASE_URL`), with the schema and cheap
    passwords."""
    _db.setup_django(migrate=True)
    _db.fast_passwords()


def generate(prisons: int, prisoners: int, today: dt.date) -> dict[str, int]:
    from django.db import connection, transaction

    from jiandu.casework.models import Grading, Isolation, PointsPublication, Prisoner, Trusty
    from jiandu.core.crypto import encrypt
    from jiandu.core.demo import World
    from jiandu.orgs import demo as orgs_demo
    from jiandu.orgs.models import Level, OrgKind
    from jiandu.orgs.services import organisation_create
    from jiandu.roster.models import Programme, ProgrammeKind
    from jiandu.rules.calendar import add_months

    world = World()
    orgs_demo.build(world)
    admin_org = world.orgs["ningxia_prisons"]
    Programme.objects.create(
        name="bench", kind=ProgrammeKind.PRISON, organisation=admin_org, rulebook_id="ningxia-prison-2020"
    )
    prison_ids = [world.orgs["yinchuan_prison"].pk, world.orgs["shizuishan_prison"].pk]
    for i in range(prisons - len(prison_ids)):
        org = organisation_create(
            actor=None,
            name=f"监狱{i:03d}",
            kind=OrgKind.PRISON,
            level=Level.CITY,
            region_code="640100",
            parent=admin_org,
        )
        prison_ids.append(org.pk)
    rng = random.Random(15)
    name = encrypt("张某某")  # one ciphertext for all: the pass never reads names
    now = dt.datetime.now(dt.UTC)
    counts = {"prisoners": 0, "trusties": 0, "isolations": 0}
    last_month = dt.date(today.year, today.month, 1) - dt.timedelta(days=1)
    for p_i, pid in enumerate(prison_ids):
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {Prisoner._meta.db_table} (prison_id, number, name, created_at) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [(pid, f"{p_i:03d}{n:06d}", name, now - dt.timedelta(days=400)) for n in range(prisoners)],
            )
            cur.execute(f"SELECT id FROM {Prisoner._meta.db_table} WHERE prison_id = %s", [pid])  # noqa: S608
            ids = [r[0] for r in cur.fetchall()]
            cur.executemany(
                f"INSERT INTO {Grading._meta.db_table} (prison_id, prisoner_id, level, assessed_on) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [
                    (
                        pid,
                        x,
                        "普管",
                        today
                        - dt.timedelta(
                            days=rng.randint(100, 130) if rng.random() < 0.05 else rng.randint(1, 85)
                        ),
                    )
                    for x in ids
                ],
            )
            trusties = [x for x in ids if rng.random() < 0.05]
            cur.executemany(
                f"INSERT INTO {Trusty._meta.db_table} (prison_id, prisoner_id, post, approved_on, evaluated_on) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [
                    (
                        pid,
                        x,
                        "岗位",
                        today - dt.timedelta(days=rng.randint(30, 400)),
                        today - dt.timedelta(days=rng.randint(1, 200)),
                    )
                    for x in trusties
                ],
            )
            isolated = [x for x in ids if rng.random() < 0.002]
            rows = []
            for x in isolated:
                start = today - dt.timedelta(days=rng.randint(1, 70))
                rows.append((pid, x, start, add_months(start, 2), False))
            cur.executemany(
                f"INSERT INTO {Isolation._meta.db_table} (prison_id, prisoner_id, starts_on, limit_on, extended) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                rows,
            )
            r = rng.random()
            if r > 0.05:
                due = dt.date(last_month.year, last_month.month, 20)
                published = due + dt.timedelta(days=3) if r < 0.15 else due - dt.timedelta(days=2)
                PointsPublication.objects.create(
                    prison_id=pid,
                    year=last_month.year,
                    month=last_month.month,
                    due_on=due,
                    published_on=published,
                )
        counts["prisoners"] += len(ids)
        counts["trusties"] += len(trusties)
        counts["isolations"] += len(isolated)
        if p_i % 20 == 19:
            print(f"  {p_i + 1} prisons generated")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return counts


def timed(today: dt.date) -> dict[str, Any]:
    from jiandu.casework.checks import casework_checks_run

    w0, c0 = time.perf_counter(), time.process_time()
    result = casework_checks_run(today)
    return {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0, **result}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prisons", type=int, default=100)
    parser.add_argument("--prisoners", type=int, default=5000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with _db.scratch_database(args.database_url, keep=args.keep):
        setup_django()
        _run(args)


def _run(args: argparse.Namespace) -> None:
    today = dt.date(2026, 11, 16)
    t0 = time.perf_counter()
    counts = generate(args.prisons, args.prisoners, today)
    print(f"generated {args.prisons} prisons, {counts} in {time.perf_counter() - t0:.1f} s")
    for label, day in (
        ("first pass (whole backlog)", today),
        ("same day again", today),
        ("next day", today + dt.timedelta(days=1)),
    ):
        r = timed(day)
        print(
            f"{label:28s} wall {r['wall']:6.2f} s  cpu {r['cpu']:6.2f} s  "
            f"items added {r['problems_added']}  isolation alerts {r['isolation_alerts']}"
        )


if __name__ == "__main__":
    main()
