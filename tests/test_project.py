"""The project's promises to a newcomer: the `jiandu` command works both ways, secrets stay out of git,
and the demo world can be built twice without doubling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_jiandu_is_the_manage_py_both_as_a_script_and_as_a_module() -> None:
    script = Path(sys.executable).with_name("jiandu")
    for command in ([str(script), "help", "demo"], [sys.executable, "-m", "jiandu", "help", "demo"]):
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        assert "生成演示数据" in result.stdout


def test_generated_development_secrets_live_in_a_git_ignored_folder() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "var/dev-secrets.json", "var/jiandu.sqlite3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.stdout.split() == ["var/dev-secrets.json", "var/jiandu.sqlite3"]


@pytest.mark.django_db
def test_the_demo_world_is_idempotent() -> None:
    from jiandu.accounts.models import User
    from jiandu.audit.models import AuditEvent
    from jiandu.core.demo import demo_build
    from jiandu.orgs.models import Organisation

    first = demo_build()
    counts = (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count())
    second = demo_build()
    assert (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    assert {a["username"] for a in first.accounts} == {a["username"] for a in second.accounts}
    # The demo supervisor has an invitation to answer on the phone (jiandu/duties/demo.py).
    from jiandu.duties.models import Assignment

    assert Assignment.objects.filter(
        supervisor__user__username="weihai_supervisor", status="invited"
    ).exists()
    assert {u.role for u in User.objects.all()} == {
        "programme_admin",
        "regional_staff",
        "agency_staff",
        "supervisor",
        "auditor",
        "security_admin",
        "system_admin",
    }


@pytest.mark.django_db
def test_the_demo_still_builds_in_a_year_whose_holiday_notice_is_not_loaded() -> None:
    import datetime as dt

    import time_machine

    from jiandu.accounts.models import User
    from jiandu.core.demo import demo_build

    with time_machine.travel(
        dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=True
    ):
        world = demo_build()
    assert User.objects.filter(username="weihai_admin").exists()
    # 2027 has no loaded notice: its dates are provisional (暂定), so no part of the demo is left out.
    assert not any("jiandu calendar load" in note for note in world.extra.get("notes", []))
