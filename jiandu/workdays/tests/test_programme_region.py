"""Every working-day date of a programme follows the calendar of the programme's region (its
organisation's 行政区划代码, `jiandu.workdays.services.programme_calendar`): with a FICTITIOUS,
test-only 宁夏 (640000) regional overlay loaded, a Ningxia programme's reply date, duty lead-time check,
report date, assessment deadlines and training deadline skip its holidays; a Weihai programme's do not.
A regional overlay for a year whose national notice is not loaded recomputes that region's
provisional dates and leaves the others as they were."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from jiandu.assessment import rules as assessment_rules
from jiandu.duties import services as duties
from jiandu.findings import services as findings
from jiandu.findings.models import Finding
from jiandu.roster.models import Programme, ProgrammeKind
from jiandu.rules.calendar import overlay_from_dict
from jiandu.rules.decision import ALLOWED, REFUSED
from jiandu.workdays.models import RecomputeStatus
from jiandu.workdays.services import calendar_load, programme_calendar, programme_region

D = dt.date
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# FICTITIOUS — not the regional government's notice: three working days made holidays in 宁夏 only.
NINGXIA_TEST_HOLIDAYS = [
    {"date": "2026-11-18", "name": "测试用虚构地方假日A"},
    {"date": "2026-11-25", "name": "测试用虚构地方假日B"},
    {"date": "2026-12-16", "name": "测试用虚构地方假日C"},
]


def _overlay(year: int, holidays: list[dict[str, str]]) -> Any:
    return overlay_from_dict(
        {
            "kind": "regional",
            "region": "640000",
            "year": year,
            "label": "测试用虚构宁夏地方假日（非正式通知）",
            "source": "测试数据",
            "test_data": True,
            "holidays": holidays,
        }
    )


def _load(world: Any, year: int, holidays: list[dict[str, str]], capture: Any = None) -> None:
    if capture is None:
        _row, job = calendar_load(actor=world.users["sysadmin"], overlay=_overlay(year, holidays))
    else:
        with capture(execute=True):
            _row, job = calendar_load(actor=world.users["sysadmin"], overlay=_overlay(year, holidays))
    job.refresh_from_db()
    assert job.status == RecomputeStatus.DONE, job.error


def _programmes(world: Any, rulebook_id: str) -> SimpleNamespace:
    def make(org: str, name: str) -> Programme:
        return Programme.objects.create(
            name=name,
            kind=ProgrammeKind.ADMINISTRATIVE,
            organisation=world.orgs[org],
            rulebook_id=rulebook_id,
        )

    return SimpleNamespace(
        ningxia=make("ningxia_prisons", "宁夏（测试）"), weihai=make("weihai_justice", "威海（测试）")
    )


def _forward(world: Any, programme: Programme, admin: str, agency: str) -> Finding:
    actor = world.users[admin]
    f = findings.finding_record_inspection(
        actor=actor, programme=programme, agency=world.orgs[agency], text="执法记录仪未开启"
    )
    findings.finding_forward(actor=actor, finding=f)
    return Finding.objects.get(pk=f.pk)


@pytest.fixture
def ningxia_overlay(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    _load(world, 2026, NINGXIA_TEST_HOLIDAYS, django_capture_on_commit_callbacks)


@pytest.mark.django_db
def test_the_programme_region_is_its_organisations(world: Any) -> None:
    p = _programmes(world, "weihai-people-2024")
    assert programme_region(p.ningxia) == "640000" and programme_region(p.weihai) == "371000"


@pytest.mark.django_db
def test_a_finding_reply_date_skips_the_regions_holiday(world: Any, ningxia_overlay: None) -> None:
    p = _programmes(world, "weihai-admin-2022")
    ningxia = _forward(world, p.ningxia, "ningxia_admin", "yinchuan_prison")
    weihai = _forward(world, p.weihai, "weihai_admin", "weihai_market")
    # 30 days after Monday 16 November is Wednesday 16 December: a (fictitious) holiday in 宁夏 only.
    assert weihai.reply_due == D(2026, 12, 16)
    assert ningxia.reply_due == D(2026, 12, 17)
    assert ningxia.reply_reason is not None and "2026-12-16为休息日" in ningxia.reply_reason["message"]


@pytest.mark.django_db
def test_the_duty_lead_time_and_report_date_skip_the_regions_holiday(
    world: Any, ningxia_overlay: None
) -> None:
    p = _programmes(world, "weihai-people-2024")

    def lead(programme: Programme) -> str:
        return duties.lead_time_decide(
            programme=programme, requested_on=D(2026, 11, 16), duty_on=D(2026, 11, 23), consent=False
        ).outcome

    # Five working days before Monday 23 November: Monday 16th nationally; with 18th a holiday, the 13th.
    assert lead(p.weihai) == ALLOWED
    assert lead(p.ningxia) == REFUSED
    book = duties.rulebook_for(p.weihai)
    assert duties.report_due_for(p.weihai, book, D(2026, 11, 23)) == (D(2026, 11, 26), False)
    assert duties.report_due_for(p.ningxia, book, D(2026, 11, 23)) == (D(2026, 11, 27), False)


@pytest.mark.django_db
def test_assessment_deadlines_skip_the_regions_holiday(world: Any, ningxia_overlay: None) -> None:
    p = _programmes(world, "weihai-people-2024")

    def dues(programme: Programme) -> dict[str, str]:
        return {d["code"]: d["due"] for d in assessment_rules.results_deadlines(programme, D(2026, 11, 16))}

    assert dues(p.weihai) == {"entry": "2026-11-23", "filing": "2026-11-30"}
    assert dues(p.ningxia) == {"entry": "2026-11-24", "filing": "2026-12-02"}
    rounds = [SimpleNamespace(programme=x, defence_working_days=5) for x in (p.weihai, p.ningxia)]
    assert [assessment_rules.defence_due(r, D(2026, 11, 16)).date for r in rounds] == [
        D(2026, 11, 23),
        D(2026, 11, 24),
    ]


@pytest.mark.django_db
def test_the_cached_calendar_of_a_region_sees_an_overlay_loaded_later(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = _programmes(world, "weihai-people-2024")
    assert programme_calendar(p.ningxia).is_working_day(D(2026, 11, 18))
    _load(world, 2026, NINGXIA_TEST_HOLIDAYS, django_capture_on_commit_callbacks)
    assert not programme_calendar(p.ningxia).is_working_day(D(2026, 11, 18))
    assert programme_calendar(p.weihai).is_working_day(D(2026, 11, 18))


@pytest.mark.django_db(transaction=True)
def test_a_regional_overlay_recomputes_that_regions_provisional_dates_only(world: Any) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=True):
        p = _programmes(world, "weihai-admin-2022")
        ningxia = _forward(world, p.ningxia, "ningxia_admin", "yinchuan_prison")
        weihai = _forward(world, p.weihai, "weihai_admin", "weihai_market")
        # 30 days after 2 December is 元旦 2027 (provisional: the 2027 notice is not loaded): 4 January.
        assert ningxia.reply_due == weihai.reply_due == D(2027, 1, 4)
        assert ningxia.reply_due_provisional and weihai.reply_due_provisional
        _load(world, 2027, [{"date": "2027-01-04", "name": "测试用虚构地方假日D"}])
        ningxia.refresh_from_db()
        weihai.refresh_from_db()
        # Moved by the regional holiday, and still 暂定: the national 2027 notice is not loaded.
        assert ningxia.reply_due == D(2027, 1, 5) and ningxia.reply_due_provisional
        assert weihai.reply_due == D(2027, 1, 4) and weihai.reply_due_provisional


@pytest.mark.django_db
def test_the_cli_computes_on_a_programmes_regional_calendar(world: Any, ningxia_overlay: None) -> None:
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    p = _programmes(world, "weihai-people-2024")

    def run(*args: str) -> Any:
        out = io.StringIO()
        call_command("calendar", *args, stdout=out)
        return json.loads(out.getvalue())

    ningxia = run("add-working-days", "2026-11-16", "5", "--programme", str(p.ningxia.pk))
    assert (ningxia["date"], ningxia["region"], ningxia["programme"]) == (
        "2026-11-24",
        "640000",
        p.ningxia.pk,
    )
    assert run("add-working-days", "2026-11-16", "5", "--programme", str(p.weihai.pk))["date"] == "2026-11-23"
    assert run("is-working-day", "2026-11-18", "--programme", str(p.ningxia.pk))["working_day"] is False
    assert (
        run("deadline", "2026-11-16", "--days", "30", "--programme", str(p.ningxia.pk))["date"]
        == "2026-12-17"
    )
    with pytest.raises(CommandError, match="不存在"):
        run("deadline", "2026-11-16", "--days", "30", "--programme", "999999")


@pytest.mark.django_db
def test_the_api_computes_on_a_programmes_regional_calendar(
    client: Any, world: Any, ningxia_overlay: None
) -> None:
    p = _programmes(world, "weihai-people-2024")
    client.force_login(world.users["huancui_staff"])

    def add(**params: Any) -> Any:
        return client.get("/api/workdays/add-working-days", {"start": "2026-11-16", "n": 5, **params})

    assert add(programme=p.ningxia.pk).json()["date"] == "2026-11-24"
    assert add(programme=p.weihai.pk).json()["date"] == "2026-11-23"
    due = client.get("/api/workdays/deadline", {"start": "2026-11-16", "days": 30, "programme": p.ningxia.pk})
    assert due.json()["date"] == "2026-12-17"
    assert add(programme=999999).status_code == 404
    assert add(programme=p.ningxia.pk, region="640000").status_code == 400
