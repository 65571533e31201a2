"""Terms of appointment: length, renewal, the cap on consecutive terms, replenishment ending with the
cohort, and expiry. A term of N years starting on S ends on the corresponding day N years later
(the start day is not counted, 民法典 第二百零一条; no corresponding day → the month's last day,
第二百零二条)."""

from __future__ import annotations

import datetime as dt

from jiandu.rules.calendar import add_years
from jiandu.rules.decision import ALLOWED, REFUSED, REVIEW, Decision, Reason
from jiandu.rules.rulebook import ParameterNotStated, Rulebook


def term_end(rulebook: Rulebook, start: dt.date, on: dt.date | None = None) -> tuple[dt.date, Reason]:
    """The last day of a full term that starts on `start`."""
    c = rulebook.param("term.years", on or start)
    end = add_years(start, c.value)
    note = f"（{c.note}）" if c.note else ""
    return end, Reason(
        "term.end",
        c.rulebook,
        c.article,
        f"每届聘期{c.value}年{note}：自{start.isoformat()}起，至{end.isoformat()}届满",
        {"start": start, "years": c.value, "end": end},
    )


def renewal_decide(rulebook: Rulebook, consecutive_terms: int, on: dt.date) -> Decision:
    """May a supervisor who has served `consecutive_terms` terms in a row (the current one included)
    be appointed for another?"""
    if consecutive_terms < 0:
        raise ValueError("连续任职届数不能为负数")
    renewable = rulebook.param("term.renewable", on)
    if not renewable.value:
        return Decision(
            REFUSED,
            [
                Reason(
                    "term.not_renewable",
                    renewable.rulebook,
                    renewable.article,
                    "本办法未规定期满可以续聘",
                    {},
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    if not rulebook.has_param("term.max_consecutive", on):
        return Decision(
            ALLOWED,
            [
                Reason(
                    "term.renewable",
                    renewable.rulebook,
                    renewable.article,
                    "聘期届满可以续聘，本办法未规定连任届数上限",
                    {"consecutive_terms": consecutive_terms},
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    cap = rulebook.param("term.max_consecutive", on)
    facts = {"consecutive_terms": consecutive_terms, "max_consecutive": cap.value}
    if consecutive_terms < cap.value:
        return Decision(
            ALLOWED,
            [
                Reason(
                    "term.within_cap",
                    cap.rulebook,
                    cap.article,
                    f"已连续任职{consecutive_terms}届，续聘后为{consecutive_terms + 1}届，不超过{cap.value}届",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    strict = True
    if rulebook.has_param("term.max_consecutive_strict", on):
        strict = bool(rulebook.param("term.max_consecutive_strict", on).value)
    if strict:
        return Decision(
            REFUSED,
            [
                Reason(
                    "term.cap_reached",
                    cap.rulebook,
                    cap.article,
                    f"已连续任职{consecutive_terms}届，不得连续任职超过{cap.value}届",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REVIEW,
        [
            Reason(
                "term.cap_in_principle",
                cap.rulebook,
                cap.article,
                f"已连续任职{consecutive_terms}届；原则上连续任职不得超过{cap.value}届，例外须个案研究决定",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def replenishment_term(
    rulebook: Rulebook, start: dt.date, cohort_end: dt.date, on: dt.date | None = None
) -> tuple[dt.date, Reason]:
    """The end of a replenishment (补聘) appointment made on `start` into a cohort ending `cohort_end`.

    Raises ParameterNotStated when the text does not say how long a replenishment term is."""
    on = on or start
    if not rulebook.has_param("term.replenishment_ends_with_cohort", on):
        raise ParameterNotStated(f"《{rulebook.title}》未规定补聘人员的任期，须按有关规定或个案决定")
    c = rulebook.param("term.replenishment_ends_with_cohort", on)
    if not c.value:
        end, reason = term_end(rulebook, start, on)
        return end, reason
    if cohort_end < start:
        raise ValueError(f"本届任期已于{cohort_end.isoformat()}届满，不能在{start.isoformat()}补聘")
    return cohort_end, Reason(
        "term.replenishment_with_cohort",
        c.rulebook,
        c.article,
        f"补聘的任期与本届任期相同，至{cohort_end.isoformat()}届满",
        {"start": start, "cohort_end": cohort_end},
    )


def term_expired(rulebook: Rulebook, end: dt.date, on: dt.date) -> Reason | None:
    """A reason when the term ending `end` has expired on `on` (the appointment lapses unless renewed)."""
    if on <= end:
        return None
    if rulebook.has_param("term.expiry_ends_appointment", on):
        c = rulebook.param("term.expiry_ends_appointment", on)
        return Reason(
            "term.expired",
            c.rulebook,
            c.article,
            f"聘期已于{end.isoformat()}届满，未续聘的自然解聘",
            {"end": end, "on": on},
        )
    c = rulebook.param("term.years", on)
    return Reason(
        "term.expired", c.rulebook, c.article, f"聘期已于{end.isoformat()}届满", {"end": end, "on": on}
    )
