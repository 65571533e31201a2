"""A Weihai people's-supervisor programme (威海 人民监督员 2024) with a small roster for duty tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from jiandu.duties import services as sv
from jiandu.duties.models import DrawRecord, Duty
from jiandu.roster.models import Programme, ProgrammeKind, Relationship, Supervisor, SupervisorStatus
from jiandu.rules.identifiers import mobile_mask

# A Monday in an ordinary week (no holiday nearby): 2026-03-09.
MONDAY = dt.date(2026, 3, 9)


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def programme(world: Any) -> Programme:
    return Programme.objects.create(
        name="威海市人民监督员",
        kind=ProgrammeKind.PEOPLE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-people-2024",
    )


def make_supervisor(programme: Programme, name: str, **kw: Any) -> Supervisor:
    kw.setdefault("initial_training_on", dt.date(2025, 1, 10))
    kw.setdefault("status", SupervisorStatus.ACTIVE)
    if kw.get("phone"):  # the mask the roster services store beside the ciphertext
        kw.setdefault("phone_masked", mobile_mask(kw["phone"]))
    return Supervisor.objects.create(programme=programme, full_name=name, **kw)


@pytest.fixture
def roster(world: Any, programme: Programme) -> dict[str, Supervisor]:
    huancui, wendeng = world.orgs["huancui_justice"], world.orgs["wendeng_justice"]
    people = {
        "liu": make_supervisor(
            programme, "刘洋", user=world.users["weihai_supervisor"], district=huancui, specialties=["law"]
        ),
        "chen": make_supervisor(programme, "陈晨", district=huancui, specialties=["medicine"]),
        "zhao": make_supervisor(programme, "赵敏", district=wendeng, specialties=["law"]),
        "sun": make_supervisor(programme, "孙丽", district=wendeng),
        "zhou": make_supervisor(programme, "周杰", district=huancui, specialties=["finance"]),
        "wu": make_supervisor(programme, "吴刚", district=wendeng),
        # left out of every pool, each for its reason
        "suspended": make_supervisor(programme, "郑停", status=SupervisorStatus.SUSPENDED, district=huancui),
        "untrained": make_supervisor(programme, "王新", initial_training_on=None, district=huancui),
        "employee": make_supervisor(programme, "冯员", employer="威海某某化工有限公司", district=wendeng),
        "relative": make_supervisor(programme, "何亲", district=wendeng),
    }
    Relationship.objects.create(
        supervisor=people["relative"],
        kind="relative_employer",
        organisation=world.orgs["weihai_market"],
        declared_on=dt.date(2025, 1, 1),
    )
    return people


def act_as(world: Any, supervisor: Supervisor) -> Any:
    """The demo supervisor account, linked to `supervisor` (one account is enough to play any of them)."""
    user = world.users["weihai_supervisor"]
    Supervisor.objects.filter(user=user).exclude(pk=supervisor.pk).update(user=None)
    supervisor.user = user
    supervisor.save(update_fields=["user"])
    user.refresh_from_db()
    return user


def request_data(programme: Any, **kw: Any) -> sv.DutyRequestData:
    base: dict[str, Any] = {
        "programme": programme,
        "kind": "hearing",
        "title": "某某案公开听证",
        "duty_on": MONDAY + dt.timedelta(days=14),
        "place": "威海市人民检察院听证室",
        "supervisors_needed": 3,
    }
    base.update(kw)
    return sv.DutyRequestData(**base)


def open_and_draw(world: Any, duty: Duty, value: str = "4821") -> DrawRecord:
    admin = world.users["weihai_admin"]
    commitment = sv.draw_open(actor=admin, duty=duty)
    return sv.draw_perform(
        actor=admin, commitment=commitment, witnesses=[{"name": "张三", "role": "检察官", "value": value}]
    )


@pytest.fixture
def duty(world: Any, programme: Any, roster: Any, frozen: Any) -> Duty:
    return sv.duty_request(actor=world.users["weihai_procurator"], data=request_data(programme))
