"""Allowance fixtures: the Weihai people's-supervisor programme and roster of the duties tests, a second
programme admin at 威海市司法局 (sheets need two people), a dated rate, and duties in March 2026 held
through the real duty services — confirmed and reported, confirmed only, or not confirmed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.allowances import services as money
from jiandu.core.demo import DEMO_PASSWORD
from jiandu.duties import services as dsv
from jiandu.duties.models import AssignmentStatus, Duty
from jiandu.duties.tests import conftest as duty_fixtures

# The duties tests' programme, roster and clock, shared here.
programme = duty_fixtures.programme
roster = duty_fixtures.roster
frozen = duty_fixtures.frozen
open_and_draw = duty_fixtures.open_and_draw
request_data = duty_fixtures.request_data

RATE = Decimal("200.00")


@pytest.fixture
def finance(world: Any) -> Any:
    return user_create(
        actor=None,
        username="weihai_finance",
        password=DEMO_PASSWORD,
        role=Role.PROGRAMME_ADMIN,
        organisation=world.orgs["weihai_justice"],
        full_name="赵会计（威海市司法局）",
    )


def rate_data(**kw: Any) -> money.RateData:
    base: dict[str, Any] = {
        "item": "duty",
        "unit": "per_duty",
        "amount": RATE,
        "valid_from": dt.date(2025, 1, 1),
        "valid_to": None,
        "source_name": "威海市人民监督员履职补助标准（示例）",
        "source_number": "威财行〔2024〕示例1号",
        "source_effective_from": dt.date(2025, 1, 1),
    }
    base.update(kw)
    return money.RateData(**base)


@pytest.fixture
def rate(world: Any, programme: Any) -> Any:
    return money.rate_create(actor=world.users["weihai_admin"], programme=programme, data=rate_data())


def hold(
    world: Any, programme: Any, frozen: Any, *, days: int, title: str, confirm: int, report: bool
) -> Duty:
    """A duty `days` after 2026-03-09, staffed by draw, held with every accepted supervisor present;
    the first `confirm` of them confirm the record; the agency reports it if `report`."""
    frozen.move_to(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC))
    agency = world.users["weihai_procurator"]
    duty = dsv.duty_request(
        actor=agency,
        data=request_data(
            programme,
            title=title,
            duty_on=dt.date(2026, 3, 9) + dt.timedelta(days=days),
            supervisors_needed=2,
        ),
    )
    open_and_draw(world, duty, value=title)
    for a in duty.assignments.filter(status=AssignmentStatus.INVITED):
        dsv.assignment_respond(actor=world.users["weihai_admin"], assignment=a, accept=True)
    frozen.move_to(dt.datetime.combine(duty.duty_on, dt.time(10), tzinfo=dt.UTC))
    accepted = list(duty.assignments.filter(status=AssignmentStatus.ACCEPTED).order_by("position"))
    dsv.attendance_record(actor=agency, duty=duty, present={a.pk for a in accepted})
    dsv.record_save(actor=agency, duty=duty, summary="听证会按程序进行。", opinions=[])
    for a in accepted[:confirm]:
        a.refresh_from_db()
        dsv.record_confirm(actor=agency, assignment=a, via="paper")
    if report:
        dsv.duty_report(actor=agency, duty=duty, on=duty.duty_on)
    duty.refresh_from_db()
    return duty


@pytest.fixture
def march(world: Any, programme: Any, roster: Any, rate: Any, frozen: Any) -> dict[str, Duty]:
    """Three March duties: complete; confirmed but not reported; reported but one record unconfirmed.
    The clock ends on 1 April, when the bureau draws up March's sheet."""
    duties = {
        "complete": hold(world, programme, frozen, days=14, title="甲案公开听证", confirm=2, report=True),
        "unreported": hold(world, programme, frozen, days=15, title="乙案公开听证", confirm=2, report=False),
        "unconfirmed": hold(world, programme, frozen, days=16, title="丙案公开听证", confirm=1, report=True),
    }
    frozen.move_to(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC))
    return duties
