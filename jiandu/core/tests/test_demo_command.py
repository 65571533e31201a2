"""`jiandu demo` (what `make run` prints): every programme of the five rulebooks is in the demo with a
supervisor who can sign in, and the accounts are printed grouped by programme with what to try first."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from jiandu.roster.models import Programme, Supervisor

FIVE = (
    "shanxi-prison-2023",
    "weihai-admin-2022",
    "weihai-people-2024",
    "wanzhou-admin-2024",
    "ningxia-prison-2020",
)


@pytest.mark.django_db(transaction=True)
def test_make_run_prints_accounts_by_programme_and_every_programme_has_a_supervisor(
    transactional_db: Any,
) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for rulebook_id in FIVE:
        assert rulebook_id in text
        programmes = Programme.objects.filter(rulebook_id=rulebook_id)
        assert programmes.exists(), rulebook_id
        assert Supervisor.objects.filter(programme__in=programmes, user__isnull=False).exists(), rulebook_id
    for username in ("shanxi_supervisor", "wanzhou_supervisor", "weihai_supervisor", "sysadmin"):
        assert username in text
    assert text.index("平台") < text.index("山西") < text.index("宁夏")
    assert text.count("→") >= 15
