"""A Weihai people's-supervisor programme (威海 人民监督员 2024) of twenty supervisors — enough for the
15% cap to allow three 优秀 — the first linked to the demo supervisor account."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

NAMES = [
    "刘洋",
    "陈晨",
    "赵敏",
    "孙丽",
    "周杰",
    "吴刚",
    "郑华",
    "王新",
    "冯员",
    "何亲",
    "许静",
    "韩梅",
    "曹阳",
    "彭飞",
    "蒋丽",
    "谢军",
    "邓超",
    "罗敏",
    "梁宇",
    "宋佳",
]


@pytest.fixture
def programme(world: Any) -> Programme:
    return Programme.objects.create(
        name="威海市人民监督员",
        kind=ProgrammeKind.PEOPLE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-people-2024",
    )


@pytest.fixture
def people(world: Any, programme: Programme) -> list[Supervisor]:
    out = []
    for i, name in enumerate(NAMES):
        out.append(
            Supervisor.objects.create(
                programme=programme,
                full_name=name,
                user=world.users["weihai_supervisor"] if i == 0 else None,
                term_start=dt.date(2025, 1, 1),
                initial_training_on=dt.date(2025, 2, 1),
                employer="威海某律师事务所",
                recommending_unit="威海市律师协会",
            )
        )
    return out


@pytest.fixture
def admin(world: Any) -> Any:
    return world.users["weihai_admin"]
