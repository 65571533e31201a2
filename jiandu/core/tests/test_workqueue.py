"""The work queue on each role's home page: non-empty for the demo accounts, every count equal to the
rows of the list it links to, and a constant number of queries however much there is to do."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiandu.accounts.models import User
from jiandu.accounts.testing import client_sign_in
from jiandu.core import workqueue
from jiandu.findings.models import Finding, Source, Status
from jiandu.roster import services as roster_services
from jiandu.roster.testing import make_programme, person

D = dt.date
COUNT = re.compile(r'data-testid="queue-([a-z_]+)"><strong class="count" data-count="(\d+)"')


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    from jiandu.core.demo import demo_build

    return demo_build()


@pytest.mark.parametrize("username", ["weihai_admin", "weihai_procurator", "weihai_supervisor"])
def test_each_role_sees_a_queue_whose_counts_match_the_lists_they_link_to(demo, client, username):  # type: ignore[no-untyped-def]
    client_sign_in(client, User.objects.get(username=username))
    page = client.get("/dashboard/").content.decode()
    counts = {key: int(n) for key, n in COUNT.findall(page)}
    assert counts, page
    assert sum(counts.values()) > 0, counts
    for key, n in counts.items():
        listed = client.get(f"/dashboard/queue/{key}/").content.decode()
        assert listed.count('data-testid="queue-row"') == n, key


def test_an_entry_of_another_role_is_a_404(demo, client):  # type: ignore[no-untyped-def]
    client_sign_in(client, User.objects.get(username="weihai_procurator"))
    assert client.get("/dashboard/queue/findings_triage/").status_code == 404
    assert client.get("/dashboard/queue/no-such-entry/").status_code == 404


def _finding(programme: Any, agency: Any, n: int) -> None:
    Finding.objects.create(
        programme=programme,
        agency=agency,
        source=Source.OPINION,
        title=f"意见{n}",
        text="内容",
        submitted_on=D(2026, 11, 1) + dt.timedelta(days=n % 10),
        status=Status.SUBMITTED if n % 2 else Status.FORWARDED,
        forwarded_on=None if n % 2 else D(2026, 11, 2),
        reply_due=None if n % 2 else D(2026, 11, 10),
    )


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["weihai_admin", "wanzhou_market_staff"])
def test_the_home_page_costs_the_same_number_of_queries_however_much_is_queued(world, client, username):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "weihai-admin-2022")
    agency = (
        world.orgs["wanzhou_market"] if username == "wanzhou_market_staff" else world.orgs["huancui_justice"]
    )
    client_sign_in(client, world.users[username])
    for n in range(2):
        _finding(programme, agency, n)
    small = _queries(client)
    for n in range(2, 30):
        _finding(programme, agency, n)
    for n in range(5):
        roster_services.supervisor_appoint(
            actor=None,
            programme=programme,
            person=person(n + 1),
            starts_on=D(2024, 12, 20),
            on=D(2024, 12, 20),
        )
    assert _queries(client) == small
    items = {i.key: i for i in workqueue.queue_for(world.users[username], today=D(2026, 11, 16))}
    if username == "weihai_admin":
        assert items["findings_triage"].count == 15 and items["findings_triage"].oldest == D(2026, 11, 2)
        assert items["findings_overdue"].count == 15
        assert items["terms_ending"].count == 5  # two-year terms ending 2026-12-19
    else:
        assert items["findings_to_answer"].count == 15 and items["findings_to_answer"].oldest == D(
            2026, 11, 10
        )


def test_a_count_stops_at_the_cap_and_shows_99_plus_with_the_true_oldest_date(world, client):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "weihai-admin-2022")
    agency = world.orgs["huancui_justice"]
    for n in range(2 * workqueue.COUNT_CAP + 1):  # 101 submitted (odd n), 100 forwarded
        _finding(programme, agency, n)
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="queue-findings_triage"><strong class="count" data-count="100">99+</strong>' in page
    items = {i.key: i for i in workqueue.queue_for(world.users["weihai_admin"], today=D(2026, 11, 16))}
    assert items["findings_triage"].count == workqueue.COUNT_CAP
    assert items["findings_triage"].oldest == D(2026, 11, 2)  # the earliest of all 101, not of 100


def test_the_home_page_reads_the_subtree_once(world, client):  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["weihai_admin"])
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/dashboard/").status_code == 200
    # The subtree's ids are read once, with the programme ids (roster.selectors._scope_ids_read).
    reads = ('FROM "orgs_organisation" WHERE', 'FROM "orgs_organisation" o WHERE')
    subtree = [q for q in ctx.captured_queries if any(r in q["sql"] for r in reads) and "LIKE" in q["sql"]]
    assert len(subtree) == 1, [q["sql"] for q in subtree]
