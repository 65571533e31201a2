"""The demo world (`jiandu demo`). Each app contributes a `demo.py` with `build(world)`; this module
runs them in dependency order. Every builder is idempotent: it looks things up by natural key first,
so running `jiandu demo` twice leaves one world."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from jiandu.rules.calendar import CalendarUnknownYear

DEMO_PASSWORD = "Jiandu@2026demo"  # noqa: S105 - printed for the demo on purpose

# Order matters: organisations before accounts before programmes before duties.
BUILDERS = (
    "jiandu.orgs.demo",
    "jiandu.accounts.demo",
    "jiandu.workdays.demo",
    "jiandu.roster.demo",
    "jiandu.recruitment.demo",
    "jiandu.duties.demo",
    "jiandu.findings.demo",
    "jiandu.allowances.demo",
    "jiandu.casework.demo",
    "jiandu.training.demo",
    "jiandu.assessment.demo",
    "jiandu.knowledge.demo",
)


@dataclass
class World:
    orgs: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    accounts: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def demo_build() -> World:
    world = World()
    for name in BUILDERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that part has no demo data yet
            raise
        # A year without a loaded notice is computed provisionally (DESIGN.md, "Time"); only a year the
        # calendar can say nothing about (before 2004, after 2100) leaves a part out, with a note.
        try:
            with transaction.atomic():
                module.build(world)
        except CalendarUnknownYear as exc:
            world.extra.setdefault("notes", []).append(
                f"演示数据 {name} 未生成：{exc}；载入后重新运行 jiandu demo"
            )
    return world
