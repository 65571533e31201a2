"""What every benchmark shares: which database it runs on, and wall time beside CPU time.

A benchmark runs on the database in `DATABASE_URL` (PostgreSQL or SQLite) when one is given, and on a
scratch SQLite database in a temporary folder only when none is.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def setup_django(data_dir: str | None = None, *, migrate: bool = True) -> str:
    """Set Django up on `DATABASE_URL`, or on a scratch SQLite database in `data_dir` (a new temporary
    folder when None) if no URL is given. Returns a one-line description of the database."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["JIANDU_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="jiandu-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiandu.settings")
    os.environ.setdefault("JIANDU_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    label = database_label()
    print(f"database: {label}", flush=True)
    return label


def database_label() -> str:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        host = connection.settings_dict.get("HOST") or "local socket"
        return f"PostgreSQL {connection.pg_version // 10000} · {name} on {host}"  # type: ignore[attr-defined]
    scratch = "" if os.environ.get("DATABASE_URL") else " (scratch: no DATABASE_URL given)"
    return f"{connection.vendor} · {name}{scratch}"


def is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


@contextmanager
def timed() -> Iterator[Timing]:
    """Wall and CPU seconds of the block. CPU is this process only: on PostgreSQL the server's own work
    shows in the wall time, not here; on a shared machine, compare CPU."""
    t = Timing()
    w, c = time.perf_counter(), time.process_time()
    try:
        yield t
    finally:
        t.wall = time.perf_counter() - w
        t.cpu = time.process_time() - c


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
