"""Money: allowance rates, which duties count, expense limits and budgets (pure Python, no Django).

The texts say *whether* a programme pays and *on what evidence* (威海 人民监督员 2024 第四十一条–第四十三条,
山西 第十五条; 威海 2022 第六条 and 万州 第十四条: no 报酬); the amounts come from local finance documents.
Those amounts are dated brackets like OpenFisca parameters: each `RateEntry` has its own source document
and validity, and `rate_in_force` picks the one for a date. Money is Decimal to the 分, never a float.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Cited, Rulebook, UnknownParameter

FEN = Decimal("0.01")

# What a rate can be for. The duty allowance is paid per duty (or half-day/day); expense lines are
# limits per unit (a trip, a night, a day).
DUTY = "duty"
TRAVEL = "travel"
LODGING = "lodging"
MEAL = "meal"
EXPENSE_ITEMS = (TRAVEL, LODGING, MEAL)
ITEMS = (DUTY, *EXPENSE_ITEMS)
ITEM_PARAMETER = {
    DUTY: "allowance.duty_allowance",
    TRAVEL: "allowance.expenses_reimbursed",
    LODGING: "allowance.expenses_reimbursed",
    MEAL: "allowance.expenses_reimbursed",
}


def money(value: Decimal | int | str) -> Decimal:
    """Round to the 分 (half up, as cashiers do); refuses floats, which cannot hold 0.10 exactly."""
    if isinstance(value, float):
        raise TypeError("金额不能使用浮点数")
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def _param(rb: Rulebook, name: str, on: dt.date) -> Cited | None:
    try:
        return rb.param(name, on)
    except UnknownParameter:
        return None


def rate_permitted(rb: Rulebook, item: str, on: dt.date) -> Decision:
    """May this programme record a rate for `item` on `on`? A rulebook that says no 报酬 can never have
    a duty allowance; an item the text does not provide for is refused, never assumed."""
    if item not in ITEMS:
        raise ValueError(f"未知的费用项目：{item}")
    own = _param(rb, ITEM_PARAMETER[item], on)
    unpaid = _param(rb, "allowance.remuneration", on)
    facts = {"item": item, "on": on}
    if item == DUTY and unpaid is not None and unpaid.value is False:
        reason = Reason(
            "allowance.unpaid", rb.id, unpaid.article, "规则规定不支付报酬，不能设置履职补助标准", facts
        )
        return Decision(REFUSED, [reason], rb.id, rb.version)
    if own is not None and own.value is True:
        message = "规则规定发放履职补助" if item == DUTY else "规则规定相关费用予以报销"
        return Decision(
            ALLOWED, [Reason("allowance.provided", rb.id, own.article, message, facts)], rb.id, rb.version
        )
    if own is not None:  # stated, and false
        return Decision(
            REFUSED,
            [Reason("allowance.not_provided", rb.id, own.article, "规则规定不予发放", facts)],
            rb.id,
            rb.version,
        )
    # The text is silent: cite what it does say about pay, if anything, and refuse.
    article = unpaid.article if unpaid is not None else ""
    message = "规则未规定发放履职补助" if item == DUTY else "规则未规定费用报销"
    if unpaid is not None and unpaid.value is False:
        message += "（仅规定不支付报酬）"
    return Decision(
        REFUSED, [Reason("allowance.not_stated", rb.id, article, message, facts)], rb.id, rb.version
    )


# --- dated rates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateEntry:
    item: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None = None
    source: str = ""  # 文件名称 and 文号, shown on every sheet
    key: int | None = None  # the stored row, when there is one

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def rate_in_force(entries: Iterable[RateEntry], item: str, on: dt.date) -> RateEntry | None:
    found = [e for e in entries if e.item == item and e.in_force(on)]
    return max(found, key=lambda e: e.valid_from) if found else None


def rate_overlap(entries: Iterable[RateEntry], new: RateEntry) -> RateEntry | None:
    """Another entry for the same item whose validity overlaps `new` (ranges may not overlap)."""
    far = dt.date.max
    for e in entries:
        if e.item != new.item or (e.key is not None and e.key == new.key):
            continue
        if e.valid_from <= (new.valid_to or far) and new.valid_from <= (e.valid_to or far):
            return e
    return None


# --- which duties count (第四十二条第二款) ------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the sheet must see before a duty counts: each a citation, or None where the text is silent."""

    signed: Cited | None
    feedback: Cited | None


def evidence_required(rb: Rulebook, on: dt.date) -> Evidence:
    def flag(name: str) -> Cited | None:
        c = _param(rb, name, on)
        return c if c is not None and c.value is True else None

    return Evidence(
        signed=flag("allowance.requires_signed_record"), feedback=flag("allowance.requires_agency_feedback")
    )


def duty_missing(ev: Evidence, *, confirmed: bool, feedback_in: bool) -> list[Reason]:
    """Why a duty cannot go on a sheet yet (empty: it counts). A duty whose record the supervisor has not
    confirmed never counts, even where the text does not name the signature: nothing proves it happened."""
    out: list[Reason] = []
    if not confirmed:
        c = ev.signed
        out.append(
            Reason(
                "allowance.unsigned",
                c.rulebook if c else "",
                c.article if c else "",
                "监督员尚未在履职情况反馈表上签字确认",
                {"confirmed": False},
            )
        )
    if ev.feedback is not None and not feedback_in:
        c = ev.feedback
        out.append(
            Reason(
                "allowance.no_feedback",
                c.rulebook,
                c.article,
                "尚未收到用人机关的履职情况反馈函",
                {"feedback": False},
            )
        )
    return out


def line_amount(rate: RateEntry, units: int | Decimal) -> Decimal:
    return money(rate.amount * Decimal(units))


def total(amounts: Iterable[Decimal]) -> Decimal:
    return money(sum(amounts, Decimal("0")))


# --- expense limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitCheck:
    item: str
    amount: Decimal
    quantity: Decimal
    limit: Decimal | None  # None: no limit recorded for the date
    source: str = ""

    @property
    def over(self) -> bool:
        return self.limit is not None and self.amount > self.limit


def expense_check(
    entries: Sequence[RateEntry], *, item: str, amount: Decimal, quantity: Decimal, on: dt.date
) -> LimitCheck:
    if item not in EXPENSE_ITEMS:
        raise ValueError(f"未知的费用项目：{item}")
    rate = rate_in_force(entries, item, on)
    limit = money(rate.amount * quantity) if rate is not None else None
    return LimitCheck(item, money(amount), quantity, limit, rate.source if rate else "")


def expense_reason(rb: Rulebook, check: LimitCheck, on: dt.date) -> Reason:
    basis = _param(rb, "allowance.expenses_reimbursed", on)
    facts = {
        "item": check.item,
        "amount": str(check.amount),
        "limit": str(check.limit),
        "source": check.source,
    }
    if check.limit is None:
        return Reason(
            "expense.no_limit", rb.id, basis.article if basis else "", "该日期没有登记的报销标准", facts
        )
    code, message = (
        ("expense.over_limit", "超过报销标准") if check.over else ("expense.within_limit", "未超过报销标准")
    )
    return Reason(code, rb.id, basis.article if basis else "", message, facts)


# --- budget (第四十一条第二款) --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    kind: str  # a DutyKind value, or training / meeting
    count: int
    supervisors_each: int


@dataclass
class BudgetLine:
    kind: str
    count: int
    supervisors_each: int
    rate: Decimal | None
    amount: Decimal


@dataclass
class Budget:
    year: int
    lines: list[BudgetLine] = field(default_factory=list)
    source: str = ""

    @property
    def total(self) -> Decimal:
        return total(line.amount for line in self.lines)


def budget_compute(items: Iterable[PlanItem], entries: Sequence[RateEntry], *, year: int) -> Budget:
    """Activities × supervisors × the duty rate in force on 1 January of the plan's year (no rate: 0,
    shown as missing, so the request is never silently short)."""
    on = dt.date(year, 1, 1)
    rate = rate_in_force(entries, DUTY, on)
    out = Budget(year=year, source=rate.source if rate else "")
    for it in items:
        amount = money(rate.amount * it.count * it.supervisors_each) if rate else money(0)
        out.lines.append(
            BudgetLine(it.kind, it.count, it.supervisors_each, rate.amount if rate else None, amount)
        )
    return out
