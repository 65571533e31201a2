"""Keyset cursors of the staff lists: "YYYY-MM-DD.id", the sort key of the last row shown. A list walks
its (date, id) index from there and never counts the rows it does not show (docs/performance.md)."""

from __future__ import annotations

import datetime as dt


def date_id_cursor_parse(cursor: str | None) -> tuple[dt.date, int] | None:
    """(date, id) of a cursor, or None for no cursor or a malformed one (the list then starts at the top)."""
    try:
        on, _, pk = (cursor or "").partition(".")
        return dt.date.fromisoformat(on), int(pk)
    except ValueError:
        return None
