"""Issue 11 #7: `jiandu backup` / `jiandu restore` round-trip a database with 0 differences, and
verify the audit chain against the backup's signed checkpoint after the restore."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from jiandu.audit.models import AuditEvent
from jiandu.audit.services import audit_record


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        out[model._meta.label] = [
            {k: str(v) for k, v in row.items()} for row in model._default_manager.order_by("pk").values()
        ]
    return out


def _round_trip(tmp_path: Path, world: Any) -> None:
    for i in range(5):
        audit_record(actor=None, actor_name="tester", action="test.write", target_id=str(i))
    before = _snapshot()
    assert sum(len(v) for v in before.values()) > 50
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    assert "已备份" in out.getvalue()
    # Life goes on after the backup: more events, a changed row.
    audit_record(actor=None, actor_name="tester", action="test.after_backup")
    world.users["auditor"].full_name = "改过的名字"
    world.users["auditor"].save()
    out = io.StringIO()
    call_command("restore", str(tmp_path / "b"), "--yes", stdout=out)
    assert "审计链完整" in out.getvalue()
    after = _snapshot()
    differences = {k: (len(before[k]), len(after.get(k, []))) for k in before if before[k] != after.get(k)}
    assert differences == {}, differences
    assert not AuditEvent.objects.filter(action="test.after_backup").exists()


# Committed data only: pg_dump reads from another connection, and SQLite's backup waits for an open
# write transaction to end.
@pytest.mark.django_db(transaction=True)
def test_round_trip_finds_no_difference(tmp_path: Path, world: Any) -> None:
    _round_trip(tmp_path, world)


@pytest.mark.django_db(transaction=True)
def test_a_tampered_backup_is_refused(tmp_path: Path, world: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the file check is the same on both engines; run once")
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    data = tmp_path / "b" / "database.sqlite3"
    data.write_bytes(data.read_bytes() + b"x")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(tmp_path / "b"), "--yes", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "b"), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_restore_names_the_missing_keys(tmp_path: Path, world: Any, settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("run once")
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    settings.JIANDU_LOOKUP_KEY = "another-machine"
    with pytest.raises(CommandError, match="JIANDU_LOOKUP_KEY"):
        call_command("restore", str(tmp_path / "b"), "--yes", stdout=io.StringIO())
