"""A database trigger that refuses UPDATE on audit events, so even raw SQL from the application
cannot rewrite history (the ORM already refuses). DELETE stays possible for the retention purge
(jiandu.audit.services.audit_purge); a deleted event shows up as a gap in `jiandu audit verify`.
Someone with DDL rights can drop the trigger: the hash chain is what catches that."""

from django.db import migrations

TRIGGER = "audit_event_no_update"
MESSAGE = "审计日志只能追加，不能修改"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON audit_auditevent "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON audit_auditevent "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}();"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER};")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditevent;")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
