"""The duty list's keyset pages (duties.selectors.duty_list_page): the page's ids are chosen in a
sub-select over the (duty_on, id) index and its rows read by id; walked page by page they are exactly
the duties the user may see, newest first, each once, ties on a date included."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from jiandu.duties.models import Duty
from jiandu.duties.selectors import LIST_COLUMNS, duties_visible_to, duty_list_page
from jiandu.roster.models import Programme

pytestmark = pytest.mark.django_db

# Few dates, many duties on each: the cursor's tie-break on id is what pages within a date.
DATES = [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)]


def _duties(world: Any, programme: Programme, wanzhou: Programme) -> None:
    agencies = ["weihai_procuratorate", "huancui_procuratorate", "weihai_market", "wanzhou_market"]
    districts = ["huancui_justice", "wendeng_justice", None]
    combos = itertools.product([programme, wanzhou], agencies, districts)
    for n, (prog, agency, district) in enumerate(combos):
        Duty.objects.create(
            programme=prog,
            agency=world.orgs[agency],
            district=world.orgs[district] if district else None,
            requested_by=world.users["weihai_procurator"],
            kind="hearing",
            title=f"听证 {n}",
            duty_on=DATES[n % len(DATES)],
            place="听证室",
            supervisors_needed=3,
            requested_on=dt.date(2026, 2, 1),
        )


@pytest.mark.parametrize(
    "username",
    ["weihai_admin", "wanzhou_admin", "huancui_staff", "weihai_procurator", "wanzhou_market_staff"],
)
def test_pages_walk_every_visible_duty_once_in_order(
    world: Any, programme: Programme, wanzhou: Programme, username: str
) -> None:
    _duties(world, programme, wanzhou)
    user = world.users[username]
    expected = list(duties_visible_to(user).order_by("-duty_on", "-id").values(*LIST_COLUMNS))
    assert expected, "each user sees some of the duties"
    assert len(expected) < Duty.objects.count() or username == "weihai_admin"
    walked: list[dict[str, Any]] = []
    after = None
    for _ in range(len(expected) + 1):
        page = duty_list_page(user, after=after, size=4)
        assert page.first == (after is None)
        walked += page.rows
        after = page.next_cursor
        if after is None:
            break
    assert walked == expected
