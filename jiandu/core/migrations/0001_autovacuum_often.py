"""Autovacuum for the tables whose lists are read by index-only walks (docs/performance.md, "Only on
a vacuumed table"): the duty list and the findings list take their page's ids from covering indexes,
and the home page's work queue walks covering and partial indexes of duties, assignments and findings.
An entry on a heap page that the visibility map does not mark all-visible costs a table read again,
and the newest rows, the ones being drawn, invited, held, forwarded and answered, are the ones the
pages read first. So these tables are vacuumed after 1% of their rows changed or were inserted, not
PostgreSQL's default 20% (500,000 changed duties at national scale). A database administrator may
still set other values per table; this migration only sets them once."""

from django.db import migrations

TABLES = ("duties_duty", "duties_assignment", "findings_finding")
SCALE_FACTORS = ("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_insert_scale_factor")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite has no autovacuum
    options = ", ".join(f"{name} = 0.01" for name in SCALE_FACTORS)
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET ({options})")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET ({', '.join(SCALE_FACTORS)})")


class Migration(migrations.Migration):
    dependencies = [
        ("duties", "0011_list_order_scope"),
        ("findings", "0009_list_scope"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
