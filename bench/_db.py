"""What every benchmark shares: which database it runs on, and wall time beside CPU time.

A benchmark runs on the database in `DATABASE_URL` (PostgreSQL or SQLite) when one is given, and on a
scratch SQLite database in a temporary folder only when none is. A benchmark that needs an empty
PostgreSQL database of its own makes one with `scratch_database` (dropped and created, dropped again
afterwards unless kept), on the server of the URL it is given.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlparse


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


def fast_passwords() -> None:
    """Scratch accounts only: Argon2 would spend much of a set-up hashing throwaway passwords."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_sql(url: str, sql: str) -> None:
    """Run `sql` (CREATE/DROP DATABASE) on the maintenance database of `url`'s PostgreSQL server."""
    import psycopg

    u = urlparse(url)
    with psycopg.connect(
        host=u.hostname,
        port=u.port or 5432,
        user=u.username,
        password=u.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def no_database() -> str:
    """For the pure-Python benchmarks (the rules core, draws, the year simulation): they touch no
    database, whatever `DATABASE_URL` says, and say so where the others print theirs."""
    label = "none: pure Python (the rules core), DATABASE_URL not used"
    print(f"database: {label}", flush=True)
    return label


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def recreate_database(url: str) -> None:
    name = database_name(url)
    admin_sql(url, f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(url, f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    admin_sql(url, f'DROP DATABASE IF EXISTS "{database_name(url)}"')


@contextmanager
def scratch_database(url: str, *, keep: bool = False) -> Iterator[str]:
    """An empty PostgreSQL database at `url` (dropped first if it exists), set as `DATABASE_URL` for
    `setup_django`; dropped on the way out unless `keep`. Never point it at a database you want."""
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    try:
        yield url
    finally:
        if keep:
            print(f"kept {database_name(url)}", flush=True)
        else:
            drop_database(url)


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
    """Peak resident memory of this process image, in MiB. From /proc's VmHWM where there is one: Linux
    carries ru_maxrss over fork and exec, so a timed child started by a set-up that grew to 240 MB would
    report the set-up's peak, not its own."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on this
    machine and its /proc is readable (None otherwise). With the client's own CPU seconds, this is the
    work a step cost, whatever else the shared machine was doing."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # Fields 14 and 15 of stat (utime, stime), counted after the ")" that ends the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
