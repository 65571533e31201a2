"""Findings fixtures: the demo organisations and accounts (root conftest `world`), a Weihai
行政执法社会监督员 programme under 威海市司法局, a reporter with a distinctive name, phone and 身份证号,
and agency staff at 威海市市场监督管理局."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.core.crypto import lookup_hash
from jiandu.core.demo import DEMO_PASSWORD
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor

REPORTER_NAME = "欧阳慧敏"
REPORTER_PHONE = "13912345678"
REPORTER_ID = "370102198003151236"


@pytest.fixture
def weihai(world: Any) -> Programme:
    return Programme.objects.create(
        name="威海市行政执法社会监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-admin-2022",
    )


@pytest.fixture
def reporter(world: Any, weihai: Programme) -> Supervisor:
    user = world.users["weihai_supervisor"]
    user.full_name = REPORTER_NAME
    user.save(update_fields=["full_name"])
    return Supervisor.objects.create(
        programme=weihai,
        user=user,
        full_name=REPORTER_NAME,
        birth_date=dt.date(1980, 3, 15),
        id_number=REPORTER_ID,
        id_number_lookup=lookup_hash("id_number", REPORTER_ID),
        phone=REPORTER_PHONE,
        phone_lookup=lookup_hash("phone", REPORTER_PHONE),
        employer="威海某律师事务所",
        email="reporter@example.cn",
    )


@pytest.fixture
def agency(world: Any) -> Any:
    return world.orgs["weihai_market"]


@pytest.fixture
def agency_user(world: Any, agency: Any) -> Any:
    # A regular demo account now (the demo's market regulator); made here only where the world lacks it.
    user = world.users.get("weihai_market_staff") or user_create(
        actor=None,
        username="weihai_market_staff",
        password=DEMO_PASSWORD,
        role=Role.AGENCY_STAFF,
        organisation=agency,
        full_name="孙丽（威海市市场监管局）",
    )
    user.email = "market@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def bureau_user(world: Any) -> Any:
    user = world.users["weihai_admin"]
    user.email = "bureau@example.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def other_agency_user(world: Any) -> Any:
    return world.users["wanzhou_market_staff"]
