"""A Weihai people's-supervisor programme with a small roster (the duties tests' own), and a token
issued by the procuratorate's staff through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from jiandu.duties.tests.conftest import MONDAY, make_supervisor
from jiandu.integrations.services import scopes_allowed, token_issue
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor


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


@pytest.fixture
def roster(world: Any, programme: Programme) -> list[Supervisor]:
    huancui, wendeng = world.orgs["huancui_justice"], world.orgs["wendeng_justice"]
    return [
        make_supervisor(programme, "刘洋", district=huancui, phone="13800000001", employer="甲律师事务所"),
        make_supervisor(programme, "陈晨", district=huancui, phone="13800000002"),
        make_supervisor(programme, "赵敏", district=wendeng, phone="13800000003"),
        make_supervisor(programme, "孙丽", district=wendeng, phone="13800000004"),
    ]


@pytest.fixture
def procurator(world: Any) -> Any:
    return world.users["weihai_procurator"]


def issue(user: Any, scopes: list[str] | None = None, name: str = "检察业务应用系统") -> str:
    _token, raw = token_issue(
        actor=user,
        name=name,
        # by default every scope the account may grant (an agency's four; a bureau's own)
        scopes=scopes_allowed(user) if scopes is None else scopes,
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )
    return raw


@pytest.fixture
def bearer(procurator: Any, frozen: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue(procurator)}"}


def duty_body(programme: Programme, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme_id": programme.pk,
        "kind": "hearing",
        "title": "某某案公开听证",
        "duty_on": (MONDAY + dt.timedelta(days=14)).isoformat(),
        "place": "威海市人民检察院听证室",
        "supervisors_needed": 2,
    }
    body.update(kw)
    return body


@pytest.fixture
def receiver() -> Any:
    from jiandu.integrations.tests.receiver import receiver_serve

    yield from receiver_serve()
