"""Shared fixtures: a small organisation tree and one account per role, built through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from jiandu.core.demo import DEMO_PASSWORD

# Every test runs on this Monday (the clock ticking from there) unless it travels elsewhere itself.
# The built-in holiday calendar ends with the last State Council notice it knows (2026); a test that
# counted from the real date would start failing once its deadlines crossed into an unloaded year.
TEST_NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    with time_machine.travel(TEST_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate-limit counters (jiandu.core.ratelimits) start at zero in every test."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """The demo organisations and accounts (no programmes): the same world `make run` shows."""
    from jiandu.accounts import demo as accounts_demo
    from jiandu.core.demo import World
    from jiandu.orgs import demo as orgs_demo

    w = World()
    orgs_demo.build(w)
    accounts_demo.build(w)
    return w


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def wanzhou(world):  # type: ignore[no-untyped-def]
    """万州区行政执法监督员, a programme of a second city under its own rulebook."""
    from jiandu.roster.models import Programme, ProgrammeKind

    return Programme.objects.create(
        name="万州区行政执法监督员",
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs["wanzhou_justice"],
        rulebook_id="wanzhou-admin-2024",
    )
