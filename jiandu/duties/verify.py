"""Checking a stored draw record: the published checks (docs/draw.md §5, §II.5) plus the database's
own columns and the commitment row published when the draw was opened (for v2, the pool file)."""

from __future__ import annotations

from jiandu.duties.models import DrawRecord
from jiandu.rules import draw as d
from jiandu.rules import draw_v2


def record_problems(row: DrawRecord) -> list[str]:
    """The checks of docs/draw.md §5, plus: the stored columns agree with the record, and the record
    agrees with the commitment published when the draw was opened."""
    record = row.record
    published = row.commitment
    if record.get("algorithm") == draw_v2.ALGORITHM:
        problems = draw_v2.record_verify(record, published.pool)
        if published.requirements != record.get("requirements"):
            problems.append("requirements: the record's differ from those published with the commitment")
    else:
        problems = d.record_verify(record)
    if row.record_hash != record.get("record_hash"):
        problems.append(
            f"record_hash column {row.record_hash} differs from the record's {record.get('record_hash')}"
        )
    if published.commitment != record.get("commitment"):
        problems.append(
            f"commitment: published {published.commitment}, record says {record.get('commitment')}"
        )
    if published.pool_hash != record.get("pool_hash"):
        problems.append(f"pool_hash: published {published.pool_hash}, record says {record.get('pool_hash')}")
    return problems
