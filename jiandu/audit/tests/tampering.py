"""Simulating an attacker with direct database access (test helper)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from jiandu.audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table


def drop_append_only_trigger() -> None:
    """The attacker first removes the UPDATE trigger (migration audit 0002); the test's transaction
    rolls the DDL back afterwards on both SQLite and PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS audit_event_no_update ON {TABLE}")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")


def raw_update(seq: int, **values: Any) -> None:
    sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {sets} WHERE seq = %s", [*values.values(), seq])  # noqa: S608


def raw_delete(seq: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [seq])  # noqa: S608


def raw_insert(**values: Any) -> None:
    cols = ", ".join(connection.ops.quote_name(k) for k in values)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({cols}) VALUES ({marks})", list(values.values()))  # noqa: S608


def raw_head(**values: Any) -> None:
    from jiandu.audit.models import AuditChainHead

    table = AuditChainHead._meta.db_table
    sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} WHERE id = 1", list(values.values()))  # noqa: S608
