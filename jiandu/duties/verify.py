"""Checking a stored draw record: the published checks (docs/draw.md §5) plus the database's own
columns and the commitment row published when the draw was opened."""

from __future__ import annotations

from jiandu.duties.models import DrawRecord
from jiandu.rules import draw as d


def record_problems(row: DrawRecord) -> list[str]:
    """The checks of docs/draw.md §5, plus: the stored columns agree with the record, and the record
    agrees with the commitment published when the draw was opened."""
    record = row.record
    problems = d.record_verify(record)
    if row.record_hash != record.get("record_hash"):
        problems.append(
            f"record_hash column {row.record_hash} differs from the record's {record.get('record_hash')}"
        )
    published = row.commitment
    if published.commitment != record.get("commitment"):
        problems.append(
            f"commitment: published {published.commitment}, record says {record.get('commitment')}"
        )
    if published.pool_hash != record.get("pool_hash"):
        problems.append(f"pool_hash: published {published.pool_hash}, record says {record.get('pool_hash')}")
    return problems
