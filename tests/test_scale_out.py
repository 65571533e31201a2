"""Two application servers and two task workers on one PostgreSQL behave as one site (issue 18, "Scale
out"; docs/deploy.md): a session opened on one server is valid on the other, a rate limit counts the
requests of both, every queued task runs exactly once whichever worker takes it, and two servers
starting their recurring jobs at the same moment queue each chain once.

Real processes (gunicorn, `jiandu db_worker`, `jiandu schedule`) on the test database, so the test needs
committed data (transactional) and a database other processes can open: PostgreSQL. On SQLite the
test database lives in this process's memory, so the test is skipped there.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "other processes cannot open SQLite's in-memory test database; production runs PostgreSQL"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _site_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What a second host would be given: the same database, the same secrets, its own local folders."""
    s = connection.settings_dict
    url = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiandu.settings",
        "DATABASE_URL": url,
        # The secrets this test process uses (generated in its data folder): shared, as hosts share theirs.
        "JIANDU_DATA_DIR": os.environ["JIANDU_DATA_DIR"],
        "JIANDU_RATELIMIT_CACHE_DIR": str(tmp_path / "ratelimit"),
        "JIANDU_RATE_PUBLIC_LOOKUP": "4/m",
        "JIANDU_LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


@contextlib.contextmanager
def _gunicorn(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    log = Path(env["JIANDU_RATELIMIT_CACHE_DIR"]).parent / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    LOGS.append(log)
    proc = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "jiandu.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/public/", timeout=60)  # noqa: S310 (loopback)
                break
            except OSError as exc:  # refused while starting (URLError is an OSError too)
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {_logs()}") from exc
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


LOGS: list[Path] = []


def _logs() -> str:
    """The servers' error output, for an assertion message."""
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in LOGS if p.exists())


class _Browser:
    """A cookie-keeping client that can talk to either server (the same cookie on both hosts, as behind
    one load balancer)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 (loopback only)

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310 (loopback only)
        return self._open(req)

    def _open(self, req: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


def _agency_account(password: str) -> str:
    """The demo's procuratorate account, its password hashed as production hashes it (the servers run the
    production hasher list, not the tests' fast one)."""
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from jiandu.accounts import demo as accounts_demo
    from jiandu.accounts.models import User
    from jiandu.core.demo import World
    from jiandu.orgs import demo as orgs_demo

    world = World()
    orgs_demo.build(world)
    accounts_demo.build(world)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        encoded = make_password(password)
    User.objects.filter(username="weihai_procurator").update(password=encoded)
    return "weihai_procurator"


def test_two_servers_share_sessions_and_rate_limits(postgres: None, tmp_path: Path, password: str) -> None:
    username = _agency_account(password)
    env = _site_env(tmp_path)
    with _gunicorn(env) as a, _gunicorn(env) as b:
        # Sign in on A; the session cookie (host-only for 127.0.0.1, so valid on both ports) works on B.
        browser = _Browser()
        status, html = browser.get(a + "/accounts/login/")
        assert status == 200
        status, _ = browser.post(
            a + "/accounts/login/",
            {"csrfmiddlewaretoken": _csrf(html), "username": username, "password": password},
        )
        assert status == 302, "sign-in on server A failed"
        status, html = browser.get(b + "/dashboard/")
        assert status == 200, "server B did not recognise the session opened on server A"
        assert "吴静" in html

        # The public certificate check allows 4 a minute per address: 2 on A and 2 on B use it up.
        anonymous = _Browser()
        answers = [anonymous.get(base + "/public/certificates/?number=X")[0] for base in (a, b, a, b)]
        assert answers == [200, 200, 200, 200], _logs()
        assert anonymous.get(a + "/public/certificates/?number=X")[0] == 429
        assert anonymous.get(b + "/public/certificates/?number=X")[0] == 429


def _redis_up() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


def test_two_hosts_share_rate_limits_through_redis(postgres: None, tmp_path: Path) -> None:
    """Hosts that share no folder: the counters live in Redis (JIANDU_REDIS_URL)."""
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    db = 9  # a database of its own, emptied first, so other runs' counters do not count here
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{db}").flushdb()
    url = f"redis://127.0.0.1:6379/{db}"
    with (
        _gunicorn(_site_env(tmp_path / "a", JIANDU_REDIS_URL=url)) as a,
        _gunicorn(_site_env(tmp_path / "b", JIANDU_REDIS_URL=url)) as b,
    ):
        anonymous = _Browser()
        answers = [anonymous.get(base + "/public/certificates/?number=X")[0] for base in (a, b, a, b, a)]
        assert answers == [200, 200, 200, 200, 429], _logs()


def test_two_workers_run_each_task_once_and_schedule_queues_each_chain_once(
    postgres: None, tmp_path: Path
) -> None:
    from django_tasks_db.models import DBTaskResult

    from jiandu.audit.chain import audit_chain_verify
    from jiandu.audit.models import AuditEvent
    from jiandu.core.recurring import RECURRING

    env = _site_env(tmp_path)
    n = 40
    enqueue = (
        "import django; django.setup()\n"
        "from tests.scale_out_tasks import scale_out_mark\n"
        f"for i in range({n}): scale_out_mark.enqueue(i)\n"
    )
    subprocess.run([PYTHON, "-c", enqueue], cwd=REPO, env=env, check=True)
    worker = [PYTHON, "-m", "jiandu", "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay"]
    workers = [subprocess.Popen(worker, cwd=REPO, env=env, stdout=subprocess.DEVNULL) for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=180) == 0

    ran = list(AuditEvent.objects.filter(action="scale_out.task").values_list("target_id", flat=True))
    assert sorted(ran, key=int) == [str(i) for i in range(n)], "a task ran twice or not at all"
    assert audit_chain_verify().ok, "concurrent workers broke the audit chain"

    # Two servers deployed at the same moment both start the recurring jobs.
    schedule = [PYTHON, "-m", "jiandu", "schedule"]
    starts = [subprocess.Popen(schedule, cwd=REPO, env=env, stdout=subprocess.DEVNULL) for _ in range(2)]
    for s in starts:
        assert s.wait(timeout=120) == 0
    for path in RECURRING:
        queued = DBTaskResult.objects.filter(task_path=path, status__in=["READY", "RUNNING"]).count()
        assert queued == 1, f"{path} queued {queued} times"
