"""Keyset cursors of the staff lists: "YYYY-MM-DD.id", the sort key of the last row shown. A list walks
its (date, id) index from there and never counts the rows it does not show (docs/performance.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet


def date_id_cursor_parse(cursor: str | None) -> tuple[dt.date, int] | None:
    """(date, id) of a cursor, or None for no cursor or a malformed one (the list then starts at the top)."""
    try:
        on, _, pk = (cursor or "").partition(".")
        return dt.date.fromisoformat(on), int(pk)
    except ValueError:
        return None


def date_id_cursor(on: dt.date, pk: int) -> str:
    """The cursor of a row whose sort key is (on, pk): what date_id_cursor_parse reads back."""
    return f"{on.isoformat()}.{pk}"


def page_ids(qs: QuerySet[Any], *, field: str, key: tuple[dt.date, int] | None, size: int) -> QuerySet[Any]:
    """The ids of the `size` + 1 rows of `qs` that come after the cursor `key`, newest first by
    (`field`, id), as a sub-select for `id__in`. Where the list's (field, id) index carries every
    column `qs` filters on, the walk reads that index alone and no table row of the rows it passes
    (duties.selectors.duty_list_page, findings.selectors.finding_page); the caller then reads only
    the page's rows, by primary key."""
    ids = qs.select_related(None).order_by(f"-{field}", "-id")
    if key is not None:
        on, pk = key
        # `field <= date` says nothing new, but it is what the index walk can start from: the OR
        # alone is a filter, and page n walked the n - 1 pages before it again.
        ids = ids.filter(Q(**{f"{field}__lt": on}) | Q(**{field: on, "id__lt": pk}), **{f"{field}__lte": on})
    return ids.values("id")[: size + 1]
