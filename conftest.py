"""Shared fixtures: a small organisation tree and one account per role, built through the services."""

from __future__ import annotations

import pytest

from jiandu.core.demo import DEMO_PASSWORD


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
