"""Reads of the organisation tree, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from jiandu.core.request_context import request_memo
from jiandu.orgs.models import Level, Organisation, OrgKind


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not user.is_authenticated or user.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(path__startswith=user.organisation.path)


# The organisation that stands for an area (所在区县) is the area's justice bureau: procuratorates,
# courts and agencies share its region but are not districts, and must not be offered as one.
AREA_KINDS = (OrgKind.JUSTICE_BUREAU,)


def districts_within(
    roots: Iterable[Organisation], *, levels: Iterable[str] = (Level.DISTRICT,)
) -> QuerySet[Organisation]:
    """The areas (区县, and the city itself where `levels` includes it) under any of `roots`."""
    area = Q(pk__in=[])
    for root in roots:
        area |= root.subtree_q()
    return Organisation.objects.filter(area, kind__in=AREA_KINDS, level__in=list(levels)).order_by("path")


def subtree_ids(org: Organisation | None) -> list[int]:
    """The ids of `org` and every organisation under it, in one indexed prefix query, once per request.

    Lists scope by these ids (`agency_id IN (…)`) rather than by joining the organisation table and
    OR-ing `path LIKE` conditions: the plan then reads the listed table's own indexes and stops at the
    page (docs/performance.md). A page that scopes several reads (the home page's work queue) asks the
    database once: the ids are remembered for the rest of a GET request (`request_memo`)."""
    if org is None:
        return []
    path = org.path
    return request_memo(
        ("orgs.subtree_ids", path),
        lambda: list(
            Organisation.objects.filter(path__startswith=path).order_by().values_list("id", flat=True)
        ),
    )


def subtree_ids_remember(org: Organisation, ids: list[int]) -> None:
    """Give subtree_ids the ids of `org`'s subtree read by another statement of this request (the
    programme ids' read returns them too: jiandu.roster.selectors), so it does not ask again."""
    path = org.path
    request_memo(("orgs.subtree_ids", path), lambda: ids)


# Above this many ids a filter takes the subtree as a sub-select instead of a literal list: a national
# bureau's subtree is thousands of organisations, and every query that scopes by it would otherwise
# carry (and plan) the whole list.
SUBTREE_LITERAL_MAX = 500


def subtree_in(org: Organisation | None) -> list[int] | QuerySet[Organisation, Any]:
    """What to give an `__in` filter for "organisation `org` or below it": subtree_ids (remembered
    for the request) when they are few, else the indexed prefix query as a sub-select."""
    ids = subtree_ids(org)
    if org is None or len(ids) <= SUBTREE_LITERAL_MAX:
        return ids
    return Organisation.objects.filter(path__startswith=org.path).order_by().values("id")


def ancestor_ids(org: Organisation) -> list[int]:
    """The ids of the organisations above `org`, nearest last, read from its materialised path (each
    segment is an id: orgs.services), without a query."""
    return [int(segment) for segment in org.path.split(".") if segment][:-1]
