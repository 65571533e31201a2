"""`__any_of` (jiandu.core.lookups) selects exactly what `__in` selects, on a column and on a foreign
key, for ids, objects, nothing, None and a sub-select; on PostgreSQL a list is one array parameter."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiandu.orgs.models import Organisation


def _ids(**filters: Any) -> list[int]:
    return sorted(Organisation.objects.filter(**filters).values_list("pk", flat=True))


def test_any_of_selects_what_in_selects(world):  # type: ignore[no-untyped-def]
    orgs = list(Organisation.objects.order_by("pk"))
    some = [o.pk for o in orgs[1::3]]
    assert some and _ids(pk__any_of=some) == _ids(pk__in=some)
    assert _ids(pk__any_of=[*some, None]) == _ids(pk__in=some)
    assert _ids(pk__any_of=[]) == [] == _ids(pk__any_of=[None])
    parents = [o.parent_id for o in orgs if o.parent_id is not None][:3]
    assert _ids(parent_id__any_of=parents) == _ids(parent_id__in=parents) != []
    assert _ids(parent__any_of=[Organisation(pk=p) for p in parents]) == _ids(parent__in=parents)
    below = Organisation.objects.filter(parent_id__in=parents).values("pk")
    assert _ids(pk__any_of=below) == _ids(pk__in=below) != []


def test_on_postgresql_a_list_is_one_array_parameter(world):  # type: ignore[no-untyped-def]
    some = list(Organisation.objects.values_list("pk", flat=True)[:5])
    with CaptureQueriesContext(connection) as ctx:
        _ids(parent_id__any_of=some)
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert '"parent_id" = ANY(' in sql and " IN (" not in sql, sql
    else:
        assert '"parent_id" IN (' in sql, sql
