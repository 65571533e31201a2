"""Assessment rules: the term grade over any sequence of annual grades (威海 人民监督员 第三十六条), the
优秀 share of a proposal (第三十条), the countable 不合格 grounds (第三十二条) and the five/ten
working-day deadlines (第三十四条第（六）项)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from jiandu.rules.assessment import (
    failing_grounds_offered,
    grades_in_use,
    proposal_decide,
    results_deadlines,
)
from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.catalogue import GRADES
from jiandu.rules.decision import ALLOWED, REVIEW
from jiandu.rules.grades import EXCELLENT_EXCLUDED, EXCELLENT_POSSIBLE, EXCELLENT_REQUIRED, term_grade
from jiandu.rules.rulebook import load_rulebook

WEIHAI = load_rulebook("weihai-people-2024")
ON = dt.date(2026, 12, 31)


@given(st.lists(st.sampled_from(GRADES), max_size=6))
def test_term_grade_follows_the_article_for_every_sequence(grades: list[str]) -> None:
    d = term_grade(WEIHAI, grades, ON)
    excellent = grades.count("excellent")
    low = any(g in ("basic", "failing") for g in grades)
    if low or excellent == 0:
        assert d.outcome == EXCELLENT_EXCLUDED
    elif excellent > 3:
        assert d.outcome == EXCELLENT_REQUIRED
    else:
        assert d.outcome == EXCELLENT_POSSIBLE
    assert d.reasons[0].article == "第三十六条"


@given(st.lists(st.sampled_from(GRADES), max_size=6), st.sampled_from(GRADES))
def test_a_lower_grade_never_improves_the_term_grade(grades: list[str], extra: str) -> None:
    order = [EXCELLENT_EXCLUDED, EXCELLENT_POSSIBLE, EXCELLENT_REQUIRED]
    before = order.index(term_grade(WEIHAI, grades, ON).outcome)
    after = order.index(term_grade(WEIHAI, [*grades, extra], ON).outcome)
    if extra != "excellent":
        assert after <= before


@given(st.integers(min_value=1, max_value=400), st.data())
def test_the_share_is_within_the_cap_exactly_when_excellent_is_at_most_15_percent(
    n: int, data: st.DataObject
) -> None:
    excellent = data.draw(st.integers(min_value=0, max_value=n))
    grades = {str(i): "excellent" if i < excellent else "competent" for i in range(n)}
    d = proposal_decide(WEIHAI, grades, ON)
    assert (d.outcome == ALLOWED) == (excellent * 100 <= n * 15)
    if d.outcome != ALLOWED:
        assert d.outcome == REVIEW  # “一般不超过”
        assert d.reasons[0].facts["excellent"] == excellent


def test_participants_count_everyone_assessed_not_only_those_graded() -> None:
    d = proposal_decide(WEIHAI, {"a": "excellent"}, ON, participants=20)
    assert d.outcome == ALLOWED and d.reasons[0].facts["cap"] == 3


def test_countable_grounds_are_offered_with_figures_and_judgement_ones_are_not() -> None:
    reasons = failing_grounds_offered(WEIHAI, {"unexcused_absences": 2, "unanswered_invitations": 0}, ON)
    assert [r.article for r in reasons] == ["第三十二条第（一）项"]
    assert reasons[0].facts == {"evidence": "unexcused_absences", "count": 2}


def test_programmes_without_grades_evaluate_in_free_text() -> None:
    assert grades_in_use(load_rulebook("shanxi-prison-2023"), ON) == []
    assert grades_in_use(load_rulebook("wanzhou-admin-2024"), ON) == []
    assert grades_in_use(WEIHAI, ON) == list(GRADES)


def test_five_and_ten_working_days_after_completion_skip_the_national_day_holiday() -> None:
    items = results_deadlines(WEIHAI, WorkCalendar(), dt.date(2026, 9, 29))
    # 2026-09-30 is a working day, then the 国庆 holiday; 10-10 is a 调休 working day.
    assert [(code, due) for code, due, _ in items] == [
        ("entry", WorkCalendar().add_working_days(dt.date(2026, 9, 29), 5)),
        ("filing", WorkCalendar().add_working_days(dt.date(2026, 9, 29), 10)),
    ]
    assert all(r.article == "第三十四条第（六）项" for _, _, r in items)
    assert items[0][1] > dt.date(2026, 10, 8)
