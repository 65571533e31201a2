"""What a report is once built: columns, rows and totals, independent of HTML, Excel or PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

# Column kinds: how a value is shown and exported.
TEXT, INT, DATE, PCT, MONEY = "text", "int", "date", "pct", "money"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = TEXT


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def cells(self, row: dict[str, Any]) -> list[Any]:
        return [row.get(c.key, "") for c in self.columns]

    def total_cells(self) -> list[Any]:
        if self.totals is None:
            return []
        return [self.totals.get(c.key, "") for c in self.columns]


def sum_totals(
    rows: list[dict[str, Any]], columns: list[Column], label_key: str, label: str
) -> dict[str, Any]:
    """The 合计 row: the sum of every integer or money column."""
    totals: dict[str, Any] = {label_key: label}
    for c in columns:
        if c.kind in (INT, MONEY):
            totals[c.key] = sum((r.get(c.key) or 0 for r in rows), Decimal(0) if c.kind == MONEY else 0)
    return totals


def show(value: Any, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == DATE and isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)
