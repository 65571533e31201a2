"""The money core: which rulebooks pay, dated rates, evidence for a duty, limits and the budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiandu.rules import allowances as law
from jiandu.rules.rulebook import load_rulebook

ON = dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("rulebook", "item", "outcome", "article", "code"),
    [
        ("weihai-people-2024", "duty", "allowed", "第四十二条第一款", "allowance.provided"),
        ("weihai-people-2024", "lodging", "allowed", "第四十三条", "allowance.provided"),
        ("weihai-admin-2022", "duty", "refused", "第六条", "allowance.unpaid"),
        ("wanzhou-admin-2024", "duty", "refused", "第十四条", "allowance.unpaid"),
        ("weihai-admin-2022", "travel", "refused", "第六条", "allowance.not_stated"),
        ("shanxi-prison-2023", "duty", "refused", "", "allowance.not_stated"),
        ("shanxi-prison-2023", "meal", "allowed", "第十五条", "allowance.provided"),
    ],
)
def test_rate_permitted(rulebook: str, item: str, outcome: str, article: str, code: str) -> None:
    d = law.rate_permitted(load_rulebook(rulebook), item, ON)
    assert (d.outcome, d.articles, d.codes) == (outcome, [article], [code])


def test_money_is_decimal_to_the_fen_and_never_float() -> None:
    assert law.money("133.335") == Decimal("133.34")
    assert law.total([Decimal("133.33")] * 3) == Decimal("399.99")
    with pytest.raises(TypeError):
        law.money(0.1)  # type: ignore[arg-type]


def test_rates_are_picked_by_date_and_may_not_overlap() -> None:
    old = law.RateEntry("duty", Decimal("200"), dt.date(2025, 1, 1), dt.date(2025, 12, 31), "甲", 1)
    new = law.RateEntry("duty", Decimal("250"), dt.date(2026, 1, 1), None, "乙", 2)
    assert law.rate_in_force([old, new], "duty", dt.date(2025, 12, 31)) == old
    assert law.rate_in_force([old, new], "duty", dt.date(2026, 1, 1)) == new
    assert law.rate_in_force([old, new], "duty", dt.date(2024, 12, 31)) is None
    assert law.rate_overlap([old], law.RateEntry("duty", Decimal("1"), dt.date(2025, 6, 1))) == old
    assert law.rate_overlap([old], law.RateEntry("meal", Decimal("1"), dt.date(2025, 6, 1))) is None


def test_a_duty_needs_the_signature_and_the_agency_feedback() -> None:
    ev = law.evidence_required(load_rulebook("weihai-people-2024"), ON)
    assert law.duty_missing(ev, confirmed=True, feedback_in=True) == []
    missing = law.duty_missing(ev, confirmed=False, feedback_in=False)
    assert [r.code for r in missing] == ["allowance.unsigned", "allowance.no_feedback"]
    assert {r.article for r in missing} == {"第四十二条第二款"}


def test_limits_and_budget() -> None:
    entries = [law.RateEntry("lodging", Decimal("350"), dt.date(2025, 1, 1), None, "示例")]
    c = law.expense_check(entries, item="lodging", amount=Decimal("720"), quantity=Decimal(2), on=ON)
    assert c.over and c.limit == Decimal("700.00")
    duty = [law.RateEntry("duty", Decimal("200"), dt.date(2025, 1, 1), None, "示例")]
    b = law.budget_compute(
        [law.PlanItem("hearing", 12, 3), law.PlanItem("inspection", 4, 2)], duty, year=2027
    )
    assert b.total == Decimal("8800.00")
