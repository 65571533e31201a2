"""Every standard report's totals against the data, counted independently, on the demo world (built
once for this module) for the Weihai bureau, and again for a region as a district's staff see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q, Sum
from django.http import QueryDict

from conftest import TEST_NOW
from jiandu.accounts.models import User
from jiandu.allowances.models import ExpenseClaim, Sheet, SheetStatus
from jiandu.assessment.models import Assessment
from jiandu.duties.models import OPPORTUNITY, Assignment, AssignmentStatus, Duty, DutyStatus
from jiandu.findings.models import Complaint, Finding, Status
from jiandu.findings.selectors import overdue_q
from jiandu.recruitment.models import Application
from jiandu.reports.catalogue import REPORTS
from jiandu.reports.scope import scope_from
from jiandu.roster import services as roster_services
from jiandu.roster.models import (
    Appointment,
    Departure,
    DepartureKind,
    Programme,
    Supervisor,
    SupervisorStatus,
)
from jiandu.training import rules as training_rules
from jiandu.training import services as training_services
from jiandu.training.models import Participation, ParticipationStatus, SessionKind

START, END = dt.date(2021, 1, 1), dt.date(2030, 12, 31)
TODAY = TEST_NOW.date()
WEIHAI = ("weihai-admin-2022", "weihai-people-2024")


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), time_machine.travel(TEST_NOW, tick=False):
        from jiandu.core.demo import demo_build

        demo_build()
        # The demo has no one leaving yet: one dismissal, so the departures report has a row.
        s = Supervisor.objects.filter(
            programme__rulebook_id=WEIHAI[0], status=SupervisorStatus.ACTIVE
        ).first()
        assert s is not None
        code = roster_services.grounds_for(s.programme, on=TODAY)[0].code
        roster_services.supervisor_leave(
            actor=None, supervisor=s, kind=DepartureKind.DISMISSAL, ground_code=code, on=TODAY
        )
        # And one in-term training session, three of those invited attending.
        admin = User.objects.get(username="weihai_admin")
        programme = Programme.objects.get(rulebook_id=WEIHAI[1])
        held_on = dt.date(2026, 10, 20)
        session = training_services.session_create(
            actor=admin,
            programme=programme,
            kind=SessionKind.IN_TERM,
            mode=training_rules.modes_for(programme, held_on)[0][0],
            title="任期培训",
            held_on=held_on,
        )
        training_services.session_invite(actor=admin, session=session)
        for p in session.participations.all()[:3]:
            training_services.attendance_record(actor=admin, participation=p, attended=True)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _p() -> Any:
    return Programme.objects.filter(rulebook_id__in=WEIHAI)


def _active() -> Any:
    return Supervisor.objects.filter(programme__in=_p(), status=SupervisorStatus.ACTIVE)


def _duties() -> Any:
    return Duty.objects.filter(programme__in=_p(), duty_on__range=(START, END))


def _held() -> Any:
    return _duties().filter(status=DutyStatus.HELD)


def _findings() -> Any:
    return Finding.objects.filter(programme__in=_p(), submitted_on__range=(START, END)).exclude(
        status=Status.MERGED
    )


def _participations() -> Any:
    return Participation.objects.filter(session__programme__in=_p(), session__held_on__range=(START, END))


def _assignments(*statuses: str) -> int:
    return Assignment.objects.filter(duty__in=_duties(), status__in=statuses).count()


# report key → [(column of the totals row, the same figure counted from the data)]
EXPECTED: dict[str, list[tuple[str, Callable[[], int]]]] = {
    "roster_status": [("count", lambda: Supervisor.objects.filter(programme__in=_p()).count())],
    "roster_district": [("count", lambda: _active().count())],
    "roster_specialty": [("count", lambda: _active().count())],
    "terms_ending": [("programme", lambda: _active().filter(term_end__range=(START, END)).count())],
    "appointments": [
        (
            "total",
            lambda: Appointment.objects.filter(
                supervisor__programme__in=_p(), starts_on__range=(START, END)
            ).count(),
        )
    ],
    "departures": [
        (
            "programme",
            lambda: Departure.objects.filter(
                supervisor__programme__in=_p(), decided_on__range=(START, END)
            ).count(),
        )
    ],
    "duties_month": [
        ("duties", lambda: _held().count()),
        (
            "attended",
            lambda: Assignment.objects.filter(duty__in=_held(), status=AssignmentStatus.ATTENDED).count(),
        ),
    ],
    "duties_district": [("duties", lambda: _held().count())],
    "attendance": [
        ("asked", lambda: _assignments(*OPPORTUNITY)),
        ("declined", lambda: _assignments(AssignmentStatus.DECLINED)),
        ("attended", lambda: _assignments(AssignmentStatus.ATTENDED)),
        ("absent", lambda: _assignments(AssignmentStatus.ABSENT)),
    ],
    "declines": [
        (
            "duty",
            lambda: _assignments(
                AssignmentStatus.DECLINED, AssignmentStatus.RECUSED, AssignmentStatus.ABSENT
            ),
        )
    ],
    "draw_fairness": [
        (
            "asked",
            lambda: Assignment.objects.filter(
                supervisor__in=_active(), status__in=OPPORTUNITY, duty__duty_on__range=(START, END)
            ).count(),
        )
    ],
    "draw_balance": [("supervisors", lambda: _active().count())],
    "records_pending": [
        (
            "duty",
            lambda: Assignment.objects.filter(
                duty__in=_duties(),
                status=AssignmentStatus.ATTENDED,
                confirmed_at__isnull=True,
                duty__record__isnull=False,
            ).count(),
        )
    ],
    "duty_reports": [
        ("held", lambda: _held().count()),
        ("reported", lambda: _held().filter(reported_on__isnull=False).count()),
    ],
    "findings_agency": [
        ("received", lambda: _findings().count()),
        ("replied", lambda: _findings().filter(replied_on__isnull=False).count()),
        ("adopted", lambda: _findings().filter(replied_on__isnull=False, adopted=True).count()),
        ("closed", lambda: _findings().filter(status=Status.CLOSED).count()),
    ],
    "findings_source": [("received", lambda: _findings().count())],
    "overdue": [
        ("title", lambda: Finding.objects.filter(programme__in=_p()).filter(overdue_q(TODAY)).count())
    ],
    "overdue_trend": [
        (
            "due",
            lambda: (
                Finding.objects.filter(programme__in=_p(), reply_due__range=(START, TODAY))
                .exclude(status=Status.MERGED)
                .count()
            ),
        )
    ],
    "complaints": [
        (
            "programme",
            lambda: Complaint.objects.filter(
                Q(programme__in=_p()) | Q(supervisor__programme__in=_p()), received_on__range=(START, END)
            ).count(),
        )
    ],
    "applications": [
        (
            "total",
            lambda: Application.objects.filter(
                round__programme__in=_p(), submitted_at__date__range=(START, END)
            ).count(),
        )
    ],
    "training_attendance": [
        ("invited", lambda: _participations().count()),
        ("attended", lambda: _participations().filter(status=ParticipationStatus.ATTENDED).count()),
    ],
    "spend": [
        (
            "spent",
            lambda: (
                Sheet.objects.filter(
                    programme__in=_p(),
                    status__in=(SheetStatus.APPROVED, SheetStatus.PAID),
                    period_start__range=(START, END),
                ).aggregate(s=Sum("total"))["s"]
                or 0
            ),
        )
    ],
    "claims": [
        (
            "count",
            lambda: ExpenseClaim.objects.filter(programme__in=_p(), occurred_on__range=(START, END)).count(),
        )
    ],
    "grades": [
        (
            "count",
            lambda: (
                Assessment.objects.filter(
                    round__programme__in=_p(), round__year__range=(START.year, END.year)
                )
                .exclude(final_grade="")
                .count()
            ),
        )
    ],
    "training_completion": [
        ("active", lambda: _active().count()),
        ("trained", lambda: _active().filter(initial_training_on__isnull=False).count()),
    ],
}


def test_every_report_is_checked_and_there_are_at_least_fifteen() -> None:
    assert len(REPORTS) >= 15
    assert set(REPORTS) <= set(EXPECTED) | set(EXTRA_CHECKED), set(REPORTS) - set(EXPECTED)


# Reports contributed by other apps check their own totals in their own tests.
EXTRA_CHECKED: set[str] = set()


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_the_totals_match_the_data(demo: None, db: Any, key: str) -> None:
    user = User.objects.get(username="weihai_admin")
    scope, form = scope_from(user, QueryDict(f"start={START}&end={END}"), today=TODAY)
    assert form.is_valid() and set(scope.programmes.values_list("rulebook_id", flat=True)) == set(WEIHAI)
    table = REPORTS[key].build(scope)
    assert table.totals is not None
    for column, expected in EXPECTED[key]:
        assert table.totals[column] == expected(), (key, column)
    # A total of zero would check nothing: the demo world (with the dismissal added above) has rows
    # for every report here but the ones that need dates the demo does not reach.
    if key not in {"terms_ending", "records_pending"}:
        assert any(table.totals[c] for c, _e in EXPECTED[key]), key


def test_a_district_sees_its_region_only(demo: None, db: Any) -> None:
    user = User.objects.get(username="huancui_staff")
    scope, _form = scope_from(user, QueryDict(f"start={START}&end={END}"), today=TODAY)
    assert scope.region is not None and scope.region.pk == user.organisation_id
    table = REPORTS["roster_district"].build(scope)
    expected = _active().filter(district__path__startswith=scope.region.path).count()
    assert table.totals is not None and table.totals["count"] == expected > 0
    assert expected < _active().count()


def test_a_programme_filter_outside_the_users_scope_is_ignored(demo: None, db: Any) -> None:
    user = User.objects.get(username="weihai_admin")
    other = Programme.objects.get(rulebook_id="wanzhou-admin-2024")
    scope, form = scope_from(user, QueryDict(f"programme={other.pk}"), today=TODAY)
    assert not form.is_valid()
    assert other.pk not in set(scope.programmes.values_list("pk", flat=True))
