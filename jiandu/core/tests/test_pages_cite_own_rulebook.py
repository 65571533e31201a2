"""Every page of a programme cites only its own rulebook (issue #10 §1).

For each of the five rulebooks, the database holds one programme under it (with a supervisor, a duty
that has been drawn, an opinion forwarded to an agency and a complaint). The programme's admin, the
agency's staff, the supervisor and an anonymous visitor each follow every link of the site from the
start page; every article number on every page must exist in that programme's rulebook (or the one it
extends), and no other rulebook's title may appear."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlparse

import pytest
import time_machine
from django.test import Client

from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.accounts.testing import client_sign_in
from jiandu.core.demo import DEMO_PASSWORD
from jiandu.duties import services as duties
from jiandu.findings import services as findings
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor, SupervisorStatus
from jiandu.rules.rulebook import list_rulebooks, load_rulebook

pytestmark = pytest.mark.django_db

# rulebook → (programme kind, running organisation, its admin, agency organisation, agency account)
PROGRAMMES = {
    "weihai-people-2024": (
        ProgrammeKind.PEOPLE,
        "weihai_justice",
        "weihai_admin",
        "weihai_procuratorate",
        "weihai_procurator",
    ),
    "weihai-admin-2022": (
        ProgrammeKind.ADMINISTRATIVE,
        "weihai_justice",
        "weihai_admin",
        "weihai_market",
        "",
    ),
    "wanzhou-admin-2024": (
        ProgrammeKind.ADMINISTRATIVE,
        "wanzhou_justice",
        "wanzhou_admin",
        "wanzhou_market",
        "wanzhou_market_staff",
    ),
    "shanxi-prison-2023": (
        ProgrammeKind.PRISON,
        "shanxi_prisons",
        "shanxi_admin",
        "taiyuan_prison",
        "taiyuan_prison_staff",
    ),
    "ningxia-prison-2020": (ProgrammeKind.PRISON, "ningxia_prisons", "ningxia_admin", "yinchuan_prison", ""),
}
CITATION = re.compile(
    r"第[零〇一二三四五六七八九十百\d]+条(?:第[一二三四五六七八九十]+款)?(?:第?（[一二三四五六七八九十]+）项?)?"
)
MAX_PAGES = 400
SKIP = ("/accounts/logout", "/i18n/", "/static/", "/media/")
# Pages that offer every rulebook to choose from (creating a programme): titles, not citations.
RULEBOOK_CHOOSERS = {"/roster/new/"}


def _world(world: Any, rulebook_id: str) -> dict[str, Any]:
    kind, org_key, admin_key, agency_key, agency_user = PROGRAMMES[rulebook_id]
    admin = world.users[admin_key]
    agency = world.orgs[agency_key]
    staff = world.users.get(agency_user) or user_create(
        actor=None,
        username=f"agency_{agency_key}",
        password=DEMO_PASSWORD,
        role=Role.AGENCY_STAFF,
        organisation=agency,
        full_name="单位工作人员",
    )
    programme = Programme.objects.create(
        name="测试项目", kind=kind, organisation=world.orgs[org_key], rulebook_id=rulebook_id
    )
    user = world.users["weihai_supervisor"]
    me = Supervisor.objects.create(
        programme=programme,
        full_name="刘洋",
        user=user,
        status=SupervisorStatus.ACTIVE,
        initial_training_on=dt.date(2025, 1, 10),
    )
    for name in ("陈晨", "赵敏", "孙丽"):
        Supervisor.objects.create(programme=programme, full_name=name, status=SupervisorStatus.ACTIVE)
    # A duty, drawn (its pool, notes and contacts are on the page).
    duty = duties.duty_request(
        actor=staff,
        data=duties.DutyRequestData(
            programme=programme,
            kind="hearing",
            title="某某案公开听证",
            duty_on=dt.date(2026, 3, 23),
            place="听证室",
            supervisors_needed=2,
            parties=("某某有限公司",),
        ),
    )
    commitment = duties.draw_open(actor=admin, duty=duty)
    duties.draw_perform(
        actor=admin, commitment=commitment, witnesses=[{"name": "张三", "role": "见证人", "value": "7"}]
    )
    # An opinion, forwarded to the agency, and a complaint from the public.
    finding = findings.finding_submit(
        actor=user,
        supervisor=me,
        agency=agency,
        text="执法人员未出示证件。",
        title="未出示证件",
        source="opinion",
        confidential=False,
        occurred_on=dt.date(2026, 3, 5),
        uploads=[],
    )
    findings.finding_forward(actor=admin, finding=finding, reply_due=dt.date(2026, 4, 30))
    findings.complaint_submit(
        actor=None,
        programme=programme,
        supervisor_name="陈晨",
        text="活动中索要财物。",
        complainant_phone="13912345678",
    )
    return {"admin": admin, "agency": staff, "supervisor": user}


def _crawl(client: Client) -> dict[str, str]:
    """GET every same-site page reachable from the start pages; url → HTML."""
    seen: set[str] = set()
    pages: dict[str, str] = {}
    queue = deque(["/", "/dashboard/", "/public/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in re.findall(r'href="([^"#]+)', html):
            target = urldefrag(href)[0]
            parsed = urlparse(target)
            if not parsed.netloc and target.startswith("/") and target not in seen:
                queue.append(target)
    return pages


@pytest.mark.parametrize("rulebook_id", sorted(PROGRAMMES))
def test_every_page_cites_only_the_programmes_rulebook(client: Client, world: Any, rulebook_id: str) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=True):
        people = _world(world, rulebook_id)
    book = load_rulebook(rulebook_id)
    chain = {b.id for b in book.chain}
    others = [load_rulebook(r).title for r in list_rulebooks() if r not in chain]
    problems: list[str] = []
    visited = 0
    for who in ("admin", "agency", "supervisor", None):
        client.logout()
        if who is not None:
            client_sign_in(client, people[who])
        pages = _crawl(client)
        visited += len(pages)
        for url, html in pages.items():
            for citation in set(CITATION.findall(html)):
                if book.resolve_article(citation) is None:
                    problems.append(f"{who} {url}: {citation}")
            for title in others if url not in RULEBOOK_CHOOSERS else []:
                if title in html:
                    problems.append(f"{who} {url}: 《{title}》")
    assert visited > 40, visited
    assert not problems, f"pages of a {rulebook_id} programme cite another text:\n" + "\n".join(
        sorted(problems)
    )
