"""The casework app's door to the rules core: the programme's rulebook and the working-day calendar."""

from __future__ import annotations

from typing import Any

from jiandu.rules.rulebook import Rulebook, load_rulebook
from jiandu.workdays.services import work_calendar


def rulebook_for(programme: Any) -> Rulebook:
    return load_rulebook(programme.rulebook_id)


def calendar_for(programme: Any) -> Any:
    region = rulebook_for(programme).metadata.get("region")
    return work_calendar(region=str(region) if region else None)
