"""Database triggers behind the freeze: once a sheet is approved, its lines cannot be inserted, updated
or deleted, and the sheet itself can only go from 已审核 to 已发放 (payment date and reference), never
back, never with another total, period, preparer or approver, and (on PostgreSQL) never be deleted. The
ORM guard (SheetLine.save/delete) and the services refuse first; this catches raw SQL and queryset updates.
On SQLite (development) deletes stay possible: the test database is emptied with DELETE between tests,
where PostgreSQL uses TRUNCATE, which row triggers do not see."""

from django.db import migrations

FROZEN = "('approved', 'paid')"
LINE_MSG = "发放表已审核，明细不能修改"
SHEET_MSG = "发放表已审核，不能修改"

SHEET_CHANGED_SQLITE = (
    "NEW.total IS NOT OLD.total OR NEW.period_start IS NOT OLD.period_start OR NEW.period_end IS NOT OLD.period_end"
    " OR NEW.programme_id IS NOT OLD.programme_id OR NEW.kind IS NOT OLD.kind OR NEW.number IS NOT OLD.number"
    " OR NEW.prepared_by_id IS NOT OLD.prepared_by_id OR NEW.approved_by_id IS NOT OLD.approved_by_id"
    " OR NEW.rates IS NOT OLD.rates OR NEW.pending IS NOT OLD.pending"
    " OR NEW.status NOT IN ('approved', 'paid') OR (OLD.status = 'paid' AND NEW.status <> 'paid')"
)
SHEET_CHANGED_PG = SHEET_CHANGED_SQLITE.replace(" IS NOT ", " IS DISTINCT FROM ")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    if vendor == "sqlite":
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD")):
            run(
                f"CREATE TRIGGER allowances_line_frozen_{event.lower()} BEFORE {event} ON allowances_sheetline "
                f"WHEN (SELECT status FROM allowances_sheet WHERE id = {row}.sheet_id) IN {FROZEN} "
                f"BEGIN SELECT RAISE(ABORT, '{LINE_MSG}'); END;"
            )
        run(
            "CREATE TRIGGER allowances_sheet_frozen_update BEFORE UPDATE ON allowances_sheet "
            f"WHEN OLD.status IN {FROZEN} AND ({SHEET_CHANGED_SQLITE}) "
            f"BEGIN SELECT RAISE(ABORT, '{SHEET_MSG}'); END;"
        )
    elif vendor == "postgresql":
        run(
            "CREATE OR REPLACE FUNCTION allowances_line_frozen() RETURNS trigger AS $$ "
            "DECLARE sid bigint; BEGIN "
            "IF TG_OP = 'INSERT' THEN sid := NEW.sheet_id; ELSE sid := OLD.sheet_id; END IF; "
            f"IF (SELECT status FROM allowances_sheet WHERE id = sid) IN {FROZEN} THEN "
            f"RAISE EXCEPTION '{LINE_MSG}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
        )
        run(
            "CREATE TRIGGER allowances_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON allowances_sheetline "
            "FOR EACH ROW EXECUTE FUNCTION allowances_line_frozen();"
        )
        run(
            "CREATE OR REPLACE FUNCTION allowances_sheet_frozen() RETURNS trigger AS $$ BEGIN "
            f"IF OLD.status IN {FROZEN} AND (TG_OP = 'DELETE' OR {SHEET_CHANGED_PG}) THEN "
            f"RAISE EXCEPTION '{SHEET_MSG}'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql;"
        )
        run(
            "CREATE TRIGGER allowances_sheet_frozen BEFORE UPDATE OR DELETE ON allowances_sheet "
            "FOR EACH ROW EXECUTE FUNCTION allowances_sheet_frozen();"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in ("line_frozen_insert", "line_frozen_update", "sheet_frozen_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS allowances_{name};")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS allowances_line_frozen ON allowances_sheetline;")
        schema_editor.execute("DROP TRIGGER IF EXISTS allowances_sheet_frozen ON allowances_sheet;")
        schema_editor.execute("DROP FUNCTION IF EXISTS allowances_line_frozen();")
        schema_editor.execute("DROP FUNCTION IF EXISTS allowances_sheet_frozen();")


class Migration(migrations.Migration):
    dependencies = [("allowances", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
