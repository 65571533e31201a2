"""A Weihai people's-supervisor programme (威海 人民监督员 2024) with three supervisors, one linked to the
demo supervisor account, none with initial training yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.roster.models import Programme, ProgrammeKind, Supervisor


@pytest.fixture
def programme(world: Any) -> Programme:
    return Programme.objects.create(
        name="威海市人民监督员",
        kind=ProgrammeKind.PEOPLE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-people-2024",
    )


@pytest.fixture
def people(world: Any, programme: Programme) -> dict[str, Supervisor]:
    def make(name: str, **kw: Any) -> Supervisor:
        return Supervisor.objects.create(
            programme=programme, full_name=name, term_start=dt.date(2026, 10, 9), **kw
        )

    return {
        "liu": make("刘洋", user=world.users["weihai_supervisor"]),
        "chen": make("陈晨"),
        "zhao": make("赵敏"),
    }


@pytest.fixture
def admin(world: Any) -> Any:
    return world.users["weihai_admin"]
