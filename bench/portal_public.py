"""The public portal at scale: every public page of one large programme, timed, on the database in
DATABASE_URL (a scratch SQLite database when none is given).

    .venv/bin/python -m bench.portal_public [--supervisors 5000] [--findings 20000] [--requests 40]

Generates one programme with N serving supervisors (each with a certificate), findings and held duties
across the year (bulk_create), then requests each public page `--requests` times through Django's test
client (no network) and prints p50 / p95 / max in milliseconds per page. The issue's target is a p95
under 100 ms at national scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time


def setup_django(data_dir: str) -> None:
    # The database in DATABASE_URL when one is given (PostgreSQL or SQLite); a scratch SQLite in data_dir
    # otherwise.
    from bench._db import setup_django as _setup

    _setup(data_dir, migrate=False)
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    # One client asking hundreds of times is what the portal's rate limits stop; the bench times pages.
    settings.RATELIMIT_ENABLE = False
    call_command("migrate", verbosity=0)


def generate(supervisors: int, findings: int) -> tuple[int, list[str]]:
    from jiandu.core.demo import World
    from jiandu.findings.models import Finding, Source, Status
    from jiandu.orgs import demo as orgs_demo
    from jiandu.roster.models import Certificate, Programme, ProgrammeKind, Supervisor

    world = World()
    orgs_demo.build(world)
    org = world.orgs["weihai_justice"]
    agency = world.orgs["weihai_procuratorate"]
    programme = Programme.objects.create(
        name="威海市人民监督员（压力测试）",
        kind=ProgrammeKind.PEOPLE,
        organisation=org,
        rulebook_id="weihai-people-2024",
    )
    start, end = dt.date(2025, 1, 1), dt.date(2029, 12, 31)
    people = [
        Supervisor(
            programme=programme,
            full_name=f"监督员{i:05d}",
            employer=f"威海某单位{i % 300}",
            term_start=start,
            term_end=end,
            certificate_no=f"WH-{i:06d}",
        )
        for i in range(supervisors)
    ]
    Supervisor.objects.bulk_create(people, batch_size=5000)
    people = list(Supervisor.objects.filter(programme=programme).order_by("id"))
    Certificate.objects.bulk_create(
        [
            Certificate(
                supervisor=s, number=s.certificate_no, token=f"t{s.pk:010d}", issued_on=start, valid_until=end
            )
            for s in people
        ],
        batch_size=5000,
    )
    day = dt.date(2026, 1, 1)
    Finding.objects.bulk_create(
        [
            Finding(
                programme=programme,
                agency=agency,
                source=Source.OPINION,
                title=f"意见{i}",
                text="内容",
                submitted_on=day + dt.timedelta(days=i % 300),
                status=Status.CLOSED if i % 3 else Status.FORWARDED,
                reply_due=day + dt.timedelta(days=i % 300 + 30),
                replied_on=day + dt.timedelta(days=i % 300 + (20 if i % 2 else 40)) if i % 3 else None,
                adopted=bool(i % 2) if i % 3 else None,
            )
            for i in range(findings)
        ],
        batch_size=5000,
    )
    pk = programme.pk
    urls = [
        "/public/",
        f"/public/programmes/{pk}/",
        f"/public/roster/{pk}/",
        f"/public/roster/{pk}/?page={max(1, supervisors // 200)}",
        f"/public/programmes/{pk}/statistics/2026/",
        f"/public/programmes/{pk}/statistics/2026.json",
        f"/public/programmes/{pk}/statistics/2026.csv",
        f"/public/certificates/?number=WH-{supervisors // 2:06d}",
        f"/public/verify/t{people[len(people) // 2].pk:010d}/",
    ]
    return pk, urls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--supervisors", type=int, default=5000)
    parser.add_argument("--findings", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        t0 = time.perf_counter()
        _pk, urls = generate(args.supervisors, args.findings)
        print(
            f"generated {args.supervisors} supervisors, {args.findings} findings in {time.perf_counter() - t0:.1f}s"
        )
        from django.test import Client

        client = Client()
        print(f"{'page':60} {'p50':>7} {'p95':>7} {'max':>7} (ms)")
        c0 = time.process_time()
        for url in urls:
            assert client.get(url).status_code == 200, url  # warm-up, and a check
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"{url:60} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f}")
        print(f"CPU of this process over all requests: {time.process_time() - c0:.2f} s")


if __name__ == "__main__":
    main()
