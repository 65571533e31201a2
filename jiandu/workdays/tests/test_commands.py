"""`jiandu rules …` and `jiandu calendar …`: JSON on stdout; bad input → a clear message, non-zero exit."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).parent / "data"


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_rules_list_and_show() -> None:
    ids = [r["id"] for r in run("rules", "list")]
    assert {
        "shanxi-prison-2023",
        "weihai-admin-2022",
        "weihai-people-2024",
        "wanzhou-admin-2024",
        "ningxia-prison-2020",
    } <= set(ids)
    shown = run("rules", "show", "weihai-people-2024", "--on", "2026-11-22")
    assert isinstance(shown, dict)
    assert shown["parameters"]["duty.request_lead_working_days"] == {
        "value": 5,
        "rulebook": "weihai-people-2024",
        "article": "第十条第一款",
        "note": "在开展监督活动五个工作日前通知市司法局",
    }
    assert shown["parameters"]["term.years"]["rulebook"] == "national-people-2021"
    wanzhou = run("rules", "show", "wanzhou-admin-2024", "--on", "2026-11-22")
    assert wanzhou["parameters"]["findings.rectification_deadline_days"]["value"] is None


def test_rules_check_passes() -> None:
    result = run("rules", "check")
    assert isinstance(result, dict)
    assert result["ok"] is True
    assert all(r["cases"] == r["cases_passed"] for r in result["rulebooks"])


def test_rules_eligibility(tmp_path: Path) -> None:
    person = tmp_path / "p.json"
    person.write_text(json.dumps({"birth_date": "2004-06-01", "education": "associate"}), encoding="utf-8")
    out = run(
        "rules",
        "eligibility",
        "--rulebook",
        "shanxi-prison-2023",
        "--person",
        str(person),
        "--on",
        "2026-11-22",
    )
    assert isinstance(out, dict)
    assert out["outcome"] == "ineligible"
    reason = out["reasons"][0]
    assert reason["code"] == "age.below_min" and reason["article"] == "第五条第（一）项"
    assert reason["rulebook"] == "shanxi-prison-2023" and reason["facts"]["age"] == 22
    assert "周岁" in reason["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rules", "show", "atlantis-2030"), "找不到规则"),
        (
            (
                "rules",
                "eligibility",
                "--rulebook",
                "shanxi-prison-2023",
                "--person",
                "/nonexistent.json",
                "--on",
                "2026-11-22",
            ),
            "无法读取",
        ),
        (("rules", "show", "shanxi-prison-2023", "--on", "2026-02-30"), "无效"),
    ],
)
def test_rules_bad_input(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=io.StringIO())


def test_rules_eligibility_unknown_field(tmp_path: Path) -> None:
    person = tmp_path / "p.json"
    person.write_text(json.dumps({"birth_date": "1990-01-01", "shoe_size": 42}), encoding="utf-8")
    with pytest.raises(CommandError, match="shoe_size"):
        call_command(
            "rules",
            "eligibility",
            "--rulebook",
            "wanzhou-admin-2024",
            "--person",
            str(person),
            "--on",
            "2026-11-22",
        )


@pytest.mark.django_db
def test_calendar_commands() -> None:
    day = run("calendar", "is-working-day", "2025-10-11")
    assert day["working_day"] is True and day["provisional"] is False
    assert run("calendar", "add-working-days", "2025-09-29", "5")["date"] == "2025-10-13"
    assert run("calendar", "subtract-working-days", "2025-10-13", "5")["date"] == "2025-09-29"
    deadline = run("calendar", "deadline", "2026-09-01", "--days", "30")
    assert deadline == {
        "from": "2026-09-01",
        "days": 30,
        "region": None,
        "date": "2026-10-08",
        "extended": True,
        "provisional": False,
        "provisional_years": [],
        "note": "",
        "database": True,
    }


@pytest.mark.django_db(transaction=True)
def test_calendar_provisional_year_then_load() -> None:
    before = run("calendar", "is-working-day", "2027-02-13")
    assert before["working_day"] is False and before["provisional"] is True
    assert before["provisional_years"] == [2027]
    loaded = run("calendar", "load", str(DATA / "TEST-fictitious-2027-national.yaml"))
    assert loaded["loaded"] is True and loaded["year"] == 2027
    after = run("calendar", "is-working-day", "2027-02-13")  # the fictitious make-up Saturday
    assert after["working_day"] is True and after["provisional"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calendar", "is-working-day", "22/11/2026"), "YYYY-MM-DD"),
        (("calendar", "add-working-days", "2026-01-05", "three"), "整数"),
        (("calendar", "add-working-days", "2026-01-05", "-3"), "负数"),
        (("calendar", "deadline", "2026-01-05", "--days", "0"), "至少为1"),
        (("calendar", "is-working-day", "2026-01-05", "--region", "ningxia"), "6位"),
        (("calendar", "load", "/nonexistent.yaml"), "无法读取"),
    ],
)
def test_calendar_bad_input(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(*args, stdout=io.StringIO())


def test_command_line_errors_have_no_traceback(tmp_path: Path) -> None:
    """Through the real `jiandu` entry point: non-zero exit, a message, no traceback."""
    env = {**os.environ, "JIANDU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jiandu.settings"}
    cmd = [
        sys.executable,
        "-m",
        "jiandu",
        "rules",
        "eligibility",
        "--rulebook",
        "nowhere",
        "--person",
        "x",
        "--on",
        "2026-11-22",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode != 0
    assert "找不到规则" in result.stderr
    assert "Traceback" not in result.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "jiandu", "rules", "check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True


def test_calendar_deadline_on_a_never_migrated_checkout(tmp_path: Path) -> None:
    """Pure arithmetic needs no database: a fresh data directory, no `migrate`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"JIANDU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jiandu.settings"}
    cmd = [sys.executable, "-m", "jiandu", "calendar", "deadline", "2026-12-02", "--days", "30"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["date"] == "2027-01-04" and out["provisional"] is True
    assert out["provisional_years"] == [2027] and out["database"] is False
    assert out["note"] == "暂定，待2027年放假安排公布后确定"


@pytest.mark.django_db(transaction=True)
def test_calendar_load_accepts_the_notice_text_as_pasted_in_the_browser() -> None:
    path = str(DATA / "TEST-fictitious-2027-notice.txt")
    preview = run("calendar", "load", path, "--dry-run")
    assert preview["loaded"] is False and preview["year"] == 2027 and preview["test_data"] is True
    assert all(line["status"] == "used" for line in preview["lines"])
    loaded = run("calendar", "load", path)
    assert loaded["loaded"] is True and loaded["holidays"] == 29 and loaded["workdays"] == 6
    assert loaded["recompute"]["status"] == "done"
    day = run("calendar", "is-working-day", "2027-01-04")
    assert day["working_day"] is False and day["provisional"] is False
    again = run("calendar", "recompute", "--year", "2027")  # idempotent: nothing left provisional
    assert again["status"] == "done" and again["moved"] == 0


@pytest.mark.django_db
def test_calendar_load_refuses_a_malformed_notice(tmp_path: Path) -> None:
    from jiandu.workdays.models import CalendarOverlay

    bad = tmp_path / "notice.txt"
    text = (DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8")
    bad.write_text(text.replace("共8天", "共9天"), encoding="utf-8")
    with pytest.raises(CommandError, match="第4行"):
        call_command("calendar", "load", str(bad), stdout=io.StringIO())
    assert not CalendarOverlay.objects.exists()


def test_rules_coverage_lists_every_article_of_the_six_texts() -> None:
    everything = run("rules", "coverage", "--json")
    assert len(everything) == 6
    for text in everything:
        assert text["unclassified"] == 0 and text["articles"] == len(text["items"])
        for item in text["items"]:
            assert item["status"] in ("encoded", "applied", "judgement", "elsewhere", "out_of_scope")
            assert item["status"] != "applied" or item["by"]
    one = run("rules", "coverage", "--rulebook", "weihai-people-2024", "--json")
    assert one["rulebook"] == "weihai-people-2024" and one["articles"] == 44
    table = io.StringIO()
    call_command("rules", "coverage", "--rulebook", "shanxi-prison-2023", stdout=table)
    assert "第六条\t已实施（代码）" in table.getvalue()


def test_rules_eligibility_where_the_text_sets_none_or_is_not_in_force(tmp_path: Path) -> None:
    person = tmp_path / "p.json"
    person.write_text(json.dumps({"birth_date": "1980-01-01", "education": "bachelor"}), encoding="utf-8")
    out = run(
        "rules",
        "eligibility",
        "--rulebook",
        "ningxia-prison-2020",
        "--person",
        str(person),
        "--on",
        "2021-01-04",
    )
    assert out["outcome"] == "no_conditions"
    assert "未规定任职条件" in out["reasons"][0]["message"]
    with pytest.raises(CommandError, match="早于《威海市人民监督员履职管理实施办法》施行之日2024-12-01"):
        call_command(
            "rules",
            "eligibility",
            "--rulebook",
            "weihai-people-2024",
            "--person",
            str(person),
            "--on",
            "2024-11-30",
        )
