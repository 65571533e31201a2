"""Reading a holiday notice's text: the published 2026 notice gives exactly the published calendar;
a malformed line is named and nothing is produced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar

from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.notice import month_grid, notice_parse

DATA = Path(__file__).resolve().parents[2] / "workdays" / "tests" / "data"


def test_the_2026_notice_text_gives_the_published_calendar() -> None:
    parsed = notice_parse((DATA / "notice-2026-published.txt").read_text(encoding="utf-8"))
    assert parsed.ok and parsed.year == 2026 and parsed.overlay is not None
    assert parsed.label == "国务院办公厅关于2026年部分节假日安排的通知"
    assert not parsed.overlay.test_data
    assert set(parsed.overlay.holidays) == {d for d in chinese_calendar.holidays if d.year == 2026}
    assert set(parsed.overlay.workdays) == {d for d in chinese_calendar.workdays if d.year == 2026}
    used = [line for line in parsed.lines if line.status == "used"]
    assert [line.name for line in used] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]


def test_a_fictitious_notice_is_marked_test_data() -> None:
    parsed = notice_parse((DATA / "TEST-fictitious-2027-notice.txt").read_text(encoding="utf-8"))
    assert parsed.ok and parsed.overlay is not None and parsed.overlay.test_data
    cal = WorkCalendar([parsed.overlay])
    assert not cal.is_provisional_year(2027)
    assert not cal.is_working_day(dt.date(2027, 1, 4)) and cal.is_working_day(dt.date(2027, 1, 9))


def test_single_day_form_and_regional_notice() -> None:
    parsed = notice_parse("一、元旦：1月1日（周三）放假1天，不调休。", year=2025)
    assert parsed.ok and parsed.overlay is not None
    assert list(parsed.overlay.holidays) == [dt.date(2025, 1, 1)] and not parsed.overlay.workdays
    ningxia = notice_parse(
        "宁夏回族自治区2026年开斋节放假安排（示例）\n开斋节：3月20日（周五）放假1天。",
        year=2026,
        kind="regional",
        region="640000",
    )
    assert ningxia.ok and ningxia.overlay is not None and ningxia.overlay.region == "640000"


def test_malformed_lines_are_named_and_nothing_is_produced() -> None:
    text = "\n".join(
        [
            "国务院办公厅关于2027年部分节假日安排的通知（虚构）",
            "一、元旦：1月1日（周四）至3日（周日）放假，共3天。",  # 1 January 2027 is a Friday
            "二、春节：2月5日放假，共3天。",  # one day, not three
            "三、清明节：待定",  # no date
            "四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月26日（周一）上班。",  # a Monday
            "五、端午节：6月9日（周三）放假，共1天。",
        ]
    )
    parsed = notice_parse(text)
    assert not parsed.ok and parsed.overlay is None
    assert [line.number for line in parsed.failed] == [2, 3, 4, 5]
    assert "周五" in parsed.failed[0].message
    assert "共3天" in parsed.failed[1].message
    assert "本是工作日" in parsed.failed[3].message
    assert parsed.lines[5].status == "used"
    assert all(p.startswith("第") for p in parsed.problems)


def test_no_year_no_notice() -> None:
    parsed = notice_parse("一、元旦：1月1日放假，共1天。")
    assert not parsed.ok and "年份" in parsed.error
    assert not notice_parse("   ").ok


def test_month_grid_marks_holidays_and_make_up_days() -> None:
    parsed = notice_parse((DATA / "notice-2026-published.txt").read_text(encoding="utf-8"))
    assert parsed.overlay is not None
    names = {**parsed.overlay.holidays, **parsed.overlay.workdays}
    grid = month_grid(2026, WorkCalendar().is_working_day, names)
    cells = {c["date"]: c for m in grid for w in m["weeks"] for c in w if c}
    assert len(cells) == 365
    assert cells[dt.date(2026, 1, 1)]["kind"] == "holiday"
    assert cells[dt.date(2026, 1, 4)]["kind"] == "workday"  # the make-up Sunday
    assert cells[dt.date(2026, 1, 10)]["kind"] == "weekend"
    assert cells[dt.date(2026, 1, 5)]["kind"] == "work"


def test_a_day_of_the_previous_year_is_left_to_that_year() -> None:
    """The 2023 notice's form: “元旦：2022年12月31日至2023年1月2日放假调休，共3天。”"""
    parsed = notice_parse(
        "国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。"
    )
    assert parsed.ok and parsed.overlay is not None
    assert sorted(parsed.overlay.holidays) == [dt.date(2023, 1, 1), dt.date(2023, 1, 2)]
    assert "2022-12-31" in parsed.lines[1].message and parsed.lines[1].status == "used"


def test_the_2025_items_quoted_in_shared_regulations_match_the_published_calendar() -> None:
    """The two items of the 2025 notice quoted beside the 办法 (shared/regulations/national/), unnumbered."""
    text = (
        "元旦：1月1日（周三）放假1天，不调休。\n"
        "春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。"
        "1月26日（周日）、2月8日（周六）上班。"
    )
    parsed = notice_parse(text, year=2025)
    assert parsed.ok and parsed.overlay is not None
    until = dt.date(2025, 2, 28)
    assert set(parsed.overlay.holidays) == {
        d for d in chinese_calendar.holidays if d.year == 2025 and d <= until
    }
    assert set(parsed.overlay.workdays) == {
        d for d in chinese_calendar.workdays if d.year == 2025 and d <= until
    }
