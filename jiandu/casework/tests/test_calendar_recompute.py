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
