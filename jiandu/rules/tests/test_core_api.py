"""The core API as other apps call it (keyword arguments, tuples of attendance, edge cases)."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.casework import isolation_end, review_majority_decide
from jiandu.rules.deadlines import monthly_summary_due, reply_due, report_due, request_lead_decide
from jiandu.rules.dismissal import Attendance, dismissal_grounds, missed_activity_reasons
from jiandu.rules.grades import excellent_cap, excellent_share_decide, term_grade
from jiandu.rules.rulebook import REPO_RULEBOOK_DIR, ParameterNotStated, load_rulebook
from jiandu.rules.terms import renewal_decide, replenishment_term, term_end, term_expired

ON = dt.date(2026, 11, 22)
CAL = WorkCalendar()


def book(rid: str):  # type: ignore[no-untyped-def]
    return load_rulebook(rid, REPO_RULEBOOK_DIR)


def test_terms_keyword_calls_and_edges() -> None:
    shanxi = book("shanxi-prison-2023")
    end, reason = term_end(shanxi, start=dt.date(2024, 2, 29), on=ON)
    assert end == dt.date(2027, 2, 28)  # no 29 February in 2027: the month's last day (第二百零二条)
    assert reason.article == "第六条" and "一般为三年" in reason.message
    assert renewal_decide(shanxi, consecutive_terms=7, on=ON).outcome == "allowed"
    with pytest.raises(ValueError, match="已于"):
        replenishment_term(shanxi, start=dt.date(2026, 8, 1), cohort_end=dt.date(2026, 7, 1), on=ON)
    with pytest.raises(ParameterNotStated):
        replenishment_term(book("weihai-admin-2022"), start=ON, cohort_end=ON, on=ON)
    assert term_expired(shanxi, dt.date(2026, 7, 1), dt.date(2026, 7, 1)) is None
    expired = term_expired(shanxi, dt.date(2026, 7, 1), dt.date(2026, 7, 2))
    assert expired is not None and expired.code == "term.expired"
    with pytest.raises(ValueError):
        renewal_decide(shanxi, consecutive_terms=-1, on=ON)


def test_missed_activities_accepts_pairs_triples_dicts_and_objects() -> None:
    weihai = book("weihai-admin-2022")
    pairs = [(dt.date(2026, 1, 5), False), (dt.date(2026, 2, 5), False)]
    assert [r.code for r in missed_activity_reasons(weihai, attendance=pairs, on=ON)] == [
        "dismissal.missed_consecutive"
    ]
    triples = [(dt.date(2026, 1, 5), False, True), (dt.date(2026, 2, 5), False, False)]
    assert missed_activity_reasons(weihai, attendance=triples, on=ON) == []
    objects = [Attendance(dt.date(2026, 2, 5), False), Attendance(dt.date(2026, 1, 5), False)]  # unordered
    assert len(missed_activity_reasons(weihai, attendance=objects, on=ON)) == 1
    # activities after the reference date are not yet counted
    assert missed_activity_reasons(weihai, attendance=pairs, on=dt.date(2026, 1, 31)) == []
    countable = [g for g in dismissal_grounds(weihai, on=ON) if g.countable]
    assert [(g.code, g.article, g.threshold, g.window) for g in countable] == [
        ("missed_consecutive", "第十六条第（六）项", 2, "consecutive")
    ]


def test_duty_deadlines_keyword_calls() -> None:
    weihai = book("weihai-people-2024")
    d = request_lead_decide(
        weihai, CAL, requested_on=dt.date(2026, 2, 13), duty_on=dt.date(2026, 2, 26), consent=False
    )
    # 2-26 ← 2-25, 2-24, (2-15…2-23 春节), 2-14 (调休), 2-13, 2-12: the fifth working day back is 2-12
    assert d.outcome == "refused" and d.reasons[0].facts["latest_allowed"] == dt.date(2026, 2, 12)
    assert "已逾期" in d.reasons[0].message
    assert report_due(weihai, CAL, duty_on=dt.date(2026, 2, 13))[0] == dt.date(2026, 2, 25)
    assert monthly_summary_due(weihai, year=2026, month=1)[0] == dt.date(2026, 2, 5)
    with pytest.raises(ValueError):
        monthly_summary_due(weihai, year=2026, month=13)
    due, reason = reply_due(book("weihai-admin-2022"), CAL, forwarded_on=dt.date(2026, 1, 30))
    assert due == dt.date(2026, 3, 2)  # 3-01 is a Sunday
    assert reason.article == "第十二条"


def test_grades_and_casework_edges() -> None:
    weihai = book("weihai-people-2024")
    assert excellent_cap(weihai, participants=0, on=ON)[0] == 0
    assert excellent_cap(weihai, participants=100, on=ON)[0] == 15
    assert excellent_share_decide(weihai, participants=100, excellent=15, on=ON).outcome == "allowed"
    assert term_grade(weihai, annual_grades=[], on=ON).outcome == "excellent_excluded"
    with pytest.raises(ValueError, match="未知考核等次"):
        term_grade(weihai, annual_grades=["superb"], on=ON)
    ningxia = book("ningxia-prison-2020")
    assert isolation_end(ningxia, dt.date(2024, 12, 31), extended=False)[0] == dt.date(2025, 2, 28)
    assert review_majority_decide(ningxia, 3, 2, ON).outcome == "allowed"
    assert review_majority_decide(ningxia, 3, 1, ON).outcome == "refused"
