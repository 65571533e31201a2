"""Issue 11 #6: simultaneous answers and draw clicks. Five accepts and five declines at once left two
contradictory "declined" events and invited two extra supervisors; simultaneous draw open/perform
answered 500. Every check now runs after the duty's row is locked (the findings `_lock` pattern).

The stale-object tests reproduce the race on any database (a page's object answered after another
request already did); the threaded ones need PostgreSQL's row locks and are skipped on SQLite."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import Assignment, AssignmentStatus, Duty, DutyStatus
from jiandu.duties.tests.conftest import open_and_draw

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises writers)"
)


@pytest.mark.django_db
def test_a_stale_invitation_cannot_be_answered_twice(world: Any, roster: Any, duty: Duty) -> None:
    open_and_draw(world, duty)
    admin = world.users["weihai_admin"]
    first = duty.assignments.order_by("position").first()
    assert first is not None
    stale = Assignment.objects.get(pk=first.pk)  # the page loaded before the other answer
    sv.assignment_respond(actor=admin, assignment=first, accept=False, reason="出差")
    invited_after_one = duty.assignments.count()
    with pytest.raises(sv.DutyError, match="已答复"):
        sv.assignment_respond(actor=admin, assignment=stale, accept=False, reason="出差")
    with pytest.raises(sv.DutyError, match="已答复"):
        sv.assignment_respond(actor=admin, assignment=stale, accept=True)
    assert duty.assignments.count() == invited_after_one  # nobody extra was invited
    assert AuditEvent.objects.filter(action="duty.assignment_declined").count() == 1
    assert Assignment.objects.get(pk=first.pk).status == AssignmentStatus.DECLINED


def _race(n: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_and_declines_leave_one_answer(world: Any, roster: Any, duty: Duty) -> None:
    open_and_draw(world, duty)
    admin = world.users["weihai_admin"]
    first = duty.assignments.order_by("position").first()
    assert first is not None

    def answer(i: int) -> Any:
        return sv.assignment_respond(actor=admin, assignment=first, accept=i % 2 == 0, reason="临时有事")

    results = _race(10, answer)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, sv.DutyError)]
    assert unexpected == []
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    answered = AuditEvent.objects.filter(action__in=("duty.assignment_accepted", "duty.assignment_declined"))
    assert answered.count() == 1
    engaged = duty.assignments.filter(
        status__in=(AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED)
    ).count()
    assert engaged == duty.supervisors_needed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_draw_open_and_perform_refuse_cleanly(world: Any, roster: Any, duty: Duty) -> None:
    admin = world.users["weihai_admin"]
    opened = _race(4, lambda i: sv.draw_open(actor=admin, duty=duty))
    assert [r for r in opened if isinstance(r, Exception) and not isinstance(r, sv.DutyError)] == []
    commitments = [r for r in opened if not isinstance(r, Exception)]
    assert len(commitments) == 1
    witnesses = [{"name": "张三", "role": "检察官", "value": "4821"}]
    drawn = _race(4, lambda i: sv.draw_perform(actor=admin, commitment=commitments[0], witnesses=witnesses))
    assert [r for r in drawn if isinstance(r, Exception) and not isinstance(r, sv.DutyError)] == []
    assert len([r for r in drawn if not isinstance(r, Exception)]) == 1
    assert Duty.objects.get(pk=duty.pk).status == DutyStatus.CONTACTING
