"""Issue 18 (pages): the busiest staff pages and the supervisor's phone pages cost the same number of
queries however much data there is. Each page is requested on a bench dataset (bench.seed's own row
builders), then the same programmes grow to about five times the rows, and the page is requested
again: the counts must be equal, page by page (docs/performance.md)."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed as bench_seed
from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.accounts.testing import client_sign_in
from jiandu.duties.models import Assignment, Duty
from jiandu.findings.models import Finding, Status
from jiandu.roster.models import Programme, Supervisor

pytestmark = pytest.mark.django_db

SMALL = bench_seed.Scale(provinces=1, districts=3, supervisors=36, duties=24, findings=30, audit_events=0)


class Dataset:
    """bench.seed's organisations and programmes, grown in steps of supervisors, duties and findings."""

    def __init__(self) -> None:
        self.rng = random.Random(18)
        self.districts, self.agencies, self.province_of = bench_seed._orgs(SMALL, self.rng)
        self.programmes, self.admins = bench_seed._programmes(SMALL, self.districts, self.province_of)

    def grow(self, times: int) -> None:
        scale = bench_seed.Scale(
            provinces=SMALL.provinces,
            districts=SMALL.districts,
            supervisors=SMALL.supervisors * times,
            duties=SMALL.duties * times,
            findings=SMALL.findings * times,
            audit_events=0,
        )
        args = (scale, self.rng, self.districts)
        members = bench_seed._supervisors(*args, self.province_of, self.programmes)
        bench_seed._duties(*args, self.agencies, self.province_of, self.programmes, self.admins, members)
        bench_seed._findings(scale, self.rng, self.agencies, self.province_of, self.programmes, members)


def _supervisor_client(admin: Any) -> Client:
    """A supervisor's phone, signed in as the supervisor with the most duties (re-linked each time)."""
    top = Supervisor.objects.annotate(n=Count("assignments")).order_by("-n", "id").first()
    assert top is not None
    user = User.objects.filter(username="bench_phone").first()
    if user is None:
        user = User.objects.create(
            username="bench_phone", role=Role.SUPERVISOR, organisation=admin.organisation
        )
    Supervisor.objects.filter(user=user).update(user=None)
    Supervisor.objects.filter(pk=top.pk).update(user=user)
    Finding.objects.filter(reporter__isnull=False).exclude(reporter=top).filter(
        pk__in=list(Finding.objects.values_list("pk", flat=True)[:5])
    ).update(reporter=top)
    client = Client()
    client_sign_in(client, user)
    return client


def _pages() -> dict[str, str]:
    programme = Programme.objects.annotate(n=Count("supervisors")).order_by("-n", "id").first()
    duty = Duty.objects.annotate(n=Count("assignments")).filter(n__gt=0).order_by("-n", "-id").first()
    finding = Finding.objects.filter(status=Status.FORWARDED).order_by("-id").first()
    assert programme and duty and finding
    return {
        "dashboard": "/dashboard/",
        "roster list": f"/roster/p/{programme.pk}/",
        "duty list": "/duties/",
        "duty detail": f"/duties/{duty.pk}/",
        "findings list": "/findings/",
        "findings overdue": "/findings/?overdue=1",
        "finding detail": f"/findings/{finding.pk}/",
    }


PHONE_PAGES = {
    "phone: home": "/dashboard/",
    "phone: my duties": "/duties/mine/",
    "phone: my opinions": "/findings/",
    "phone: my profile": "/roster/me/",
}


def _count(client: Client, path: str) -> int:
    client.get(path)  # caches (rulebooks, templates) warm, as on a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


def _measure(data: Dataset) -> dict[str, int]:
    admin = data.admins[0]
    staff = Client()
    client_sign_in(staff, admin)
    counts = {name: _count(staff, path) for name, path in _pages().items()}
    phone = _supervisor_client(admin)
    counts |= {name: _count(phone, path) for name, path in PHONE_PAGES.items()}
    return counts


def test_each_page_costs_the_same_queries_for_n_and_5n_rows() -> None:
    data = Dataset()
    data.grow(1)
    small = _measure(data)
    rows = Duty.objects.count(), Finding.objects.count(), Assignment.objects.count()
    data.grow(4)
    large = _measure(data)
    assert Duty.objects.count() == 5 * rows[0] and Finding.objects.count() == 5 * rows[1]
    assert Assignment.objects.count() > 3 * rows[2]
    assert large == small
    # And few, page by page: the real numbers, so a query added to a page is a decision, not a drift.
    assert small == EXPECTED, small


# A signed-in staff page spends 5 queries on the frame (session, user, OTP device, the organisation;
# unread notifications) and none on saving the session (written at most once a minute,
# core.middleware.IdleSessionMiddleware); the rest is the page's own. The subtree's organisation ids and
# the programme ids are one query (roster.selectors._scope_ids_read, once per request; they were two).
# The home page's whole work queue is one query (jiandu.core.workqueue).
EXPECTED = {
    "dashboard": 7,
    "roster list": 10,
    "duty list": 7,
    "duty detail": 11,  # the programme's organisation read with the duty (it was one query more)
    "findings list": 7,
    "findings overdue": 7,
    "finding detail": 11,
    "phone: home": 6,
    "phone: my duties": 5,
    "phone: my opinions": 4,
    "phone: my profile": 10,
}


def test_duty_detail_and_lists_never_load_a_draw_record_or_pool_whole() -> None:
    data = Dataset()
    data.grow(1)
    staff = Client()
    client_sign_in(staff, data.admins[0])
    pages = _pages()
    for name in ("duty detail", "duty list", "roster list"):
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(pages[name]).status_code == 200
        sql = "\n".join(q["sql"] for q in ctx.captured_queries)
        for column in ('"duties_drawrecord"."record"', '"duties_drawcommitment"."pool"'):
            # Only JSON paths into them (the counts, the witnesses), never the column itself.
            assert not re.search(re.escape(column) + r'(, "|,\s*\(|\s+FROM)', sql), (name, column)
        for column in ("id_number", "phone", "address"):
            assert f'"roster_supervisor"."{column}",' not in sql, (name, column)
