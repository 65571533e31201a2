"""Helpers for roster / recruitment / portal tests (not used by the application)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.roster.demo import demo_id_number
from jiandu.roster.models import Programme, ProgrammeKind
from jiandu.roster.services import PersonData

# rulebook id → (organisation key, kind)
PROGRAMME_HOMES = {
    "shanxi-prison-2023": ("shanxi_prisons", ProgrammeKind.PRISON),
    "weihai-admin-2022": ("weihai_justice", ProgrammeKind.ADMINISTRATIVE),
    "weihai-people-2024": ("weihai_justice", ProgrammeKind.PEOPLE),
    "wanzhou-admin-2024": ("wanzhou_justice", ProgrammeKind.ADMINISTRATIVE),
}


def make_programme(
    world: Any, rulebook_id: str, *, cohort: tuple[dt.date, dt.date] | None = None
) -> Programme:
    org_key, kind = PROGRAMME_HOMES[rulebook_id]
    return Programme.objects.create(
        name=f"测试项目 {rulebook_id}",
        kind=kind,
        organisation=world.orgs[org_key],
        rulebook_id=rulebook_id,
        cohort_start=cohort[0] if cohort else None,
        cohort_end=cohort[1] if cohort else None,
    )


def person(
    n: int, *, born: dt.date = dt.date(1980, 5, 17), region: str = "371002", **extra: Any
) -> PersonData:
    data: dict[str, Any] = {
        "full_name": f"测试{n}号",
        "id_number": demo_id_number(region, born, n),
        "phone": f"1390000{n:04d}",
        "education": "bachelor",
        "employer": "某律师事务所",
        "specialties": ["law"],
    }
    data.update(extra)
    return PersonData(**data)


def application_data(n: int, *, born: dt.date = dt.date(1980, 5, 17), **extra: Any) -> dict[str, Any]:
    p = person(n, born=born)
    data = {
        "full_name": p.full_name,
        "id_number": p.id_number,
        "phone": p.phone,
        "education": "bachelor",
        "employer": "某律师事务所",
        "specialties": ["law"],
        "records": [],
        "posts": [],
    }
    data.update(extra)
    return data


def sign_in_now(client: Any, user: Any) -> None:
    """Sign in under a frozen clock: the password counts as changed "now", so the periodic-change
    policy (等保) does not redirect a test that travels in time."""
    from django.utils import timezone

    from jiandu.accounts.testing import client_sign_in

    type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
    user.refresh_from_db()
    client_sign_in(client, user)
