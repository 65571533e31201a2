"""Retries that arrive together: four POSTs with one Idempotency-Key at the same moment make one duty
and all get its answer (the second insert of the key waits on the first's row, then replays it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from jiandu.duties.models import Duty
from jiandu.duties.tests.test_races import _race, postgres_only
from jiandu.integrations.tests.conftest import duty_body


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_make_one_duty(programme: Any, roster: Any, bearer: Any) -> None:
    body = json.dumps(duty_body(programme))

    def post(i: int) -> Any:
        response = Client().post(
            "/api/v1/duties/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same", **bearer
        )
        return response.status_code, response.json()["id"]

    results = _race(4, post)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert {r[0] for r in results} == {201}
    assert len({r[1] for r in results}) == 1
    assert Duty.objects.count() == 1
