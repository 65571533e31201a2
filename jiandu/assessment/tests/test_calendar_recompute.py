"""Issue 9 for the annual assessment: the 陈述申辩 period and the five/ten working-day clocks after
completion (第三十四条（六）) run into January 2027, whose holiday notice is not loaded. They are stored
and shown 暂定; when the system admin loads the (FICTITIOUS, test-only) 2027 notice through the
service the /calendar/ page uses, each is recomputed, the move audited old → new, and the supervisor
and the bureau told."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

from jiandu.accounts.testing import client_sign_in
from jiandu.assessment import services as sv
from jiandu.assessment.models import Assessment, AssessmentRound
from jiandu.audit.models import AuditEvent
from jiandu.notifications.models import Notification
from jiandu.workdays.models import CalendarRecompute, RecomputeStatus
from jiandu.workdays.services import notice_load, notice_preview

from .test_services import OPENED, finish, propose, row

DATA = Path(__file__).resolve().parents[2] / "workdays" / "tests" / "data"
FICTITIOUS_2027 = (DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date
NOTE = "暂定，待2027年放假安排公布后确定"


@pytest.fixture
def monday_28th() -> Any:
    # Monday 2026-12-28: five working days on, provisionally, is Tuesday 2027-01-05 (元旦 and a
    # weekend between); the fictitious notice also gives Monday 01-04 off, so it becomes 01-06.
    with time_machine.travel(dt.datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI), tick=True) as t:
        yield t


def _load_2027(world: Any) -> CalendarRecompute:
    parsed = notice_preview(text=FICTITIOUS_2027)
    assert parsed.ok and parsed.year == 2027, parsed.problems
    _row, job = notice_load(actor=world.users["sysadmin"], parsed=parsed)
    job.refresh_from_db()
    assert job.status == RecomputeStatus.DONE, job.error
    return job


@pytest.mark.django_db(transaction=True)
def test_the_defence_period_is_provisional_then_moved_audited_and_told(
    monday_28th: Any, client: Any, world: Any, admin: Any, programme: Any, people: Any
) -> None:
    rnd = sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)
    a = propose(
        admin, row(rnd, people[0]), "failing", grounds=["absent_without_reason"], today=D(2026, 12, 28)
    )
    assert a.defence_due == D(2027, 1, 5) and a.defence_due_provisional
    supervisor = world.users["weihai_supervisor"]
    told = Notification.objects.get(recipient=supervisor, kind="assessment.hearing")
    assert NOTE in told.subject

    client_sign_in(client, admin)
    detail = client.get(f"/assessment/a/{a.pk}/").content.decode()
    assert "2027-01-05" in detail and NOTE in detail
    page = client.get(f"/assessment/rounds/{rnd.pk}/").content.decode()
    assert NOTE in page
    client_sign_in(client, supervisor)
    mine = client.get("/assessment/mine/").content.decode()
    assert "2027-01-05" in mine and NOTE in mine

    job = _load_2027(world)
    assert job.moved == 1
    assert people[0].full_name not in str(job.changes)  # the system admin's page names no one

    a.refresh_from_db()
    assert a.defence_due == D(2027, 1, 6) and not a.defence_due_provisional
    event = AuditEvent.objects.get(action="calendar.date_recompute")
    assert event.before == {"陈述申辩截止日": "2027-01-05", "provisional": True}
    assert event.after is not None and event.after["陈述申辩截止日"] == "2027-01-06"
    assert event.after["outcome"] == "moved"
    for user in (supervisor, admin):
        moved = Notification.objects.get(recipient=user, kind="calendar.date_moved")
        assert "2027-01-06" in moved.subject and f"陈述申辩 #{a.pk}" in moved.subject
    mine = client.get("/assessment/mine/").content.decode()
    assert "2027-01-06" in mine and NOTE not in mine


@pytest.mark.django_db(transaction=True)
def test_the_clocks_after_completion_are_provisional_then_recomputed(
    monday_28th: Any, client: Any, world: Any, admin: Any, programme: Any, people: Any
) -> None:
    rnd = sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)
    finish(admin, rnd, people, failing=False)
    r = sv.round_finalise(actor=admin, round=rnd, today=D(2026, 12, 28))
    assert [(d["code"], d["due"], d["provisional"]) for d in r.deadlines] == [
        ("entry", "2027-01-05", True),
        ("filing", "2027-01-12", True),
    ]
    assert r.deadlines_provisional
    client_sign_in(client, admin)
    page = client.get(f"/assessment/rounds/{r.pk}/").content.decode()
    assert page.count('data-testid="provisional-deadline"') == 2 and page.count(NOTE) == 2

    job = _load_2027(world)
    # entry: 01-05 → 01-06 (01-04 off); filing: still 01-12 (the 01-09 make-up Saturday evens it out)
    assert (job.moved, job.unchanged) == (1, 1)

    r = AssessmentRound.objects.get(pk=r.pk)
    assert [(d["code"], d["due"], d["provisional"]) for d in r.deadlines] == [
        ("entry", "2027-01-06", False),
        ("filing", "2027-01-12", False),
    ]
    assert not r.deadlines_provisional
    assert "暂定" not in r.deadlines[0]["reason"]["message"]
    event = AuditEvent.objects.get(action="calendar.date_recompute")
    assert event.before == {"录入考核结果期限": "2027-01-05", "provisional": True}
    assert event.after is not None and event.after["录入考核结果期限"] == "2027-01-06"
    moved = Notification.objects.get(recipient=admin, kind="calendar.date_moved")
    assert "2027-01-06" in moved.subject and "2026年度考核" in moved.subject
    page = client.get(f"/assessment/rounds/{r.pk}/").content.decode()
    assert "provisional-deadline" not in page and NOTE not in page and "2027-01-06" in page


@pytest.mark.django_db(transaction=True)
def test_a_defence_already_made_keeps_its_date(
    monday_28th: Any, world: Any, admin: Any, programme: Any, people: Any
) -> None:
    rnd = sv.round_open(actor=admin, programme=programme, year=2026, today=OPENED)
    a = propose(
        admin, row(rnd, people[0]), "failing", grounds=["absent_without_reason"], today=D(2026, 12, 28)
    )
    sv.defence_submit(actor=world.users["weihai_supervisor"], assessment=a, text="缺席系因住院")
    job = _load_2027(world)
    assert (job.moved, job.unchanged) == (0, 1)
    a = Assessment.objects.get(pk=a.pk)
    assert a.defence_due == D(2027, 1, 5) and not a.defence_due_provisional
    assert not Notification.objects.filter(kind="calendar.date_moved").exists()
