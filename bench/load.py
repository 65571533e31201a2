"""Load on the site: N concurrent users for D seconds, loopback only (issue 11).

One command, repeatable (PostgreSQL in DATABASE_URL; builds the demo there once, serves it with gunicorn
under the production settings, loads it, stops it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiandu_bench \\
        .venv/bin/python -m bench.load --start-gunicorn --port 8111 --users 200 --seconds 60

Or against a site already running (the same environment — keys and DATABASE_URL — as that site, since
the signed-in users' sessions are written to its database):

    .venv/bin/python -m bench.load --url http://127.0.0.1:8111 --users 200 --seconds 60

A bounded asyncio client (standard library only: one asyncio stream per user, HTTP/1.1 keep-alive, no
third-party load tool), with no think time, so the figures are the site's ceiling, not a traffic model.

- Half the users (`--signed-in`) are people signed in under the demo accounts — programme admins,
  district staff, agency staff, supervisors, the auditor — each with its own session, looping over
  the pages that account reaches from its home page (found at start by following the home page's
  links, once, as that account). The rest are visitors of the public portal: the front page, each
  programme's page and public roster, the draw records, the sign-in page, the audit checkpoints.
- How they sign in, honestly: the first `--form-sign-ins` (default 20) type the demo password into
  the sign-in form like a person (CSRF token, Argon2, django-axes, the per-address limit all on the
  path); they are accounts without a second factor. The others get a session written straight into
  the database (what Django's test client's force_login does, plus the TOTP-verified mark for the
  privileged roles) — because the site allows 30 sign-ins a minute from one address
  (JIANDU_RATE_LOGIN_IP) and every load user comes from 127.0.0.1, so 200 form sign-ins would, by
  design, answer 429. Nothing in the site is relaxed for the load.
- The rate-limited public lookups and forms (certificate check, status, complaint) are left out on
  purpose: from one address they answer 429 by design.
- Every request goes as the bureau's HTTPS proxy would send it (`X-Forwarded-Proto: https`), so the
  production settings' SSL redirect, secure cookies and CSRF origin check stay on.
- An error is any answer other than 2xx/3xx, a failed or reset connection, or no answer within
  `--timeout` (30 s). Reports requests/s, p50/p95/p99, and the CPU seconds used by the client, the
  gunicorn processes and this database's PostgreSQL backends beside the wall time, and the box's load.
  Refuses any host that is not the loopback interface.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import ipaddress
import json
import os
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

PUBLIC_PATHS = ["/public/", "/duties/draws/", "/accounts/login/", "/audit/public/checkpoints/"]
# Demo accounts the signed-in users play, round-robin (jiandu/accounts/demo.py).
ACCOUNTS = [
    "weihai_admin",
    "huancui_staff",
    "weihai_procurator",
    "weihai_supervisor",
    "shanxi_admin",
    "taiyuan_prison_staff",
    "wanzhou_admin",
    "wanzhou_market_staff",
    "ningxia_admin",
    "yinchuan_prison_staff",
    "ningxia_supervisor",
    "auditor",
]
# Links a person follows but a load loop should not: sign-out, downloads, language switch.
SKIP_LINK = re.compile(r"logout|\.pdf|\.xlsx|\.csv|\.json|export|/i18n/|/static/|/media/|/api/|#")
PAGES_PER_ACCOUNT = 8
REPO = Path(__file__).resolve().parent.parent


def _loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        return False


# --- the HTTP/1.1 client ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]
    location: str
    close: bool


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Answer:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        origin = f"https://{self.host}:{self.port}"
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: jiandu-bench",
            "X-Forwarded-Proto: https",
        ]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        body = b""
        if form is not None:
            body = urlencode(form).encode()
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {origin}",
                f"Referer: {origin}{path}",
            ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close, location = 0, False, False, ""
        got: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "location":
                location = value
            elif name == "set-cookie":
                k, _, rest = value.partition("=")
                got[k.strip()] = rest.split(";", 1)[0]
        if chunked:
            data = b""
            while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
                data += await reader.readexactly(size + 2)
            await reader.readline()
        else:
            data = await reader.readexactly(length) if length else b""
        if close:  # a valid answer; the next request opens a new connection
            self.close()
        return Answer(status, data, got, location, close)


# --- who the users are --------------------------------------------------------------------------


@dataclass
class VirtualUser:
    account: str = ""  # "" for a public visitor
    cookies: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    form_sign_in: bool = False


def premade_sessions(accounts: list[str]) -> list[dict[str, str]]:
    """One new session per entry, written to the site's database as force_login does (with the
    TOTP-verified mark for privileged roles). Needs the site's settings and keys in the environment."""
    from django.conf import settings
    from django.test import Client

    from jiandu.accounts.models import User
    from jiandu.accounts.testing import client_sign_in

    users = {u.username: u for u in User.objects.filter(username__in=set(accounts))}
    missing = sorted(set(accounts) - set(users))
    if missing:
        sys.exit(f"demo accounts missing in this database: {', '.join(missing)} (run `jiandu demo`)")
    out = []
    for name in accounts:
        client = Client()
        client_sign_in(client, users[name])
        out.append({settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})
    return out


def needs_second_factor(accounts: list[str]) -> set[str]:
    from jiandu.accounts.models import User

    return {u.username for u in User.objects.filter(username__in=accounts) if u.needs_second_factor}


async def form_sign_in(conn: Connection, username: str, password: str) -> dict[str, str]:
    """Sign in through /accounts/login/ as a person does; returns the session cookies."""
    page = await conn.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or token is None:
        raise RuntimeError(f"sign-in page answered {page.status}")
    cookies = dict(page.cookies)
    answer = await conn.request(
        "POST",
        "/accounts/login/",
        cookies=cookies,
        form={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()},
    )
    if answer.status != 302 or "sessionid" not in answer.cookies:
        raise RuntimeError(f"sign-in as {username} answered {answer.status}")
    cookies.update(answer.cookies)
    return cookies


async def discover_public(conn: Connection) -> list[str]:
    """The public paths plus each programme's public page and roster, from the portal's front page."""
    answer = await conn.request("GET", "/public/")
    found = sorted(set(re.findall(rb'href="(/public/(?:programmes|roster)/\d+/)"', answer.body)))[:6]
    return PUBLIC_PATHS + [p.decode() for p in found]


async def discover_pages(conn: Connection, cookies: dict[str, str]) -> list[str]:
    """The account's home page and the first pages linked from it that answer 200 to it."""
    start = "/"
    home = await conn.request("GET", start, cookies=cookies)
    for _ in range(3):  # the home page sends staff on to their dashboard
        if (
            home.status not in (301, 302)
            or not home.location.startswith("/")
            or "/accounts/" in home.location
        ):
            break
        start = home.location
        home = await conn.request("GET", start, cookies=cookies)
    if home.status != 200:
        raise RuntimeError(f"home page answered {home.status} → {home.location} (session not accepted?)")
    pages = [start]
    for link in dict.fromkeys(m.decode() for m in re.findall(rb'href="(/[^"]*)"', home.body)):
        if len(pages) >= PAGES_PER_ACCOUNT:
            break
        if SKIP_LINK.search(link) or link.startswith("/public/") or link in ("/", start):
            continue
        answer = await conn.request("GET", link, cookies=cookies)
        if answer.status == 200 and b"<html" in answer.body[:400].lower():
            pages.append(link)
    return pages


# --- the load -----------------------------------------------------------------------------------


async def _user(
    vu: VirtualUser,
    host: str,
    port: int,
    until: float,
    timeout: float,
    out: list[tuple[float, bool, str]],
    k: int,
) -> None:
    conn = Connection(host, port)
    i = k  # each user starts at a different page
    while time.monotonic() < until:
        path = vu.paths[i % len(vu.paths)]
        i += 1
        started = time.monotonic()
        try:
            answer = await asyncio.wait_for(conn.request("GET", path, cookies=vu.cookies), timeout)
            ok = 200 <= answer.status < 400
            # A signed-in page that sends the user to sign-in means the session was lost: an error.
            if vu.account and "/accounts/login/" in answer.location:
                ok = False
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, TimeoutError):
            ok = False
            conn.close()
        out.append((time.monotonic() - started, ok, path))
    conn.close()


def _cpu_of(pids: list[int]) -> float:
    """utime + stime (seconds) of live processes, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids]


def _box_cpu() -> float:
    """CPU seconds used by the whole box so far (all cores, not idle)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _pg_backend_pids() -> list[int]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [r[0] for r in cursor.fetchall()]


def _plan(
    users: int, signed_in: float, form_sign_ins: int
) -> tuple[list[str], set[int], list[dict[str, str]]]:
    """Which account each signed-in user plays, which of them use the sign-in form (accounts without a
    second factor, the first `form_sign_ins`), and the pre-made sessions of the others."""
    accounts = [ACCOUNTS[k % len(ACCOUNTS)] for k in range(round(users * signed_in))]
    totp = needs_second_factor(accounts)
    by_form = set([k for k, a in enumerate(accounts) if a not in totp][:form_sign_ins])
    premade = premade_sessions([a for k, a in enumerate(accounts) if k not in by_form])
    return accounts, by_form, premade


async def _prepare(
    host: str,
    port: int,
    users: int,
    plan: tuple[list[str], set[int], list[dict[str, str]]],
    password: str,
) -> list[VirtualUser]:
    accounts, by_form, premade_list = plan
    premade = iter(premade_list)
    conn = Connection(host, port)
    public = await discover_public(conn)
    vus: list[VirtualUser] = []
    pages: dict[str, list[str]] = {}
    for k, account in enumerate(accounts):
        cookies = await form_sign_in(conn, account, password) if k in by_form else next(premade)
        if account not in pages:
            pages[account] = await discover_pages(conn, cookies)
        vus.append(VirtualUser(account, cookies, pages[account], form_sign_in=k in by_form))
    conn.close()
    vus += [VirtualUser(paths=public) for _ in range(users - len(accounts))]
    return vus


async def _run(
    vus: list[VirtualUser], host: str, port: int, seconds: float, timeout: float
) -> dict[str, object]:
    out: list[tuple[float, bool, str]] = []
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*[_user(vu, host, port, until, timeout, out, k) for k, vu in enumerate(vus)])
    wall = time.monotonic() - started
    latencies = sorted(t for t, _, _ in out)
    errors = sum(1 for _, ok, _ in out if not ok)
    by_path: dict[str, list[float]] = {}
    for t, _, path in out:
        by_path.setdefault(path, []).append(t)
    slowest = sorted(by_path.items(), key=lambda item: -statistics.median(item[1]))[:5]

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1)

    return {
        "seconds": round(wall, 1),
        "requests": len(out),
        "errors": errors,
        "requests_per_second": round(len(out) / wall, 1) if wall else 0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else 0.0,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
        "slowest_paths_p50_ms": {p: round(statistics.median(ts) * 1000, 1) for p, ts in slowest},
    }


# --- the server ---------------------------------------------------------------------------------


def _bench_environment(data_dir: Path) -> dict[str, str]:
    """The production settings' environment for a loopback run. Keys come from the environment when
    set; otherwise they are made once for this data folder (kept there, 0600), so the demo data stays
    readable from one run to the next. Never use these keys for real data."""
    env = dict(os.environ)
    data_dir.mkdir(parents=True, exist_ok=True)
    keyfile = data_dir / "bench-keys.json"
    if keyfile.exists():
        keys = json.loads(keyfile.read_text())
    else:
        keys = {
            "JIANDU_SECRET_KEY": secrets.token_urlsafe(50),
            "JIANDU_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "JIANDU_LOOKUP_KEY": secrets.token_urlsafe(32),
            "JIANDU_AUDIT_KEY": secrets.token_urlsafe(32),
            "JIANDU_CHECKPOINT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        fd = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(keys, handle)
    for name, value in keys.items():
        env.setdefault(name, value)
    env.update(
        DJANGO_SETTINGS_MODULE="jiandu.settings_production",
        JIANDU_DATA_DIR=str(data_dir),
        JIANDU_ALLOWED_HOSTS="127.0.0.1,localhost",
        JIANDU_LOG_LEVEL="WARNING",
    )
    # Persistent database connections (one per gunicorn thread), as production should run.
    env.setdefault("JIANDU_DB_CONN_MAX_AGE", "600")
    return env


def _jiandu(env: dict[str, str], *args: str) -> None:
    # Their output goes to stderr: stdout is the JSON report.
    subprocess.run([sys.executable, "-m", "jiandu", *args], env=env, check=True, cwd=REPO, stdout=sys.stderr)


def start_gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """Migrate, build the demo once (it is idempotent), collect static files, start gunicorn and wait
    until it answers."""
    _jiandu(env, "migrate", "--noinput", "-v0")
    _jiandu(env, "demo")
    _jiandu(env, "collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "jiandu.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=gthread",
            f"--threads={threads}",
            "--backlog=2048",
            "--keep-alive=75",
            "--timeout=60",
        ],
        env=env,
        cwd=REPO,
    )
    for _ in range(120):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n\r\n")
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return server
        except OSError:
            pass
        if server.poll() is not None:
            sys.exit("gunicorn did not start")
        time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="", help="a running site (default: the one --start-gunicorn starts)")
    parser.add_argument(
        "--start-gunicorn", action="store_true", help="serve DATABASE_URL with gunicorn first"
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--data-dir", default=str(REPO / "var" / "bench-load"))
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--signed-in", type=float, default=0.5, help="share of users signed in (0–1)")
    parser.add_argument(
        "--form-sign-ins", type=int, default=20, help="of those, how many use the form (≤ 25)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds before a request counts as an error"
    )
    args = parser.parse_args()
    url = args.url or f"http://127.0.0.1:{args.port}"
    host, port = urlparse(url).hostname or "", urlparse(url).port or 80
    if not _loopback(host):
        sys.exit(f"refused: {host} is not the loopback interface (this script only loads a local instance)")
    if not 1 <= args.users <= 1000 or not 1 <= args.seconds <= 600 or not 0 <= args.signed_in <= 1:
        sys.exit("users 1–1000, seconds 1–600, signed-in 0–1")
    if args.form_sign_ins > 25:
        sys.exit("at most 25 form sign-ins a run: the site allows 30 a minute from one address")

    server = None
    if args.start_gunicorn:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            sys.exit("--start-gunicorn needs DATABASE_URL=postgres://… (the load is measured on PostgreSQL)")
        env = _bench_environment(Path(args.data_dir))
        os.environ.update(env)
        server = start_gunicorn(env, port, args.workers, args.threads)
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiandu.settings")
    import django

    django.setup()
    try:
        from jiandu.core.demo import DEMO_PASSWORD

        plan = _plan(args.users, args.signed_in, args.form_sign_ins)
        vus = asyncio.run(_prepare(host, port, args.users, plan, DEMO_PASSWORD))
        gunicorn_pids = [server.pid, *_children(server.pid)] if server else []
        pg_pids = _pg_backend_pids()
        load_before, box_before = os.getloadavg()[0], _box_cpu()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        server_before, pg_before = _cpu_of(gunicorn_pids), _cpu_of(pg_pids)
        result = asyncio.run(_run(vus, host, port, args.seconds, args.timeout))
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        pg_pids_after = _pg_backend_pids()
        cpu: dict[str, float] = {
            "client": round(
                client_after.ru_utime
                + client_after.ru_stime
                - client_before.ru_utime
                - client_before.ru_stime,
                1,
            ),
            "gunicorn": round(_cpu_of(gunicorn_pids) - server_before, 1),
            # Backends that lived through the run (persistent connections); new ones counted whole.
            "postgresql": round(_cpu_of(pg_pids_after) - pg_before, 1),
            "whole_box": round(_box_cpu() - box_before, 1),
        }
        cpu["others_on_box"] = round(
            cpu["whole_box"] - cpu["client"] - cpu["gunicorn"] - cpu["postgresql"], 1
        )
        report = {
            "users": args.users,
            "signed_in": sum(1 for v in vus if v.account),
            "form_sign_ins": sum(1 for v in vus if v.form_sign_in),
            **result,
            "cpu_seconds": cpu,
            "cores": os.cpu_count(),
            "load_average_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
            "server": (
                f"gunicorn gthread {args.workers}×{args.threads}, settings_production" if server else url
            ),
            "pages": {v.account or "public": v.paths for v in vus},
        }
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
