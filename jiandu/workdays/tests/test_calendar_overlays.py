"""Overlays loaded into the database reach work_calendar(); the cache is invalidated on load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.rules.calendar import OverlayError
from jiandu.workdays.models import CalendarOverlay
from jiandu.workdays.services import overlay_load_file, overlay_parse, work_calendar

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_loading_a_year_makes_it_known_and_is_audited() -> None:
    before = work_calendar()
    assert before.is_provisional_year(2027)
    assert not before.is_working_day(dt.date(2027, 2, 9))  # provisional 春节 补假
    row = overlay_load_file(actor=None, path=DATA / "TEST-fictitious-2027-national.yaml")
    assert row.test_data and row.year == 2027
    after = work_calendar()
    assert after is not before
    assert after.is_working_day(dt.date(2027, 1, 4))
    assert not after.is_working_day(dt.date(2027, 2, 8))
    assert after.is_working_day(dt.date(2027, 2, 13))  # fictitious make-up Saturday
    assert work_calendar() is after  # cached until the next load
    event = AuditEvent.objects.get(action="calendar.overlay_load")
    assert event.after is not None
    assert event.after["year"] == 2027 and event.after["test_data"] is True


@pytest.mark.django_db(transaction=True)
def test_reloading_replaces_the_same_notice() -> None:
    path = DATA / "TEST-fictitious-2027-national.yaml"
    overlay_load_file(actor=None, path=path)
    overlay_load_file(actor=None, path=path)
    assert CalendarOverlay.objects.filter(year=2027, kind="national").count() == 1
    assert AuditEvent.objects.filter(action="calendar.overlay_load").count() == 2


@pytest.mark.django_db(transaction=True)
def test_regional_overlay_example_applies_to_its_region_only() -> None:
    overlay_load_file(
        actor=None, path=REPO / "rulebooks" / "calendar-overlays" / "EXAMPLE-ningxia-640000-2026.yaml"
    )
    day = dt.date(2026, 3, 20)
    assert work_calendar().is_working_day(day)
    assert not work_calendar("640000").is_working_day(day)
    assert not work_calendar("640100").is_working_day(day)


@pytest.mark.django_db
def test_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: national\nyear: 2027\nlabel: x\nholidays: [{date: 2027-13-01}]\n", encoding="utf-8")
    with pytest.raises(OverlayError, match="无效日期"):
        overlay_load_file(actor=None, path=bad)
    with pytest.raises(OverlayError):
        overlay_parse("{{{")
    assert not CalendarOverlay.objects.exists()
