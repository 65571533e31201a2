"""Issue 9: a 公示 published late in December runs into a year whose holiday notice is not loaded; its
end is computed provisionally (暂定), stored as such, and extended — never cut short — on loading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.recruitment import services
from jiandu.recruitment.calendar_dates import NoticeEnds
from jiandu.roster.testing import make_programme
from jiandu.rules.calendar import overlay_from_dict
from jiandu.workdays.services import overlay_load

from .test_first_day_defects import _shortlisted

D = dt.date


@pytest.mark.django_db
def test_a_notice_into_2027_is_provisional_then_extended(world: Any) -> None:
    programme = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r = _shortlisted(programme, admin)
    notice = services.notice_publish(actor=admin, round=r, on=D(2026, 12, 29))
    # 5 working days after Tuesday 12-29: 12-30, 12-31, (元旦 01-01, weekend) 01-04, 01-05, 01-06
    assert notice.ends_on == D(2027, 1, 6) and notice.ends_provisional
    assert "暂定，待2027年放假安排公布后确定" in notice.period_reason["message"]
    # A fictitious (test-only) notice with 01-04 off and no 调休 in the period: one more day.
    overlay_load(
        actor=None,
        overlay=overlay_from_dict(
            {
                "kind": "national",
                "year": 2027,
                "label": "测试用虚构数据",
                "test_data": True,
                "holidays": [{"from": "2027-01-01", "to": "2027-01-04", "name": "元旦（虚构）"}],
            }
        ),
    )
    changes = list(NoticeEnds().recompute(today=D(2026, 12, 30), actor=None))
    notice.refresh_from_db()
    assert [c.outcome for c in changes] == ["moved"]
    assert notice.ends_on == D(2027, 1, 7) and not notice.ends_provisional
