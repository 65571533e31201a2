"""Issue 9 for casework: the 15-day deadline to complete a 暂予监外执行 case's medical records (三（一）3)
ends in January 2027, whose holiday notice is not loaded. It is stored and shown 暂定; when the system
admin loads the (FICTITIOUS, test-only) 2027 notice through the service the /calendar/ page uses, the
date is recomputed, the move audited old → new, and the officer, the prison and the bureau told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.casework import services as sv
from jiandu.casework.models import CaseFile
from jiandu.notifications.models import Notification
from jiandu.workdays.models import CalendarRecompute, RecomputeStatus
from jiandu.workdays.services import notice_load, notice_preview

from .test_services import _medical_case

DATA = Path(__file__).resolve().parents[2] / "workdays" / "tests" / "data"
FICTITIOUS_2027 = (DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date
NOTE = "暂定，待2027年放假安排公布后确定"


@pytest.fixture
def december_20th() -> Any:
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI), tick=True) as t:
        yield t


def _approved(cw: Any, approved_on: dt.date) -> CaseFile:
    case = _medical_case(cw)
    sv.medical_check(
        actor=cw.staff,
        case=case,
        records_complete=False,
        explanation="外院病历调取中",
        tumour_without_pathology=True,
        disease_category="肿瘤",
        specialty_confirmed=True,
    )
    sv.medical_approve(actor=cw.staff, case=case, approved_on=approved_on)
    return CaseFile.objects.get(pk=case.pk)


def _load_2027(cw: Any) -> CalendarRecompute:
    parsed = notice_preview(text=FICTITIOUS_2027)
    assert parsed.ok and parsed.year == 2027, parsed.problems
    _row, job = notice_load(actor=cw.world.users["sysadmin"], parsed=parsed)
    job.refresh_from_db()
    assert job.status == RecomputeStatus.DONE, job.error
    return job


@pytest.mark.django_db(transaction=True)
def test_the_records_deadline_is_provisional_then_moved_audited_and_told(
    december_20th: Any, client: Any, cw: Any
) -> None:
    # Approved Sunday 12-20: fifteen days on is Monday 2027-01-04, a working day provisionally; the
    # fictitious notice gives 01-04 off, so the period ends on the next working day, 01-05.
    case = _approved(cw, D(2026, 12, 20))
    assert case.records_due == D(2027, 1, 4) and case.records_due_provisional
    assert case.records_reason["message"].count(NOTE) == 1
    client_sign_in(client, cw.staff)
    page = client.get(reverse("casework:detail", args=[case.pk])).content.decode()
    assert "2027-01-04" in page and 'data-testid="provisional"' in page

    job = _load_2027(cw)
    assert job.moved == 1

    case.refresh_from_db()
    assert case.records_due == D(2027, 1, 5) and not case.records_due_provisional
    assert NOTE not in case.records_reason["message"] and "2027-01-05" in case.records_reason["message"]
    event = AuditEvent.objects.get(action="calendar.date_recompute")
    assert event.before == {"补充病历截止日": "2027-01-04", "provisional": True}
    assert event.after is not None and event.after["补充病历截止日"] == "2027-01-05"
    for user in (case.officer, cw.admin):
        told = Notification.objects.get(recipient=user, kind="calendar.date_moved")
        assert f"#{case.pk}" in told.subject and "2027-01-05" in told.subject
    page = client.get(reverse("casework:detail", args=[case.pk])).content.decode()
    assert "2027-01-05" in page and 'data-testid="provisional"' not in page


@pytest.mark.django_db(transaction=True)
def test_records_already_supplemented_keep_their_date(december_20th: Any, cw: Any) -> None:
    case = _approved(cw, D(2026, 12, 20))
    sv.medical_records_supplement(actor=cw.staff, case=case)
    job = _load_2027(cw)
    assert (job.moved, job.unchanged) == (0, 1)
    case.refresh_from_db()
    assert case.records_due == D(2027, 1, 4) and not case.records_due_provisional
    assert not Notification.objects.filter(kind="calendar.date_moved").exists()


@pytest.mark.django_db
def test_the_reminder_for_a_provisional_records_deadline_says_so(
    december_20th: Any, cw: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from jiandu.casework.checks import casework_checks_run

    case = _approved(cw, D(2026, 12, 20))
    with django_capture_on_commit_callbacks(execute=True):
        assert casework_checks_run(D(2027, 1, 2))["medical_reminders"] == 1
    told = Notification.objects.get(recipient=case.officer, kind="casework.medical_reminder")
    assert f"2027-01-04（{NOTE}）" in told.subject


@pytest.mark.django_db(transaction=True)
def test_a_provisional_publicity_end_is_marked_and_checked_on_the_published_calendar(
    client: Any, cw: Any, case: Any
) -> None:
    """The 狱内公示 is immutable and its end is never recomputed in place: the page shows the end as
    the calendar published now gives it (暂定 while 2027 is not loaded), and 提请 checks the end again,
    from the stored start and days, saying which date it used (docs/casework.md)."""
    from django.core.exceptions import ValidationError

    from jiandu.casework.demo import advance
    from jiandu.casework.models import CaseStatus

    advance(case, cw.staff, 6, held_on=D(2026, 11, 10))
    sv.publicity_policy_set(actor=cw.admin, programme=cw.programme, working_days=5, basis="有关规定")
    # Published Monday 28 December: five working days on, provisionally (元旦 only), is 2027-01-05.
    pub = sv.publicity_publish(actor=cw.staff, case=case, today=D(2026, 12, 28))
    assert pub.ends_on == D(2027, 1, 5) and pub.reason["facts"]["provisional"]
    client_sign_in(client, cw.staff)
    url = reverse("casework:detail", args=[case.pk])
    page = client.get(url).content.decode()
    assert '<span data-testid="publicity-end">2027-01-05</span>' in page
    assert f"（{NOTE}）" in page and "publicity-end-moved" not in page
    with pytest.raises(ValidationError, match=f"公示期至2027-01-05（按现行日历核对为2027-01-05；{NOTE}）"):
        sv.case_propose(actor=cw.staff, case=case, today=D(2027, 1, 5))

    # The (fictitious) notice makes 1–4 January holidays: the period runs to 2027-01-06. The stored
    # record keeps what was published; the page and 提请 use the later end.
    _load_2027(cw)
    pub.refresh_from_db()
    assert pub.ends_on == D(2027, 1, 5)
    page = client.get(url).content.decode()
    assert '<span data-testid="publicity-end">2027-01-06</span>' in page
    assert 'data-testid="publicity-end-moved"' in page and 'data-testid="provisional"' not in page
    assert "公示时计算：" in page  # the immutable record's own reason, as published (暂定 then)
    with pytest.raises(ValidationError, match="公示期至2027-01-06（按现行日历自2027-01-05顺延至2027-01-06）"):
        sv.case_propose(actor=cw.staff, case=case, today=D(2027, 1, 6))
    assert sv.case_propose(actor=cw.staff, case=case, today=D(2027, 1, 7)).status == CaseStatus.PROPOSED
    event = AuditEvent.objects.get(action="casework.case_propose")
    assert event.after is not None
    assert event.after["publicity_end"] == {
        "stored": "2027-01-05",
        "recomputed": "2027-01-06",
        "used": "2027-01-06",
        "provisional": False,
        "provisional_years": [],
        "basis": "按现行日历自2027-01-05顺延至2027-01-06",
    }


@pytest.mark.django_db
def test_a_publicity_end_is_never_cut_short_by_the_published_calendar(
    cw: Any, case: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The stored end skipped a regional holiday that a corrected overlay (loaded later, replacing the
    first) no longer has: the recomputed end is earlier, and the stored, later end stands."""
    from django.core.exceptions import ValidationError

    from jiandu.casework.demo import advance
    from jiandu.rules.calendar import overlay_from_dict
    from jiandu.workdays.services import calendar_load

    def ningxia(holidays: list[dict[str, str]]) -> None:
        overlay = overlay_from_dict(
            {
                "kind": "regional",
                "region": "640000",
                "year": 2026,
                "label": "测试用虚构宁夏地方假日（非正式通知）",
                "test_data": True,
                "holidays": holidays,
            }
        )
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load(actor=cw.world.users["sysadmin"], overlay=overlay)

    ningxia([{"date": "2026-11-18", "name": "测试用虚构地方假日"}])
    advance(case, cw.staff, 6, held_on=D(2026, 11, 10))
    sv.publicity_policy_set(actor=cw.admin, programme=cw.programme, working_days=5, basis="有关规定")
    pub = sv.publicity_publish(actor=cw.staff, case=case, today=D(2026, 11, 16))
    assert pub.ends_on == D(2026, 11, 24)  # the 宁夏 programme skips its (fictitious) holiday on the 18th
    ningxia([{"date": "2026-12-31", "name": "测试用虚构地方假日（更正）"}])
    with pytest.raises(ValidationError, match="按现行日历计算为2026-11-23，公示期不缩短，仍至2026-11-24"):
        sv.case_propose(actor=cw.staff, case=case, today=D(2026, 11, 24))
