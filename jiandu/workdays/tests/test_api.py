"""/api/workdays/: calendar arithmetic with the provisional flag, for signed-in people."""

from __future__ import annotations

from typing import Any

import pytest

from jiandu.accounts.models import User


@pytest.mark.django_db
def test_deadline_into_an_unpublished_year_is_provisional(client: Any, world: Any) -> None:
    assert client.get("/api/workdays/deadline", {"start": "2026-12-02", "days": 30}).status_code in (302, 401)
    client.force_login(User.objects.get(username="huancui_staff"))
    out = client.get("/api/workdays/deadline", {"start": "2026-12-02", "days": 30}).json()
    assert out["date"] == "2027-01-04" and out["provisional"] is True
    assert out["provisional_years"] == [2027] and out["note"] == "暂定，待2027年放假安排公布后确定"
    known = client.get("/api/workdays/add-working-days", {"start": "2025-10-13", "n": -5}).json()
    assert known == {
        "start": "2025-10-13",
        "working_days": -5,
        "date": "2025-09-29",
        "provisional": False,
        "provisional_years": [],
        "note": "",
    }
    assert client.get("/api/workdays/deadline", {"start": "2026-12-02", "days": 0}).status_code == 400
