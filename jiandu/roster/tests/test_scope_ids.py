"""The organisation and programme ids every scoped page reads first come from one statement
(roster.selectors._scope_ids_read) and are exactly what the two ORM queries it replaced returned."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from jiandu.core.request_context import current_request
from jiandu.orgs.models import Organisation
from jiandu.orgs.selectors import ancestor_ids, subtree_ids
from jiandu.roster.models import Programme, ProgrammeKind
from jiandu.roster.selectors import _scope_ids_read, programme_ids_under, programme_ids_visible_to

pytestmark = pytest.mark.django_db

ORGS = (
    "platform",
    "shandong_justice",
    "weihai_justice",
    "huancui_justice",
    "shanxi_prisons",
    "taiyuan_prison",
)


@pytest.fixture
def programmes(world: Any) -> list[Programme]:
    """A programme at each level of two branches of the demo tree."""
    return [
        Programme.objects.create(
            name=f"项目{key}",
            kind=ProgrammeKind.PEOPLE,
            organisation=world.orgs[key],
            rulebook_id="weihai-people-2024",
        )
        for key in ("shandong_justice", "weihai_justice", "huancui_justice", "shanxi_prisons")
    ]


def _orm(org: Organisation) -> tuple[list[int], list[int], list[int]]:
    """What the ORM queries read before (orgs.selectors.subtree_ids, roster.selectors._programme_ids)."""
    subtree = sorted(Organisation.objects.filter(path__startswith=org.path).values_list("id", flat=True))
    own: list[int] = []
    higher: list[int] = []
    rows = Programme.objects.filter(
        Q(organisation__path__startswith=org.path) | Q(organisation_id__in=ancestor_ids(org))
    ).order_by("id")
    for pk, path in rows.values_list("id", "organisation__path"):
        (own if path.startswith(org.path) else higher).append(pk)
    return subtree, own, higher


@pytest.mark.parametrize("key", ORGS)
def test_one_statement_reads_what_the_orm_queries_read(world: Any, programmes: Any, key: str) -> None:
    org = world.orgs[key]
    with CaptureQueriesContext(connection) as ctx:
        subtree, own, higher = _scope_ids_read(org)
    assert len(ctx.captured_queries) == 1
    assert (sorted(subtree), own, higher) == _orm(org)


def test_the_programme_ids_bring_the_subtree_with_them_once_per_request(world: Any, programmes: Any) -> None:
    org = world.orgs["weihai_justice"]
    token = current_request.set(RequestFactory().get("/"))
    try:
        with CaptureQueriesContext(connection) as ctx:
            own = programme_ids_under(org)
            ids = subtree_ids(org)
            assert programme_ids_under(org) == own and subtree_ids(org) == ids
        assert len(ctx.captured_queries) == 1
    finally:
        current_request.reset(token)
    expected_subtree, expected_own, _ = _orm(org)
    assert sorted(ids) == expected_subtree and own == expected_own


@pytest.mark.parametrize("username", ["weihai_admin", "huancui_staff", "shanxi_admin"])
def test_programmes_visible_are_those_run_at_under_and_above(
    world: Any, programmes: Any, username: str
) -> None:
    user = world.users[username]
    _, own, higher = _orm(user.organisation)
    assert programme_ids_visible_to(user) == [*own, *higher]
    assert higher or username != "huancui_staff"  # a district sees the city's and province's programmes
