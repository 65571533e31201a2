"""The busiest staff pages and the supervisor's phone pages under gunicorn, p50 / p95, and the duty
list's throughput beside a trivial view's in the same run (issue 18 §2).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.seed --scale city       # once
    DATABASE_URL=postgres://… .venv/bin/python -m bench.pages [--requests 60] [--seconds 8]

Starts `gunicorn jiandu.wsgi` with 2 workers on a free loopback port against the same DATABASE_URL
(DEBUG off, as in production), signs in as the admin of the biggest programme (a session made with
the second factor already passed) and as a supervisor of it (an account `bench_phone` linked to the
supervisor with the most duties, made once through the accounts service), then:

- for each page, `--requests` sequential requests on one keep-alive connection (one realistic user,
  after WARM_UP requests, so that both workers have served the page before): p50 and p95 wall
  time, the gunicorn workers' CPU per request and the CPU of their PostgreSQL backends per request,
  both read from /proc (the server's own work; on a shared box compare CPU);
- throughput: 4 concurrent keep-alive clients for `--seconds` on the duty list, then on `/healthz`
  (a view that returns "ok" through the same middleware), requests/s of each and their ratio, with
  the workers' and their backends' CPU per request during each run (the ratio's cost basis: on a
  shared box the throughputs move with the neighbours, the costs much less).

The workers' PostgreSQL backends are told apart by their connections' `application_name`
(`jiandu-bench-pages-<port>`), not as every other session on the database: someone else's
connections to a shared database counted as the server's before.

The server runs with persistent database connections (`JIANDU_DB_CONN_MAX_AGE=600`, as the
production set-up in README.md and bench.load run it; set the variable to 0 to measure a connection
per request): with a new connection per request every page paid a PostgreSQL backend's start and its
cold catalogue caches, and the trivial view's p50 was mostly that. The run also prints this client's
own CPU, which shares the machine with the server.

Loopback only; bounded in requests and seconds; stops the server it started.
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench._db import Timing, database_label, setup_django

TRIVIAL = "/healthz"
# Requests before each page's measured ones. gunicorn's sync workers close every connection, so each
# request goes to whichever worker accepts it: with 3, one worker often met a page first inside the
# measured requests (its template compiled, its caches filled, ~0.1–0.5 s of CPU across 60 requests).
WARM_UP = 12
P95_TARGET_MS = 100.0
RATIO_TARGET = 0.25


@dataclass
class PageResult:
    name: str
    path: str
    n: int
    p50_ms: float
    p95_ms: float
    cpu_ms: float  # gunicorn workers' CPU per request
    db_cpu_ms: float  # their PostgreSQL backends' CPU per request (0 off PostgreSQL)
    status: int
    size: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clock_ticks() -> int:
    return int(os.sysconf("SC_CLK_TCK"))


def _workers(master: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                out.append(int(entry.name))
    return out


def _backends(application_name: str) -> list[int]:
    """The PostgreSQL backends of the server's workers (their connections carry `application_name`),
    when PostgreSQL runs on this machine; [] elsewhere. Not every session on the database: another
    user's connections to a shared database would count as the server's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND application_name = %s",
            [application_name],
        )
        return [pid for (pid,) in cursor.fetchall() if Path(f"/proc/{pid}/stat").exists()]


def _with_application_name(url: str, name: str) -> str:
    """`url` whose PostgreSQL connections announce `name` (dj_database_url passes query parameters on
    to the driver); other databases' URLs unchanged."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / _clock_ticks()


class Server:
    """gunicorn with 2 workers on a loopback port, against this process's DATABASE_URL."""

    def __init__(self, workers: int = 2) -> None:
        self.port = _free_port()
        self.application_name = f"jiandu-bench-pages-{self.port}"
        env = dict(os.environ, JIANDU_DEBUG="0", JIANDU_LOG_LEVEL="WARNING")
        if env.get("DATABASE_URL"):
            env["DATABASE_URL"] = _with_application_name(env["DATABASE_URL"], self.application_name)
        env.setdefault("JIANDU_DB_CONN_MAX_AGE", "600")  # persistent connections, as in production
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jiandu.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
            ],
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = self.get(TRIVIAL, {})
                if status == 200 and len(_workers(self.proc.pid)) >= workers:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn stopped on start")
            time.sleep(0.3)
        self.stop()
        raise SystemExit("gunicorn did not answer within 60 s")

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def cpu(self) -> float:
        return _cpu_seconds(_workers(self.proc.pid))

    def db_cpu(self) -> float:
        return _cpu_seconds(_backends(self.application_name))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    from jiandu.accounts.testing import client_sign_in

    client = Client(HTTP_HOST="127.0.0.1")
    client_sign_in(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _phone_user(programme: Any) -> Any:
    """The supervisor of `programme` with the most duties, signed in on a phone: the account
    `bench_phone`, made once through the accounts service and linked to that supervisor."""
    import secrets

    from django.db.models import Count

    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.roster.models import Supervisor

    user = User.objects.filter(username="bench_phone").first()
    if user is None:
        user = user_create(
            actor=None,
            username="bench_phone",
            password=secrets.token_urlsafe(18) + "aA1-",
            role=Role.SUPERVISOR,
            organisation=programme.organisation,
            full_name="基准监督员",
        )
    if not Supervisor.objects.filter(user=user, programme=programme).exists():
        top = (
            Supervisor.objects.filter(programme=programme, user__isnull=True)
            .annotate(n=Count("assignments"))
            .order_by("-n", "id")
            .first()
        )
        Supervisor.objects.filter(user=user).update(user=None)
        if top is not None:
            Supervisor.objects.filter(pk=top.pk).update(user=user)
    return user


def targets(who: str = "province") -> tuple[dict[str, str], dict[str, str], str, str]:
    """(staff pages, phone pages, staff cookie, phone cookie) for the biggest programme, the staff
    pages as its province's admin or (`who` "national") as the national bureau's."""
    from django.db.models import Count

    from bench.explain import biggest_programme_admin, staff_user
    from jiandu.duties.models import Duty
    from jiandu.findings.models import Finding, Status
    from jiandu.roster.models import Programme

    admin: Any = biggest_programme_admin()
    programme = (
        Programme.objects.filter(organisation=admin.organisation)
        .annotate(n=Count("supervisors"))
        .order_by("-n", "id")
        .first()
    )
    assert programme is not None
    # A duty of that programme with a real draw and the most contacted supervisors, latest first.
    duty = (
        Duty.objects.filter(programme=programme, draws__isnull=False)
        .annotate(n=Count("assignments"))
        .order_by("-n", "-id")
        .values_list("id", flat=True)
        .first()
    )
    finding = (
        Finding.objects.filter(programme__organisation=admin.organisation, status=Status.FORWARDED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    staff = {
        "dashboard": "/dashboard/",
        "roster list": f"/roster/p/{programme.pk}/",
        "duty list": "/duties/",
        "duty detail": f"/duties/{duty}/",
        "findings list": "/findings/",
        # The filter a bureau opens to chase agencies: its rows are old, so the walk is the longest.
        "findings overdue": "/findings/?overdue=1",
        "finding detail": f"/findings/{finding}/",
    }
    phone = {
        "phone: home": "/dashboard/",
        "phone: my duties": "/duties/mine/",
        "phone: my opinions": "/findings/",
        "phone: my profile": "/roster/me/",
    }
    staff_cookie = _session_cookie(admin if who == "province" else staff_user(who))
    return staff, phone, staff_cookie, _session_cookie(_phone_user(programme))


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def page_latency(server: Server, name: str, path: str, cookie: str, n: int) -> PageResult:
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "User-Agent": "jiandu-bench-pages"}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    walls: list[float] = []
    status, size = 0, 0
    try:
        for _ in range(WARM_UP):
            conn.request("GET", path, headers=headers)
            conn.getresponse().read()
        cpu0, db0 = server.cpu(), server.db_cpu()
        for _ in range(n):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read()
            walls.append(time.perf_counter() - started)
            status, size = r.status, len(body)
        cpu, db = server.cpu() - cpu0, server.db_cpu() - db0
    finally:
        conn.close()
    return PageResult(
        name,
        path,
        n,
        _pct(walls, 50) * 1000,
        _pct(walls, 95) * 1000,
        cpu / n * 1000,
        db / n * 1000,
        status,
        size,
    )


@dataclass
class Throughput:
    rps: float
    errors: int
    cpu_ms: float  # gunicorn workers' CPU per request during the run
    db_cpu_ms: float  # their PostgreSQL backends' CPU per request during the run


def throughput(server: Server, path: str, cookie: str, seconds: float, clients: int = 4) -> Throughput:
    """Requests per second with `clients` concurrent keep-alive connections for `seconds`, and what
    each request cost the server and its database meanwhile (on 2 cores the ratio of two pages'
    throughputs is about the ratio of these costs; the rest is the machine's other load)."""
    headers = {"Cookie": cookie, "Host": "127.0.0.1", "User-Agent": "jiandu-bench-pages"}
    counts = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            while time.monotonic() < stop:
                conn.request("GET", path, headers=headers)
                r = conn.getresponse()
                r.read()
                counts[i] += 1
                errors[i] += r.status != 200
        finally:
            conn.close()

    cpu0, db0 = server.cpu(), server.db_cpu()
    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    n = max(1, sum(counts))
    cpu, db = server.cpu() - cpu0, server.db_cpu() - db0
    return Throughput(sum(counts) / elapsed, sum(errors), cpu / n * 1000, db / n * 1000)


@dataclass
class Report:
    pages: list[PageResult]
    duty_list: Throughput
    trivial: Throughput
    wall: float
    cpu_server: float
    who: str = "province"
    cpu_client: float = 0.0  # this process's CPU during the run (the load it adds to the machine)

    @property
    def duty_list_rps(self) -> float:
        return self.duty_list.rps

    @property
    def trivial_rps(self) -> float:
        return self.trivial.rps

    @property
    def errors(self) -> int:
        return self.duty_list.errors + self.trivial.errors

    @property
    def ratio(self) -> float:
        return self.duty_list.rps / self.trivial.rps if self.trivial.rps else 0.0

    @property
    def cost_ratio(self) -> float:
        """The trivial view's server and database CPU per request over the duty list's."""
        duty = self.duty_list.cpu_ms + self.duty_list.db_cpu_ms
        return (self.trivial.cpu_ms + self.trivial.db_cpu_ms) / duty if duty else 0.0


def measure(*, requests: int = 60, seconds: float = 8.0, who: str = "province") -> Report:
    staff, phone, staff_cookie, phone_cookie = targets(who)
    started, client0 = time.perf_counter(), _self_cpu()
    server = Server(workers=2)
    try:
        cpu0 = server.cpu()
        results = [page_latency(server, n, p, staff_cookie, requests) for n, p in staff.items()]
        results += [page_latency(server, n, p, phone_cookie, requests) for n, p in phone.items()]
        results.append(page_latency(server, "trivial view", TRIVIAL, staff_cookie, requests))
        duty_list = throughput(server, staff["duty list"], staff_cookie, seconds)
        trivial = throughput(server, TRIVIAL, staff_cookie, seconds)
        cpu = server.cpu() - cpu0
    finally:
        server.stop()
    return Report(
        results,
        duty_list,
        trivial,
        time.perf_counter() - started,
        cpu,
        who,
        _self_cpu() - client0,
    )


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def print_report(report: Report) -> None:
    print(f"\nPages under gunicorn (2 workers) · {database_label()} · staff pages as the {report.who} admin")
    print(
        f"{'page':<20} {'path':<26} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>11} {'DB CPU':>7} {'KB':>6}  status"
    )
    for r in report.pages:
        flag = "" if r.status == 200 and (r.name == "trivial view" or r.p95_ms <= P95_TARGET_MS) else "  ✗"
        print(
            f"{r.name:<20} {r.path:<26} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.cpu_ms:>11.1f} "
            f"{r.db_cpu_ms:>7.1f} {r.size / 1024:>6.0f}  {r.status}{flag}"
        )
    print(
        f"throughput: duty list {report.duty_list_rps:.1f} req/s, trivial view {report.trivial_rps:.1f} req/s "
        f"→ {report.ratio:.0%} (target ≥ {RATIO_TARGET:.0%}); errors {report.errors}"
    )
    d, t = report.duty_list, report.trivial
    print(
        f"  meanwhile, CPU ms/req (workers + their PostgreSQL backends): duty list {d.cpu_ms:.1f} + "
        f"{d.db_cpu_ms:.1f}, trivial view {t.cpu_ms:.1f} + {t.db_cpu_ms:.1f} → cost ratio "
        f"{report.cost_ratio:.0%}"
    )
    print(
        f"whole run: {report.wall:.1f} s wall, gunicorn workers {report.cpu_server:.1f} s CPU, "
        f"this client {report.cpu_client:.1f} s CPU"
    )


def figures() -> list[Any]:
    """Rows for `python -m bench`'s table (Django already set up on DATABASE_URL)."""
    from bench.__main__ import Figure

    report = measure()
    print_report(report)
    pages = [r for r in report.pages if r.name != "trivial view"]
    phones = sum(r.name.startswith("phone:") for r in pages)
    worst = max(pages, key=lambda r: r.p95_ms)
    ratio = report.ratio
    return [
        Figure(
            f"{len(pages) - phones} staff pages + {phones} phone pages, p95 (worst: {worst.name})",
            "≤ 100 ms at national scale",
            f"{worst.p95_ms:.0f} ms p95, {worst.cpu_ms:.0f} ms CPU/req; all p50 ≤ "
            f"{max(r.p50_ms for r in pages):.0f} ms",
            Timing(worst.p95_ms / 1000, worst.cpu_ms / 1000),
        ),
        Figure(
            "duty list throughput ÷ trivial view (gunicorn, 2 workers, 4 clients)",
            "≥ 25%",
            f"{ratio:.0%} ({report.duty_list_rps:.1f} vs {report.trivial_rps:.1f} req/s)",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=60, help="sequential requests per page (≤ 1000)")
    parser.add_argument("--seconds", type=float, default=8.0, help="per throughput run (≤ 120)")
    parser.add_argument(
        "--as",
        dest="who",
        choices=("province", "national"),
        default="province",
        help="staff pages as the biggest province's admin (default) or a national bureau's admin",
    )
    args = parser.parse_args()
    if not 1 <= args.requests <= 1000 or not 1 <= args.seconds <= 120:
        raise SystemExit("requests 1–1000, seconds 1–120")
    setup_django(migrate=False)
    print_report(measure(requests=args.requests, seconds=args.seconds, who=args.who))


if __name__ == "__main__":
    main()
