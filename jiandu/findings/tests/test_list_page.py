"""The findings list's keyset pages (findings.selectors.finding_page), through the list page: the
page's ids are chosen in a sub-select over the (submitted_on, id) index and its rows read by id
without the scope again; walked page by page, with and without the status and overdue filters, they
are exactly the findings the user may see, newest first, each once, ties on a date included."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import QuerySet
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.findings.models import Finding, Source, Status
from jiandu.findings.selectors import (
    agency_findings_queryset,
    findings_for_reporter,
    findings_for_staff,
    overdue_q,
)
from jiandu.roster.models import Programme, Supervisor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Few dates, many findings on each: the cursor's tie-break on id is what pages within a date.
DATES = [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]
# Due dates either side of TODAY, so the overdue filter keeps some forwarded and rectifying findings
# and drops others.
DUES = [dt.date(2026, 5, 1), dt.date(2026, 7, 1)]
STATUSES = [Status.SUBMITTED, Status.FORWARDED, Status.RECTIFYING, Status.CLOSED]


def _findings(world: Any, weihai: Programme, wanzhou: Programme, reporter: Supervisor) -> None:
    agencies = ["weihai_market", "huancui_procuratorate", "wanzhou_market"]
    combos = itertools.product(range(6), [weihai, wanzhou], agencies, STATUSES, DUES, [reporter, None])
    rows = []
    for n, (_, prog, agency, status, due, who) in enumerate(combos):
        forwarded = status != Status.SUBMITTED
        rows.append(
            Finding(
                programme=prog,
                agency=world.orgs[agency],
                source=Source.LEAD,
                reporter=who if prog == weihai else None,
                title=f"意见 {n}",
                text="执法人员未出示证件",
                status=status,
                submitted_on=DATES[n % len(DATES)],
                forwarded_on=DATES[n % len(DATES)] if forwarded else None,
                reply_due=due if forwarded else None,
                rectify_due=due if status == Status.RECTIFYING else None,
            )
        )
    Finding.objects.bulk_create(rows)


def _walk(client: Any, query: str) -> list[int]:
    walked: list[int] = []
    after = ""
    for _ in range(Finding.objects.count() + 1):
        response = client.get(f"{reverse('findings:list')}?{query}{after}")
        assert response.status_code == 200
        page = response.context["page"]
        assert page.first == (after == "")
        walked += [f.pk for f in page.rows]
        if page.next_cursor is None:
            return walked
        after = f"&after={page.next_cursor}"
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("query", ["", "status=forwarded", "overdue=1"])
@pytest.mark.parametrize(
    "username", ["weihai_admin", "wanzhou_admin", "weihai_market_staff", "weihai_supervisor"]
)
def test_pages_walk_every_visible_finding_once_in_order(
    client: Any,
    world: Any,
    weihai: Programme,
    wanzhou: Programme,
    reporter: Supervisor,
    agency_user: Any,
    username: str,
    query: str,
) -> None:
    _findings(world, weihai, wanzhou, reporter)
    user = world.users.get(username) or agency_user
    scope: QuerySet[Finding] = {
        "weihai_admin": findings_for_staff,
        "wanzhou_admin": findings_for_staff,
        "weihai_market_staff": agency_findings_queryset,
        "weihai_supervisor": findings_for_reporter,
    }[username](user)
    if query == "status=forwarded":
        scope = scope.filter(status=Status.FORWARDED)
    if query == "overdue=1":
        scope = scope.filter(overdue_q(TODAY))
    expected = list(scope.order_by("-submitted_on", "-id").values_list("id", flat=True))
    assert len(expected) > 30, "more than one page of 30"
    assert len(expected) < Finding.objects.count() or username == "weihai_admin"
    client_sign_in(client, user)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert _walk(client, query) == expected
