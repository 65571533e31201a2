"""Every figure of issue 18 beside its target, measured on the database in `DATABASE_URL`.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.seed --scale city   # once
    DATABASE_URL=postgres://… .venv/bin/python -m bench [--roster-rows 10000] [--audit-appends 1000]

Runs on the seeded data where a figure depends on it (the deadline scan and the roster import run
inside a transaction that is rolled back, so the dataset stays as seeded; the audit appends are real,
committed one by one as every service write is). A figure whose benchmark does not exist yet prints
"not measured" rather than a number. Each row gives wall and CPU seconds: on a shared machine, CPU is
the figure to compare; on PostgreSQL the server's work shows in the wall time only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench._db import Timing, max_rss_mib, setup_django, timed


@dataclass
class Figure:
    name: str
    target: str
    measured: str
    timing: Timing | None = None


NOT_MEASURED = "not measured"


class _Rollback(Exception):
    pass


def _rolled_back(fn: Callable[[], object]) -> tuple[object, Timing]:
    """Run fn in a transaction that is then rolled back, timing fn only."""
    from django.db import transaction

    out: list[object] = []
    t = Timing()
    try:
        with transaction.atomic():
            with timed() as t:
                out.append(fn())
            raise _Rollback
    except _Rollback:
        pass
    return out[0], t


def dataset() -> Figure:
    from jiandu.duties.models import Duty
    from jiandu.findings.models import OPEN_STATUSES, Finding
    from jiandu.orgs.models import Level, Organisation, OrgKind
    from jiandu.roster.models import Supervisor

    # A district is its justice bureau (the seed gives each one supervised agency beside it).
    districts = Organisation.objects.filter(level=Level.DISTRICT, kind=OrgKind.JUSTICE_BUREAU)
    n_sup, n_dist = Supervisor.objects.count(), districts.count()
    n_duty, n_open = Duty.objects.count(), Finding.objects.filter(status__in=OPEN_STATUSES).count()
    return Figure(
        "dataset on this database",
        "100,000 supervisors / 3,000 districts / 2.5M duties / 1M findings",
        f"{n_sup:,} / {n_dist:,} / {n_duty:,} / {Finding.objects.count():,} ({n_open:,} open)",
    )


def seed_run(scale: str = "national") -> Figure:
    """The last `bench.seed --scale national` on this database, as the seed recorded it."""
    from bench.seed import run_latest

    run = run_latest(scale)
    name, target = f"{scale} seed (bench.seed --scale {scale})", "≤ 20 min on this 2-core box"
    if run is None:
        return Figure(name, target, f"{NOT_MEASURED} (no recorded {scale} run on this database)")
    t = Timing(run["wall_s"], run["cpu_s"])
    load = ", ".join(f"{x:.1f}" for x in run.get("load_average", []))
    return Figure(
        f"{name}, {run['finished_at'][:16]}",
        target,
        f"{scale} seed: {t.wall / 60:.1f} min wall / {t.cpu / 60:.1f} min CPU "
        f"(+ {run['server_cpu_s'] / 60:.1f} min PostgreSQL CPU), {run['workers']} workers, "
        f"peak RSS {run['peak_rss_mib']} MiB; load average at the end {load}",
        t,
    )


def draw_p50(repeat: int) -> Figure:
    """Draw v2 from a 100,000 pool (bench/duties_draw.py): index the pool file + select, per draw."""
    from bench.duties_draw import measure_v2
    from jiandu.rules import draw_v2

    r = measure_v2(100_000, max(repeat, 5), random.Random(20250312))
    p50 = Timing(r["wall_p50"], r["cpu_p50"])
    return Figure(
        f"draw p50, 100,000 pool ({draw_v2.ALGORITHM}, 6 quotas, {r['repeat']} draws; record {r['record_bytes']:,} B)",
        "≤ 20 ms (draw v2)",
        f"{p50.cpu * 1000:.1f} ms CPU ({p50.wall * 1000:.1f} ms wall)",
        p50,
    )


def eligibility(seconds: float) -> Figure:
    from jiandu.rules.catalogue import EDUCATION_LEVELS, POSTS, RECORDS
    from jiandu.rules.eligibility import Person, eligibility_decide
    from jiandu.rules.rulebook import load_rulebook

    rng = random.Random(20261122)
    people = [
        Person(
            birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 70 * 365)),
            education=rng.choice(EDUCATION_LEVELS),
            nationality=rng.choice(["CN", "CN", "CN", "US"]),
            records=frozenset(rng.sample(sorted(RECORDS), k=rng.choice([0, 0, 0, 1]))),
            posts=frozenset(rng.sample(sorted(POSTS), k=rng.choice([0, 0, 0, 1]))),
        )
        for _ in range(5000)
    ]
    book, on = load_rulebook("weihai-people-2024"), dt.date(2026, 11, 22)
    eligibility_decide(book, people[0], on)  # warm the rulebook's caches
    n, start = 0, time.perf_counter()
    with timed() as t:
        while time.perf_counter() - start < seconds:
            for p in people:
                eligibility_decide(book, p, on)
            n += len(people)
    return Figure(
        "eligibility decisions/s [weihai-people-2024]",
        "≥ 100,000 /s",
        f"{n / t.cpu:,.0f} /s CPU ({n / t.wall:,.0f} /s wall)",
        t,
    )


def deadline_scan() -> Figure:
    from jiandu.findings.models import OPEN_STATUSES, Finding
    from jiandu.findings.scan import findings_deadline_scan

    n_open = Finding.objects.filter(status__in=OPEN_STATUSES).count()
    today = dt.date(2026, 11, 16)
    result, t = _rolled_back(lambda: findings_deadline_scan(today=today))
    stamped = sum(v for k, v in result.items() if k.endswith("_findings"))  # type: ignore[attr-defined]
    per_million = f"; ≈ {t.wall / n_open * 1_000_000:.0f} s per 1M if linear" if n_open else ""
    return Figure(
        f"deadline scan, first pass over {n_open:,} open findings ({stamped:,} stamped)",
        "1,000,000 open ≤ 10 s",
        f"{t.wall:.2f} s wall{per_million}",
        t,
    )


def audit_append(n: int, writers: int) -> Figure:
    """n events from `writers` concurrent processes, each event its own transaction, until every one is
    committed AND sealed into the chain (bench/audit_chain.py); the appended range is then checked link
    by link (the chain's order holds under concurrency)."""
    from bench.audit_chain import append_concurrent

    run = append_concurrent(n, writers)
    return Figure(
        f"audit append, {run.events:,} events, {writers} concurrent writer(s), one transaction each ({run.mode} sealing)",
        "≥ 1,000 /s on PostgreSQL",
        f"{run.sealed_per_s:,.0f} /s committed and sealed ({run.committed_per_s:,.0f} /s committed; "
        f"{run.left_after_writers:,} left to seal, {run.seal_wall:.2f} s; {run.cpu_ms_per_event}); {run.chain}",
        Timing(run.write_wall + run.seal_wall, run.cpu),
    )


def roster_import(rows: int) -> Figure:
    from bench.roster_import import make_file
    from jiandu.orgs.models import Level, Organisation
    from jiandu.roster.excel import roster_import as do_import
    from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

    bureau = Organisation.objects.filter(level=Level.DISTRICT, kind="justice_bureau").order_by("pk").first()
    province = bureau.parent if bureau else None
    if bureau is None or province is None:
        return Figure(
            f"roster import, {rows:,} rows", "10,000 rows ≤ 20 s", "no seeded districts: run bench.seed"
        )
    districts = list(
        Organisation.objects.filter(parent=province, level=Level.DISTRICT).values_list("name", flat=True)[:3]
    )
    data = make_file(rows, districts)

    def run() -> int:
        programme = Programme.objects.create(
            name="基准导入",
            kind=ProgrammeKind.PEOPLE,
            organisation=province,
            rulebook_id="weihai-people-2024",
        )
        result = do_import(actor=None, programme=programme, file=io.BytesIO(data), on=dt.date(2026, 1, 5))
        assert result.written, result.errors[:3]
        return Supervisor.objects.filter(programme=programme).count()

    written, t = _rolled_back(run)
    return Figure(
        f"roster import, {rows:,} rows (written {written:,}, rolled back)",
        "10,000 rows ≤ 20 s",
        f"{t.wall:.1f} s wall"
        + (f"; ≈ {t.wall * 10_000 / rows:.0f} s per 10,000 if linear" if rows != 10_000 else ""),
        t,
    )


def optional(module: str, names: list[tuple[str, str]]) -> list[Figure]:
    """Figures from a benchmark module another change adds (it exposes `figures() -> list[Figure]`);
    until it exists, rows saying so."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError:
        mod = None
    if mod is not None and hasattr(mod, "figures"):
        return list(mod.figures())
    return [Figure(name, target, f"{NOT_MEASURED} ({module} not written yet)") for name, target in names]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--roster-rows", type=int, default=2_000)
    parser.add_argument("--audit-appends", type=int, default=2_000)
    parser.add_argument("--audit-writers", type=int, default=4)
    parser.add_argument("--draws", type=int, default=11)
    parser.add_argument("--seconds", type=float, default=2.0, help="for the pure-Python throughput figures")
    args = parser.parse_args()
    label = setup_django()

    figures: list[Figure] = [dataset(), seed_run()]
    figures += optional(
        "bench.pages",
        [
            ("six staff pages + phone pages, p95", "≤ 100 ms at national scale"),
            ("duty list throughput ÷ trivial view", "≥ 25%"),
        ],
    )
    steps: list[Callable[[], Figure]] = [
        lambda: draw_p50(args.draws),
        lambda: eligibility(args.seconds),
        deadline_scan,
        lambda: audit_append(args.audit_appends, 1),
        lambda: audit_append(args.audit_appends, args.audit_writers),
        lambda: roster_import(args.roster_rows),
    ]
    for step in steps:
        fig = step()
        print(f"  measured: {fig.name}: {fig.measured}", flush=True)
        figures.append(fig)
    figures += optional(
        "bench.draw_v2",
        [
            ("draw v2: share of draws meeting every quota (min and max)", "100% where the pool allows"),
            ("draw v2 vs sortition-algorithms legacy, 2,000 pool k=7", "time per panel, min P ÷ (k/n)"),
            ("year simulation with quotas: duty-count spread per cell", "≤ 1"),
        ],
    )
    figures.append(
        Figure(
            "peak RSS of this process (all of the above)", "≤ 500 MB per batch", f"{max_rss_mib():.0f} MiB"
        )
    )

    print(f"\nIssue 18 figures · {label}\n")
    w_name = max(len(f.name) for f in figures)
    w_target = max(len(f.target) for f in figures)
    print(f"{'figure':<{w_name}}  {'target':<{w_target}}  measured  [wall / CPU s]")
    print("-" * (w_name + w_target + 40))
    for f in figures:
        times = f"  [{f.timing.wall:.2f} / {f.timing.cpu:.2f}]" if f.timing else ""
        print(f"{f.name:<{w_name}}  {f.target:<{w_target}}  {f.measured}{times}")


if __name__ == "__main__":
    main()
