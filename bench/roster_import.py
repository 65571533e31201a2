"""Roster import at scale: generate a 10,000-row spreadsheet, import it (dry run, then for real) into a
database in DATABASE_URL (scratch SQLite when none is given), re-import the export (all unchanged), and print seconds and peak memory.

    .venv/bin/python -m bench.roster_import [--rows 10000] [--keep]

Times are wall and CPU seconds of this process (the CPU figure is what to compare on a busy
machine). Peak memory is Python allocations traced by tracemalloc during each step (tracing slows the step, so
times are measured in a separate untraced run of the same step), plus the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def setup_django(data_dir: str) -> None:
    # The database in DATABASE_URL when one is given (PostgreSQL or SQLite); a scratch SQLite in data_dir
    # otherwise.
    from bench._db import setup_django as _setup

    _setup(data_dir, migrate=False)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_file(rows: int, districts: list[str]) -> bytes:
    from openpyxl import Workbook

    from jiandu.roster.excel import HEADERS
    from jiandu.rules.identifiers import id_number_check_char

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("监督员名册")
    ws.append(list(HEADERS))
    specialties = ("法律", "金融、财会", "医学", "信息技术", "法律、生态环境")
    for i in range(rows):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=i % 12000)
        first17 = f"371002{born:%Y%m%d}{i % 1000:03d}"
        ws.append(
            [
                None,
                f"监督员{i:05d}",
                "",
                first17 + id_number_check_char(first17),
                f"139{i:08d}",
                "",
                "本科",
                "群众",
                f"单位{i % 300}",
                "职员",
                specialties[i % len(specialties)],
                districts[i % len(districts)],
                "",
                "2025-02-01",
                "",
                "2025-01-01",
                "",
                1,
                "在任",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def step(label: str, fn: Callable[[], Any], *, traced: bool) -> Any:
    if traced:
        tracemalloc.start()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  {label:<28} peak traced {peak / 2**20:8.1f} MiB")
        return result
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    # CPU seconds too: on a shared 2-core machine the wall time mostly measures the neighbours.
    print(f"  {label:<28} {time.perf_counter() - start:8.2f} s wall {time.process_time() - cpu:8.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="jiandu-bench-")
    try:
        setup_django(scratch)
        from jiandu.core.demo import World
        from jiandu.orgs import demo as orgs_demo
        from jiandu.roster.excel import roster_export, roster_import
        from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

        world = World()
        orgs_demo.build(world)
        districts = [world.orgs[k].name for k in ("huancui_justice", "wendeng_justice", "rongcheng_justice")]
        on = dt.date(2026, 1, 5)

        def fresh_programme() -> Programme:
            return Programme.objects.create(
                name="基准测试",
                kind=ProgrammeKind.PEOPLE,
                organisation=world.orgs["weihai_justice"],
                rulebook_id="weihai-people-2024",
            )

        t0 = time.perf_counter()
        data = make_file(args.rows, districts)
        print(
            f"{args.rows} rows, {len(data) / 2**20:.1f} MiB xlsx, generated in {time.perf_counter() - t0:.1f} s"
        )

        for traced in (False, True):
            print("traced run (memory):" if traced else "timed run:")
            programme = fresh_programme()
            dry = step(
                "import --dry-run",
                lambda p=programme: roster_import(
                    actor=None, programme=p, file=io.BytesIO(data), dry_run=True, on=on
                ),
                traced=traced,
            )
            assert dry.ok and dry.created == args.rows, dry.errors[:3]
            real = step(
                "import (write)",
                lambda p=programme: roster_import(actor=None, programme=p, file=io.BytesIO(data), on=on),
                traced=traced,
            )
            assert real.written and Supervisor.objects.filter(programme=programme).count() == args.rows
            out = io.BytesIO()
            step(
                "export (masked)",
                lambda p=programme, o=out: roster_export(actor=None, actor_name="bench", programme=p, out=o),
                traced=traced,
            )
            again = step(
                "re-import export --dry-run",
                lambda p=programme, o=out: roster_import(
                    actor=None, programme=p, file=io.BytesIO(o.getvalue()), dry_run=True, on=on
                ),
                traced=traced,
            )
            assert again.ok and again.unchanged == args.rows, again.errors[:3]
            Supervisor.objects.filter(programme=programme).delete()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"max RSS of the process: {rss / 1024:.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
