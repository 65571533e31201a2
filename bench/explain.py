"""`EXPLAIN (ANALYZE, BUFFERS)` of the queries a staff page runs, as the admin of the biggest programme.

    DATABASE_URL=postgres://… .venv/bin/python -m bench.explain /duties/ /findings/ [--all]

Requests each path in-process (Django's test client, signed in with force_login as the seeded admin),
captures its SQL, and prints the plan of the slowest query (every query with --all), with the page's
query count and time. PostgreSQL only: the plans quoted in docs/performance.md come from here.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench._db import is_postgresql, setup_django


def biggest_programme_admin() -> object:
    """The admin of the province whose programmes hold the most supervisors (the realistic heavy user)."""
    from django.db.models import Count

    from jiandu.accounts.models import User
    from jiandu.roster.models import Programme

    top = (
        Programme.objects.annotate(n=Count("supervisors"))
        .order_by("-n", "id")
        .values("organisation_id")
        .first()
    )
    if top is None:
        raise SystemExit("no programme: run bench.seed first")
    user = User.objects.filter(
        username__startswith="bench_admin_", organisation_id=top["organisation_id"]
    ).first()
    if user is None:
        raise SystemExit("no bench_admin_ account for the biggest programme: run bench.seed first")
    return user


def national_admin() -> object:
    """A programme admin of the organisation above the biggest programme's province (the national
    bureau: sees every row of the dataset): the account `bench_national_admin`, made once through the
    accounts service, the only row a page benchmark writes."""
    import secrets

    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create

    province: Any = biggest_programme_admin()
    root = province.organisation.parent
    if root is None:
        raise SystemExit("the biggest programme's organisation has no parent: no national bureau")
    user = User.objects.filter(username="bench_national_admin").first()
    if user is None:
        user = user_create(
            actor=None,
            username="bench_national_admin",
            # Unknown to anyone: benchmarks sign in with a session made here.
            password=secrets.token_urlsafe(18) + "aA1-",
            role=Role.PROGRAMME_ADMIN,
            organisation=root,
            full_name="基准全国管理员",
        )
    return user


def agency_staff() -> object:
    """A staff member of the agency with the most findings sent to it (it sees only its own, as
    projections): the account `bench_agency_staff`, made once through the accounts service."""
    import secrets

    from django.db.models import Count

    from jiandu.accounts.models import User
    from jiandu.accounts.roles import Role
    from jiandu.accounts.services import user_create
    from jiandu.findings.models import AGENCY_STATUSES, Finding
    from jiandu.orgs.models import Organisation

    user = User.objects.filter(username="bench_agency_staff").first()
    if user is None:
        top = (
            Finding.objects.filter(status__in=AGENCY_STATUSES, forwarded_on__isnull=False)
            .values("agency_id")
            .annotate(n=Count("id"))
            .order_by("-n", "agency_id")
            .first()
        )
        if top is None:
            raise SystemExit("no finding sent to an agency: run bench.seed first")
        user = user_create(
            actor=None,
            username="bench_agency_staff",
            password=secrets.token_urlsafe(18) + "aA1-",
            role=Role.AGENCY_STAFF,
            organisation=Organisation.objects.get(pk=top["agency_id"]),
            full_name="基准被监督单位",
        )
    return user


def staff_user(who: str) -> object:
    """`province` (the admin of the biggest programme's province), `national` (national_admin) or
    `agency` (agency_staff)."""
    if who == "agency":
        return agency_staff()
    return national_admin() if who == "national" else biggest_programme_admin()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--all", action="store_true", help="explain every query, not only the slowest")
    parser.add_argument(
        "--as",
        dest="who",
        choices=("province", "national", "agency"),
        default="province",
        help="sign in as the biggest province's admin (default), a national bureau's admin, or the"
        " staff of the agency with the most findings",
    )
    args = parser.parse_args()
    setup_django(migrate=False)
    if not is_postgresql():
        raise SystemExit("EXPLAIN (ANALYZE, BUFFERS) needs PostgreSQL: set DATABASE_URL")
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiandu.accounts.testing import client_sign_in

    client = Client(HTTP_HOST="127.0.0.1")
    client_sign_in(client, staff_user(args.who))
    for path in args.paths:
        client.get(path)  # warm caches (rulebooks, templates) as a running server has them
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            wall = time.perf_counter() - started
        print(
            f"\n=== {path}: HTTP {response.status_code}, {len(ctx.captured_queries)} queries, {wall * 1000:.0f} ms"
        )
        queries = sorted(
            (
                q
                for q in ctx.captured_queries
                if q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "SET LOCAL"))
            ),
            key=lambda q: float(q["time"]),
            reverse=True,
        )
        for q in queries if args.all else queries[:1]:
            sql = q["sql"]
            print(f"--- {float(q['time']) * 1000:.1f} ms: {sql[:2000]}")
            # The work queue sends `SET LOCAL …; SELECT …` in one message: the setting is part of
            # its plan, so it is set again, in a transaction of its own, before the EXPLAIN.
            setting = ""
            if sql.lstrip().upper().startswith("SET LOCAL"):
                setting, _, sql = sql.partition("; ")
            with transaction.atomic(), connection.cursor() as cursor:
                if setting:
                    cursor.execute(setting)
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
                for (line,) in cursor.fetchall():
                    print(line)


if __name__ == "__main__":
    main()
