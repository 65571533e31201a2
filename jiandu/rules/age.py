"""Age in completed years (周岁) on a reference date.

29 February birthdays: in a year without 29 February the birthday is taken to be 1 March — the person
has not completed the year until 28 February is over. No statute settles this for 周岁 directly:
民法典 第二百零二条 (a period with no corresponding day ends on the month's last day) could be read to
give 28 February; we chose 1 March because it is the common practice in 户籍 and HR systems and it
never makes anyone eligible early for a minimum age. Documented in docs/rulebooks.md.

A rulebook may say that the birthday itself does not yet count (`eligibility.birthday_counts: false`),
as in the criminal-law reading of 周岁 (“从周岁生日的第二天起算”); then the age increases the day after.
"""

from __future__ import annotations

import datetime as dt


def birthday_in(year: int, birth: dt.date) -> dt.date:
    """The birthday in `year`; 29 February becomes 1 March in a common year."""
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def age_on(birth: dt.date, on: dt.date, *, birthday_counts: bool = True) -> int:
    """Completed years (周岁) on `on`. Raises ValueError for a date before birth."""
    if on < birth:
        raise ValueError(f"参照日期{on.isoformat()}早于出生日期{birth.isoformat()}")
    years = on.year - birth.year
    birthday = birthday_in(on.year, birth)
    if on < birthday or (on == birthday and not birthday_counts):
        years -= 1
    return years


def date_reaching_age(birth: dt.date, years: int, *, birthday_counts: bool = True) -> dt.date:
    """The first date on which the person is `years` 周岁 old."""
    day = birthday_in(birth.year + years, birth)
    return day if birthday_counts else day + dt.timedelta(days=1)
