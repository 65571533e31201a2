"""A Ningxia programme with supervisors, 银川监狱's case handler and a case file with its grounds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from jiandu.casework import demo


@pytest.fixture
def cw(world: Any) -> SimpleNamespace:
    programme = demo.programme_ensure(world)
    supervisors = demo.supervisors_ensure(world, programme)
    return SimpleNamespace(
        world=world,
        programme=programme,
        supervisors=supervisors,
        prison=world.orgs["yinchuan_prison"],
        staff=world.users["yinchuan_prison_staff"],
        other_prison_staff=world.users["shizuishan_prison_staff"],
        admin=world.users["ningxia_admin"],
        supervisor_user=world.users["ningxia_supervisor"],
    )


@pytest.fixture
def case(cw: SimpleNamespace) -> Any:
    return demo.case_with_grounds(cw.world, cw.programme, "6401001", "张三丰", "parole", significant=True)
