"""Bulk writes for `sheet_generate`: a month's sheet at national size is tens of thousands of lines and
counted duties. On PostgreSQL each batch is one INSERT … SELECT that takes the whole batch as one
parameter (a JSON document for lines, two integer arrays for counted duties), with no model instances
and no per-value quoting in Python: that halved the sheet's CPU time (docs/allowances.md,
"Performance"). Elsewhere (SQLite, for development and tests) `bulk_create`.

Both write only rows of a draft sheet that the caller created or locked in its transaction; the
database triggers of migration 0002 still refuse lines of a frozen sheet.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from jiandu.allowances.models import SheetDuty, SheetLine


class NewLine(NamedTuple):
    sheet_id: int
    position: int
    supervisor_id: int
    full_name: str
    units: Decimal
    dates: str
    duties: list[dict[str, Any]]
    amount: Decimal


# Constant statements (no names built at run time); the tests run them on PostgreSQL.
_LINES_SQL = (
    "INSERT INTO allowances_sheetline"
    " (sheet_id, position, supervisor_id, full_name, units, dates, duties, amount, note)"
    " SELECT sheet_id, position, supervisor_id, full_name, units, dates, duties, amount, ''"
    " FROM jsonb_to_recordset(%s::jsonb) AS x(sheet_id bigint, position integer, supervisor_id bigint,"
    " full_name text, units numeric, dates text, duties jsonb, amount numeric)"
    " RETURNING id, position"
)
_COUNTED_SQL = (
    "INSERT INTO allowances_sheetduty (line_id, assignment_id)"
    " SELECT * FROM unnest(%s::bigint[], %s::bigint[])"
)
_DRAFT_DELETE_SQL = (
    "DELETE FROM allowances_sheetduty WHERE line_id IN (SELECT id FROM allowances_sheetline WHERE sheet_id = %s)",
    "DELETE FROM allowances_sheetline WHERE sheet_id = %s",
)


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def lines_insert(lines: Sequence[NewLine]) -> list[int]:
    """Insert the lines; returns their ids in the order given."""
    if not lines:
        return []
    if connection.vendor != "postgresql":
        objs = SheetLine.objects.bulk_create([SheetLine(**line._asdict()) for line in lines])
        return [o.pk for o in objs]
    doc = json.dumps([{k: _json(v) for k, v in line._asdict().items()} for line in lines], ensure_ascii=False)
    with connection.cursor() as cur:
        # jsonb_to_recordset keeps the document's order; RETURNING follows the rows inserted, and
        # `position` (unique within the batch) ties each id back to its line either way.
        cur.execute(_LINES_SQL, [doc])
        by_position = dict((position, pk) for pk, position in cur.fetchall())
    return [by_position[line.position] for line in lines]


def draft_clear(sheet_id: int) -> None:
    """Remove a draft's lines and counted duties before it is generated again: two plain DELETEs, where
    the ORM's deletion collector would first load every line and look for adjustments (which only
    ever point at lines of approved sheets; the foreign key still refuses anything else)."""
    with connection.cursor() as cur:
        for sql in _DRAFT_DELETE_SQL:
            cur.execute(sql, [sheet_id])


def counted_insert(line_ids: Sequence[int], assignment_ids: Sequence[int]) -> None:
    """One SheetDuty row per (line, assignment) pair."""
    if not line_ids:
        return
    if connection.vendor != "postgresql":
        SheetDuty.objects.bulk_create(
            SheetDuty(line_id=line, assignment_id=a) for line, a in zip(line_ids, assignment_ids, strict=True)
        )
        return
    with connection.cursor() as cur:
        cur.execute(_COUNTED_SQL, [list(line_ids), list(assignment_ids)])
