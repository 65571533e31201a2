"""The tables behind the index-only list walks are vacuumed early on PostgreSQL (migration
core.0001_autovacuum_often; docs/performance.md, "Only on a vacuumed table")."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no autovacuum"),
]


@pytest.mark.parametrize("table", ["duties_duty", "duties_assignment", "findings_finding"])
def test_the_listed_tables_are_vacuumed_after_one_percent_changed(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [table])
        options = cursor.fetchone()[0] or []
    assert "autovacuum_vacuum_scale_factor=0.01" in options
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options
