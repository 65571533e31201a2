"""Cheaper appends (issue 18 §4): `target_type` and `target_id` lose their own indexes (two each on
PostgreSQL: plain and varchar_pattern_ops). No query used them — a lookup by object goes through
(target_type, target_id, seq), and the /audit/ filter ORs them with a substring match on target_repr,
which no index serves — while every append wrote all four, and every sealing UPDATE (never HOT: it
sets the indexed seq) wrote them again.

SQLite rebuilds the table to drop an index of a field, which drops its triggers: they are put back
after (and, undone, after the indexes come back)."""

import importlib

from django.db import migrations, models

_sealing = importlib.import_module("jiandu.audit.migrations.0004_deferred_sealing")


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL drops the indexes in place: its triggers stay
    _sealing.no_delete_drop(schema_editor)
    _sealing.sealing_trigger(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_deferred_sealing")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, triggers_again),
        migrations.AlterField(
            model_name="auditevent",
            name="target_type",
            field=models.CharField(blank=True, max_length=80, verbose_name="对象类型"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="target_id",
            field=models.CharField(blank=True, max_length=64, verbose_name="对象编号"),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
