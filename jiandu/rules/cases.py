"""Running a rulebook's cases.yaml: scenarios a lawyer can read — input → expected outcome and the
articles it must cite. Each case has a `name`, a `kind` (below), its inputs and `expect`.

expect keys: outcome, date, value, articles (each must be cited), codes (each must appear; [] means no
reason at all), facts (a subset of the first reason's facts), error (not_stated | unknown | invalid).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jiandu.rules import (
    assessment,
    casework,
    casework_checks,
    casework_review,
    deadlines,
    dismissal,
    grades,
    terms,
    training,
)
from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.decision import Decision, Reason, _jsonable
from jiandu.rules.eligibility import PersonError, eligibility_decide, person_from_dict
from jiandu.rules.rulebook import ParameterNotStated, Rulebook, RulebookNotInForce, UnknownParameter


@dataclass(frozen=True)
class CaseResult:
    name: str
    kind: str
    ok: bool
    message: str
    actual: dict[str, Any]


def _d(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


Outcome = tuple[Decision | None, dt.date | None, Any, list[Reason]]


def _run(book: Rulebook, case: dict[str, Any], cal: WorkCalendar) -> Outcome:
    kind = case["kind"]
    on = _d(case["on"]) if "on" in case else None
    if kind == "eligibility":
        d = eligibility_decide(book, person_from_dict(case["person"]), _d(case["on"]))
        return d, None, None, d.reasons
    if kind == "renewal":
        d = terms.renewal_decide(book, int(case["consecutive_terms"]), _d(case["on"]))
        return d, None, None, d.reasons
    if kind == "term_end":
        day, r = terms.term_end(book, _d(case["start"]), on)
        return None, day, None, [r]
    if kind == "replenishment":
        day, r = terms.replenishment_term(book, _d(case["start"]), _d(case["cohort_end"]), on)
        return None, day, None, [r]
    if kind == "term_expired":
        r0 = terms.term_expired(book, _d(case["end"]), _d(case["on"]))
        return None, None, r0 is not None, [r0] if r0 else []
    if kind == "dismissal_grounds":
        grounds = dismissal.dismissal_grounds(book, _d(case["on"]))
        reasons = [
            Reason(f"ground.{g.code}", g.rulebook, g.article, g.text, {"countable": g.countable})
            for g in grounds
        ]
        return None, None, len(grounds), reasons
    if kind == "missed_activities":
        attendance = [
            (_d(a["date"]), bool(a["attended"]), bool(a.get("excused", False))) for a in case["attendance"]
        ]
        reasons = dismissal.missed_activity_reasons(book, attendance, _d(case["on"]))
        return None, None, len(reasons), reasons
    if kind == "request_lead":
        d = deadlines.request_lead_decide(
            book, cal, _d(case["requested_on"]), _d(case["duty_on"]), bool(case.get("consent", False))
        )
        return d, d.reasons[0].facts["latest_allowed"], None, d.reasons
    if kind == "report_due":
        day, r = deadlines.report_due(book, cal, _d(case["duty_on"]))
        return None, day, None, [r]
    if kind == "monthly_summary":
        day, r = deadlines.monthly_summary_due(book, int(case["year"]), int(case["month"]))
        return None, day, None, [r]
    if kind == "reply_due":
        day, r = deadlines.reply_due(book, cal, _d(case["forwarded_on"]))
        return None, day, None, [r]
    if kind == "notice_period":
        day, r = deadlines.notice_period_end(book, cal, _d(case["published_on"]))
        return None, day, None, [r]
    if kind == "excellent_cap":
        cap, r = grades.excellent_cap(book, int(case["participants"]), _d(case["on"]))
        return None, None, cap, [r]
    if kind == "excellent_share":
        d = grades.excellent_share_decide(
            book, int(case["participants"]), int(case["excellent"]), _d(case["on"])
        )
        return d, None, None, d.reasons
    if kind == "term_grade":
        d = grades.term_grade(book, list(case["annual_grades"]), _d(case["on"]))
        return d, None, None, d.reasons
    if kind == "initial_training_due":
        day, r = training.initial_training_due(book, cal, _d(case["appointed_on"]))
        return None, day, None, [r]
    if kind == "in_term_training":
        d = training.in_term_check(book, int(case["year"]), int(case["attended"]))
        return d, None, None, d.reasons
    if kind == "training_gate":
        passed = _d(case["passed_on"]) if case.get("passed_on") else None
        d = training.duty_gate_decide(book, passed, _d(case["on"]))
        return d, None, None, d.reasons
    if kind == "failing_grounds_offered":
        reasons = assessment.failing_grounds_offered(book, dict(case["figures"]), _d(case["on"]))
        return None, None, len(reasons), reasons
    if kind == "grade_proposal":
        d = assessment.proposal_decide(book, dict(case["grades"]), _d(case["on"]))
        return d, None, None, d.reasons
    if kind == "results_deadlines":
        items = assessment.results_deadlines(book, cal, _d(case["completed_on"]))
        return None, items[-1][1] if items else None, [i[1].isoformat() for i in items], [i[2] for i in items]
    if kind == "isolation_end":
        day, r = casework.isolation_end(book, _d(case["start"]), bool(case.get("extended", False)))
        return None, day, None, [r]
    if kind == "isolation":
        d = casework.isolation_decide(
            book, _d(case["start"]), _d(case["on"]), bool(case.get("extended", False))
        )
        return d, None, None, d.reasons
    if kind == "medical_records_due":
        day, r = casework.medical_records_due(book, cal, _d(case["approved_on"]))
        return None, day, None, [r]
    if kind == "points_publish_due":
        day, r = casework.points_publish_due(book, int(case["year"]), int(case["month"]))
        return None, day, None, [r]
    if kind == "trusty_reapproval_due":
        day, r = casework.trusty_reapproval_due(book, _d(case["approved_on"]))
        return None, day, None, [r]
    if kind == "review_majority":
        d = casework.review_majority_decide(
            book, int(case["members"]), int(case["in_favour"]), _d(case["on"])
        )
        return d, None, None, d.reasons
    if kind == "review_vote":
        d = casework_review.review_vote_decide(
            book,
            should_attend=int(case["should_attend"]),
            in_favour=int(case["in_favour"]),
            against=int(case.get("against", 0)),
            abstain=int(case.get("abstain", 0)),
            on=_d(case["on"]),
        )
        return d, None, None, d.reasons
    if kind == "review_change":
        d = casework_review.review_change_decide(
            book,
            earlier=str(case["earlier"]),
            now=str(case["now"]),
            legal_basis=str(case.get("legal_basis", "")),
            reason=str(case.get("reason", "")),
            on=_d(case["on"]),
        )
        return d, None, None, d.reasons
    if kind == "review_continue":
        d = casework_review.review_continue_decide(
            book,
            earlier_refused=bool(case.get("earlier_refused", True)),
            legal_basis=str(case.get("legal_basis", "")),
            reason=str(case.get("reason", "")),
            on=_d(case["on"]),
        )
        return d, None, None, d.reasons
    if kind == "medical_checks":
        d = casework_review.medical_checks_decide(
            book,
            records_complete=bool(case.get("records_complete", False)),
            explanation=str(case.get("explanation", "")),
            tumour_without_pathology=bool(case.get("tumour_without_pathology", False)),
            diagnoses=[
                casework_review.Diagnosis(str(x["hospital"]), bool(x.get("designated", False)))
                for x in case.get("diagnoses", [])
            ],
            specialty_confirmed=bool(case.get("specialty_confirmed", False)),
            on=_d(case["on"]),
        )
        return d, None, None, d.reasons
    if kind == "trusty_evaluation_due":
        day, r = casework_checks.trusty_evaluation_due(book, _d(case["last"]))
        return None, day, None, [r]
    if kind == "grading_due":
        day, r = casework_checks.grading_due(book, _d(case["last"]))
        return None, day, None, [r]
    if kind == "quarterly_report_due":
        day, r = casework_checks.quarterly_report_due(book, _d(case["on"]))
        return None, day, None, [r]
    if kind == "param":
        c = book.param(str(case["parameter"]), _d(case["on"]))
        return None, None, c.value, [Reason("param", c.rulebook, c.article, c.note, {})]
    raise ValueError(f"未知案例类型 kind: {kind}")


KINDS = [
    "review_vote",
    "review_change",
    "review_continue",
    "medical_checks",
    "trusty_evaluation_due",
    "grading_due",
    "quarterly_report_due",
    "eligibility",
    "renewal",
    "term_end",
    "replenishment",
    "term_expired",
    "dismissal_grounds",
    "missed_activities",
    "request_lead",
    "report_due",
    "monthly_summary",
    "reply_due",
    "notice_period",
    "excellent_cap",
    "excellent_share",
    "term_grade",
    "initial_training_due",
    "in_term_training",
    "training_gate",
    "failing_grounds_offered",
    "grade_proposal",
    "results_deadlines",
    "isolation_end",
    "isolation",
    "medical_records_due",
    "points_publish_due",
    "trusty_reapproval_due",
    "review_majority",
    "param",
]


def run_case(book: Rulebook, case: dict[str, Any], cal: WorkCalendar | None = None) -> CaseResult:
    name = str(case.get("name") or "(未命名)")
    kind = str(case.get("kind") or "")
    expect = case.get("expect")
    if kind not in KINDS:
        return CaseResult(name, kind, False, f"未知案例类型 kind: {kind!r}", {})
    if not isinstance(expect, dict) or not expect:
        return CaseResult(name, kind, False, "缺少 expect", {})
    cal = cal or WorkCalendar()
    try:
        decision, day, value, reasons = _run(book, case, cal)
    except RulebookNotInForce as exc:
        return _expect_error(name, kind, expect, "not_in_force", str(exc))
    except ParameterNotStated as exc:
        return _expect_error(name, kind, expect, "not_stated", str(exc))
    except UnknownParameter as exc:
        return _expect_error(name, kind, expect, "unknown", str(exc))
    except (PersonError, ValueError, KeyError, TypeError) as exc:
        return _expect_error(name, kind, expect, "invalid", f"{type(exc).__name__}: {exc}")
    actual: dict[str, Any] = {
        "outcome": decision.outcome if decision else None,
        "date": day.isoformat() if day else None,
        "value": _jsonable(value),
        "articles": [r.article for r in reasons],
        "codes": [r.code for r in reasons],
    }
    problems: list[str] = []
    if "error" in expect:
        problems.append(f"预期错误 {expect['error']}，实际未出错")
    if "outcome" in expect and actual["outcome"] != expect["outcome"]:
        problems.append(f"结果应为 {expect['outcome']}，实际为 {actual['outcome']}")
    if "date" in expect and actual["date"] != _d(expect["date"]).isoformat():
        problems.append(f"日期应为 {_d(expect['date']).isoformat()}，实际为 {actual['date']}")
    if "value" in expect and actual["value"] != _jsonable(expect["value"]):
        problems.append(f"取值应为 {expect['value']!r}，实际为 {actual['value']!r}")
    for article in expect.get("articles") or []:
        if article not in actual["articles"]:
            problems.append(f"应引用 {article}，实际引用 {actual['articles']}")
        elif book.citation_error(article) and all(
            r.rulebook == book.id for r in reasons if r.article == article
        ):
            problems.append(f"预期引用的 {article} 不存在")
    if "codes" in expect:
        wanted = expect["codes"] or []
        if not wanted and actual["codes"]:
            problems.append(f"不应有理由，实际为 {actual['codes']}")
        for code in wanted:
            if code not in actual["codes"]:
                problems.append(f"应有理由 {code}，实际为 {actual['codes']}")
    if "facts" in expect:
        facts = _jsonable(reasons[0].facts) if reasons else {}
        for key, want in (expect["facts"] or {}).items():
            if facts.get(key) != _jsonable(want):
                problems.append(f"facts.{key} 应为 {want!r}，实际为 {facts.get(key)!r}")
    return CaseResult(name, kind, not problems, "；".join(problems), actual)


def _expect_error(name: str, kind: str, expect: dict[str, Any], error: str, message: str) -> CaseResult:
    if expect.get("error") == error:
        return CaseResult(name, kind, True, "", {"error": error, "message": message})
    return CaseResult(name, kind, False, f"出错（{error}）：{message}", {"error": error, "message": message})


def run_cases(book: Rulebook, cal: WorkCalendar | None = None) -> list[CaseResult]:
    cal = cal or WorkCalendar()
    return [run_case(book, case if isinstance(case, dict) else {}, cal) for case in book.cases]


Runner = Callable[[Rulebook, dict[str, Any], WorkCalendar], Outcome]
