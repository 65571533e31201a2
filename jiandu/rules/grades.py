"""Assessment grade rules (威海 人民监督员): the share cap on 优秀 (第三十条) and the term grade from the
annual grades (第三十六条)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from jiandu.rules.catalogue import GRADE_LABELS, GRADES
from jiandu.rules.decision import ALLOWED, REFUSED, REVIEW, Decision, Reason
from jiandu.rules.rulebook import Rulebook

# term_grade outcomes
EXCELLENT_REQUIRED = "excellent_required"  # must be 优秀
EXCELLENT_POSSIBLE = "excellent_possible"  # may be chosen (择优) — a judgement
EXCELLENT_EXCLUDED = "excellent_excluded"  # cannot be 优秀


def excellent_cap(rulebook: Rulebook, participants: int, on: dt.date) -> tuple[int, Reason]:
    """The largest number of 优秀 among `participants` assessed people (rounded down)."""
    if participants < 0:
        raise ValueError("参加考核人数不能为负数")
    c = rulebook.param("assessment.excellent_max_share", on)
    cap = math.floor(participants * c.value + 1e-9)
    return cap, Reason(
        "grade.excellent_cap",
        c.rulebook,
        c.article,
        f"优秀等次比例一般不超过参加考核总人数的{c.value:.0%}：{participants}人中至多{cap}人",
        {"participants": participants, "share": c.value, "cap": cap},
    )


def excellent_share_decide(rulebook: Rulebook, participants: int, excellent: int, on: dt.date) -> Decision:
    """Does giving 优秀 to `excellent` of `participants` respect the cap? “一般不超过” → over the cap is
    `review` (a justified exception), unless the rulebook makes the cap strict."""
    cap, reason = excellent_cap(rulebook, participants, on)
    facts = {**reason.facts, "excellent": excellent}
    if excellent <= cap:
        return Decision(
            ALLOWED,
            [
                Reason(
                    "grade.excellent_within_cap",
                    reason.rulebook,
                    reason.article,
                    reason.message + f"，拟定{excellent}人",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    strict = rulebook.has_param("assessment.excellent_share_strict", on) and bool(
        rulebook.param("assessment.excellent_share_strict", on).value
    )
    message = reason.message + f"，拟定{excellent}人，超出比例"
    return Decision(
        REFUSED if strict else REVIEW,
        [Reason("grade.excellent_over_cap", reason.rulebook, reason.article, message, facts)],
        rulebook.id,
        rulebook.version,
    )


def term_grade(rulebook: Rulebook, annual_grades: Sequence[str], on: dt.date) -> Decision:
    """What the annual grades of a term allow for the term grade (第三十六条): more than three 优秀 and no
    基本合格/不合格 → must be 优秀; at least one 优秀 and none lower than 合格 → may be chosen 优秀;
    otherwise not 优秀 (the other grades follow the provincial measures)."""
    unknown = [g for g in annual_grades if g not in GRADES]
    if unknown:
        raise ValueError(f"未知考核等次：{', '.join(unknown)}（可用：{', '.join(GRADES)}）")
    auto = rulebook.param("assessment.term_excellent_auto_min", on)
    excellent = sum(1 for g in annual_grades if g == "excellent")
    low = [g for g in annual_grades if g in ("basic", "failing")]
    facts = {"annual_grades": list(annual_grades), "excellent": excellent, "below_competent": len(low)}
    labels = "、".join(GRADE_LABELS[g] for g in annual_grades) or "无"
    if not low and excellent >= auto.value:
        return Decision(
            EXCELLENT_REQUIRED,
            [
                Reason(
                    "grade.term_excellent_required",
                    auto.rulebook,
                    auto.article,
                    f"任期内年度考核（{labels}）{excellent}次优秀且无基本合格、不合格，任期考核应当确定为优秀",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    basis = rulebook.param("assessment.term_excellent_requires_annual_excellent", on)
    if not low and excellent >= 1:
        return Decision(
            EXCELLENT_POSSIBLE,
            [
                Reason(
                    "grade.term_excellent_possible",
                    basis.rulebook,
                    basis.article,
                    f"任期内年度考核（{labels}）获过优秀且无基本合格、不合格，可择优确定为任期优秀（须评定）",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    why = "有基本合格或不合格" if low else "未获过年度优秀"
    return Decision(
        EXCELLENT_EXCLUDED,
        [
            Reason(
                "grade.term_excellent_excluded",
                basis.rulebook,
                basis.article,
                f"任期内年度考核（{labels}）{why}，任期考核不能确定为优秀",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )
