"""Decisions and the reasons behind them.

Every automated decision in Jiandu is a `Decision(outcome, reasons)`; every `Reason` names the rulebook
and the article it rests on and the figures it compared (`facts`), so a stored decision still explains
itself after the rulebook changes (the rulebook's content hash travels with it as `rulebook_version`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
# The checks a machine can make pass, but the regulation also asks for a human judgement
# (公道正派, 身体健康 …); the judgement criteria are listed as reasons for the reviewer.
REVIEW = "review"
# The rulebook sets no eligibility conditions at all (the Ningxia plan): it is not "eligible".
NO_CONDITIONS = "no_conditions"
ALLOWED = "allowed"
REFUSED = "refused"

OUTCOMES = (ELIGIBLE, INELIGIBLE, REVIEW, NO_CONDITIONS, ALLOWED, REFUSED)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


@dataclass(frozen=True)
class Reason:
    code: str
    rulebook: str
    article: str
    message: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rulebook": self.rulebook,
            "article": self.article,
            "message": self.message,
            "facts": _jsonable(self.facts),
        }


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: list[Reason]
    rulebook: str = ""
    rulebook_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "rulebook": self.rulebook,
            "rulebook_version": self.rulebook_version,
            "reasons": [r.to_dict() for r in self.reasons],
        }

    @property
    def articles(self) -> list[str]:
        return [r.article for r in self.reasons]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]
