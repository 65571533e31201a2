"""Dismissal grounds (解聘 / 免除资格), each enumerated with its article in `dismissal.grounds`; the
countable ones — missed activities in a row or within a year — are detected from attendance data.

A countable ground in a rulebook:
    {code: missed_consecutive, article: 第十六条第（六）项, text: …, countable: true,
     count: {threshold: 2, window: consecutive}}          # 连续两次以上无故不参加
    {code: missed_in_year, …, count: {threshold: 2, window: year}}   # 一年内两次不参加
`window: year` reads “一年内” as a one-year period counted from each absence by 民法典 第二百零一条
(the day of the absence is not counted: the period starts the next day) and 第二百零二条 (it ends on
the corresponding day of the next year — the anniversary itself is inside — or, with no such day, on
the month's last day: 29 February → 28 February). The reviewer sees the dates.

Only absences without a recorded valid excuse count (“无故”/“无正当理由”); the reason still asks
the reviewer to confirm, because whether an excuse is 正当 is a judgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jiandu.rules.calendar import add_years
from jiandu.rules.decision import Reason
from jiandu.rules.rulebook import Rulebook


@dataclass(frozen=True)
class Ground:
    code: str
    article: str
    text: str
    countable: bool
    rulebook: str = ""
    threshold: int | None = None
    window: str | None = None  # "consecutive" | "year"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rulebook": self.rulebook,
            "article": self.article,
            "text": self.text,
            "countable": self.countable,
            "threshold": self.threshold,
            "window": self.window,
        }


@dataclass(frozen=True)
class Attendance:
    on: dt.date
    attended: bool
    excused: bool = False


RESIGNED = "resigned"
RESIGNATION_UNLISTED = "本人申请辞聘（本项目规则未列明辞聘，按本人请求记录）"


def resignation_ground(rulebook: Rulebook, on: dt.date) -> Ground:
    """辞聘 is open to every supervisor, whatever the text says: cited where the text names it (a
    `resigned` dismissal ground, or `dismissal.resignation`), recorded as the person's own request
    where it does not — never filed under a dismissal ground."""
    for ground in _listed_grounds(rulebook, on):
        if ground.code == RESIGNED:
            return ground
    if rulebook.has_param("dismissal.resignation", on):
        c = rulebook.param("dismissal.resignation", on)
        return Ground(RESIGNED, c.article, c.note or "本人申请辞聘", False, c.rulebook)
    return Ground(RESIGNED, "", RESIGNATION_UNLISTED, False, rulebook.id)


def leaving_grounds(rulebook: Rulebook, on: dt.date) -> list[Ground]:
    """What a departure may rest on: resignation first, then the text's own grounds (none where the
    text lists none, e.g. the Ningxia plan)."""
    return [resignation_ground(rulebook, on)] + [
        g for g in _listed_grounds(rulebook, on) if g.code != RESIGNED
    ]


def _listed_grounds(rulebook: Rulebook, on: dt.date) -> list[Ground]:
    return dismissal_grounds(rulebook, on) if rulebook.has_param("dismissal.grounds", on) else []


def dismissal_grounds(rulebook: Rulebook, on: dt.date) -> list[Ground]:
    c = rulebook.param("dismissal.grounds", on)
    grounds = []
    for item in c.value:
        count = item.get("count") or {}
        grounds.append(
            Ground(
                code=item["code"],
                article=item["article"],
                text=item["text"],
                countable=bool(item.get("countable", False)),
                rulebook=c.rulebook,
                threshold=count.get("threshold"),
                window=count.get("window"),
            )
        )
    return grounds


def _attendance(items: Iterable[Any]) -> list[Attendance]:
    out = []
    for item in items:
        if isinstance(item, Attendance):
            out.append(item)
        elif isinstance(item, dict):
            out.append(Attendance(item["date"], bool(item["attended"]), bool(item.get("excused", False))))
        else:
            values = tuple(item)
            out.append(Attendance(values[0], bool(values[1]), bool(values[2]) if len(values) > 2 else False))
    return sorted(out, key=lambda a: a.on)


def missed_activity_reasons(rulebook: Rulebook, attendance: Iterable[Any], on: dt.date) -> list[Reason]:
    """Reasons for every countable ground the attendance record meets by `on`.

    `attendance`: (date, attended) or (date, attended, excused) tuples, dicts {date, attended, excused},
    or Attendance objects — one per activity the supervisor was called to. Activities after `on` are
    ignored."""
    records = [a for a in _attendance(attendance) if a.on <= on]
    reasons = []
    for ground in dismissal_grounds(rulebook, on):
        if not ground.countable or not ground.threshold:
            continue
        if ground.window == "consecutive":
            run: list[Attendance] = []
            best: list[Attendance] = []
            for a in records:
                # 连续 means consecutive activities: attending, or an absence with a recorded excuse,
                # breaks the run (the conservative reading — it never flags more than the text says).
                if a.attended or a.excused:
                    run = []
                else:
                    run.append(a)
                    if len(run) > len(best):
                        best = list(run)
            if len(best) >= ground.threshold:
                dates = [a.on for a in best]
                reasons.append(
                    Reason(
                        f"dismissal.{ground.code}",
                        ground.rulebook,
                        ground.article,
                        f"连续{len(best)}次未参加组织的活动且未记录正当理由（{ground.text}）；请核实是否无故",
                        {"missed": dates, "threshold": ground.threshold, "window": "consecutive"},
                    )
                )
        elif ground.window == "year":
            missed = [a.on for a in records if not a.attended and not a.excused]
            found: list[dt.date] = []
            for i, first in enumerate(missed):
                last_day = add_years(first, 1)  # 第二百零二条: the corresponding day is the last day
                window = [d for d in missed[i:] if d <= last_day]
                if len(window) >= ground.threshold:
                    found = window
                    break
            if found:
                reasons.append(
                    Reason(
                        f"dismissal.{ground.code}",
                        ground.rulebook,
                        ground.article,
                        f"一年内{len(found)}次未参加活动且未记录正当理由（{ground.text}）；请核实是否无正当理由",
                        {"missed": found, "threshold": ground.threshold, "window": "year"},
                    )
                )
    return reasons
