"""The casework app's door to the rules core: the programme's rulebook and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from jiandu.rules.calendar import provisional_note
from jiandu.rules.rulebook import Rulebook, load_rulebook
from jiandu.workdays.services import programme_calendar


def rulebook_for(programme: Any) -> Rulebook:
    return load_rulebook(programme.rulebook_id)


def calendar_for(programme: Any) -> Any:
    """The calendar of the programme's region (jiandu.workdays.services.programme_calendar)."""
    return programme_calendar(programme)


@dataclass(frozen=True)
class PublicityEnd:
    """The end of a 狱内公示 as the calendar says today. The stored `ends_on` is immutable (the frozen
    record of what was published); when it was computed provisionally, or a regional holiday was loaded
    since, the calendar published now may give another day. The end that counts is the later of the
    two: a 公示 is never cut short, and one that the published calendar lengthens runs to the new day."""

    stored: dt.date
    recomputed: dt.date
    used: dt.date
    provisional_years: tuple[int, ...]

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def basis(self) -> str:
        """Which date was used and why, for a message or the audit trail."""
        if self.used != self.stored:
            text = gettext("按现行日历自{isoformat}顺延至{isoformat2}").format(
                isoformat=self.stored.isoformat(), isoformat2=self.used.isoformat()
            )
        elif self.recomputed != self.stored:
            text = gettext("按现行日历计算为{isoformat}，公示期不缩短，仍至{isoformat2}").format(
                isoformat=self.recomputed.isoformat(), isoformat2=self.used.isoformat()
            )
        else:
            text = gettext("按现行日历核对为{isoformat}").format(isoformat=self.used.isoformat())
        note = provisional_note(self.provisional_years)
        return f"{text}；{note}" if note else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored.isoformat(),
            "recomputed": self.recomputed.isoformat(),
            "used": self.used.isoformat(),
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
        }


def publicity_end_now(publicity: Any) -> PublicityEnd:
    """Recompute the end from the stored start and number of working days on the programme's regional
    calendar as published now (jiandu.workdays), and settle which end counts (PublicityEnd)."""
    cal = calendar_for(publicity.case.programme)
    days = int(publicity.reason["facts"]["days"])
    recomputed = cal.add_working_days(publicity.starts_on, days)
    used = max(publicity.ends_on, recomputed)
    return PublicityEnd(
        stored=publicity.ends_on,
        recomputed=recomputed,
        used=used,
        provisional_years=tuple(cal.provisional_years(publicity.starts_on, used)),
    )
