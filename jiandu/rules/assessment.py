"""Annual assessment rules (威海 人民监督员 第二十五条–第三十六条): which grades a programme uses, the
不合格 grounds a machine can offer from the ledger, whether a proposal keeps the 优秀 share, and the
deadlines after the assessment is complete. Judgement stays with the assessor: a countable ground is
offered with its figures, never applied (第三十二条 also needs “经提醒教育仍不改正”)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from jiandu.rules.calendar import WorkCalendar, provisional_note
from jiandu.rules.catalogue import GRADE_LABELS, GRADES
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.grades import excellent_share_decide
from jiandu.rules.rulebook import Rulebook, UnknownParameter

# Figures from the ledger that a countable ground reads (`evidence:` on a failing_grounds item).
EVIDENCE_LABELS = {
    "unexcused_absences": "无正当理由未参加培训、监督办案活动",
    "unanswered_invitations": "联络后未答复",
}


@dataclass(frozen=True)
class FailingGround:
    code: str
    rulebook: str
    article: str
    text: str
    evidence: str  # "" = a judgement ground, entered by the assessor


def grades_in_use(rulebook: Rulebook, on: dt.date) -> list[str]:
    """The grade codes the rulebook names; [] where it names none (a free-text evaluation)."""
    try:
        value = rulebook.param("assessment.grades", on).value
    except UnknownParameter:
        return []
    return [g for g in value if g in GRADES]


def failing_grounds(rulebook: Rulebook, on: dt.date) -> list[FailingGround]:
    try:
        c = rulebook.param("assessment.failing_grounds", on)
    except UnknownParameter:
        return []
    return [
        FailingGround(
            code=str(item["code"]),
            rulebook=c.rulebook,
            article=str(item.get("article", c.article)),
            text=str(item["text"]),
            evidence=str(item.get("evidence", "")),
        )
        for item in c.value
    ]


def failing_grounds_offered(rulebook: Rulebook, figures: Mapping[str, int], on: dt.date) -> list[Reason]:
    """The countable 不合格 grounds whose ledger figures are above zero, each with its figures. The
    assessor still confirms that reminders and education did not help (第三十二条)."""
    out = []
    for g in failing_grounds(rulebook, on):
        if not g.evidence:
            continue
        count = int(figures.get(g.evidence, 0))
        if count > 0:
            out.append(
                Reason(
                    f"assessment.ground.{g.code}",
                    g.rulebook,
                    g.article,
                    f"{g.text}：台账记载{EVIDENCE_LABELS.get(g.evidence, g.evidence)}{count}次（须确认经提醒教育仍不改正）",
                    {"evidence": g.evidence, "count": count},
                )
            )
    return out


def proposal_decide(
    rulebook: Rulebook, grades: Mapping[str, str], on: dt.date, participants: int | None = None
) -> Decision:
    """Do the proposed grades (supervisor key → grade code) use only the rulebook's grades and keep the
    优秀 share of everyone assessed (`participants`, default: those with a grade)? Over the cap is
    `review` where the text says “一般不超过”, `refused` where strict."""
    allowed = grades_in_use(rulebook, on)
    if not allowed:
        raise ValueError("本项目规则未规定考核等次，采用文字评价")
    c = rulebook.param("assessment.grades", on)
    bad = sorted({g for g in grades.values() if g not in allowed})
    if bad:
        return Decision(
            REFUSED,
            [
                Reason(
                    "assessment.grade_unknown",
                    c.rulebook,
                    c.article,
                    f"考核等次只有{'、'.join(GRADE_LABELS[g] for g in allowed)}",
                    {"unknown": bad},
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    participants = max(len(grades), participants or 0)
    excellent = sum(1 for g in grades.values() if g == "excellent")
    return excellent_share_decide(rulebook, participants, excellent, on)


def results_deadlines(
    rulebook: Rulebook, calendar: WorkCalendar, completed_on: dt.date
) -> list[tuple[str, dt.date, Reason]]:
    """After the assessment is complete: results entered within N working days, the report filed
    within M working days (第三十四条第（六）项). Only the deadlines the rulebook sets."""
    out = []
    for name, code, what in (
        ("assessment.results_entry_working_days", "entry", "录入考核结果"),
        ("assessment.report_filing_working_days", "filing", "上报考核工作情况备案"),
    ):
        try:
            c = rulebook.param(name, completed_on)
        except UnknownParameter:
            continue
        due = calendar.add_working_days(completed_on, c.value)
        years = calendar.provisional_years(completed_on, due)
        note = f"（{provisional_note(years)}）" if years else ""
        out.append(
            (
                code,
                due,
                Reason(
                    f"assessment.{code}_due",
                    c.rulebook,
                    c.article,
                    f"考核完成（{completed_on.isoformat()}）后{c.value}个工作日内{what}，最晚{due.isoformat()}{note}",
                    {
                        "completed_on": completed_on,
                        "working_days": c.value,
                        "due": due,
                        "provisional_years": list(years),
                    },
                ),
            )
        )
    return out


def hearing_required(rulebook: Rulebook, on: dt.date) -> Reason | None:
    """The right to state and defend before a 不合格 grade (第三十五条), where the rulebook gives it."""
    try:
        c = rulebook.param("assessment.failing_requires_hearing", on)
    except UnknownParameter:
        return None
    if not c.value:
        return None
    return Reason(
        "assessment.hearing",
        c.rulebook,
        c.article,
        "拟确定为不合格等次前，应当告知其理由和依据，并告知其享有陈述和申辩的权利",
        {},
    )


def excellent_conditions(rulebook: Rulebook, on: dt.date) -> list[Reason]:
    try:
        c = rulebook.param("assessment.excellent_conditions", on)
    except UnknownParameter:
        return []
    return [
        Reason(
            f"assessment.excellent.{i['code']}",
            c.rulebook,
            str(i.get("article", c.article)),
            str(i["text"]),
            {},
        )
        for i in c.value
    ]


def excellent_confirmed_decide(rulebook: Rulebook, confirmed: set[str], on: dt.date) -> Decision:
    """优秀 needs every condition confirmed by the assessor (第三十一条)."""
    conditions = excellent_conditions(rulebook, on)
    missing = [r for r in conditions if r.code.rsplit(".", 1)[1] not in confirmed]
    if missing:
        return Decision(REFUSED, missing, rulebook.id, rulebook.version)
    return Decision(ALLOWED, conditions, rulebook.id, rulebook.version)
