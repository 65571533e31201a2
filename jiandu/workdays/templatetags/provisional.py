"""`{% provisional date flag %}`: the 暂定 mark beside a date computed in a year whose holiday notice
is not loaded — “（暂定，待2027年放假安排公布后确定）”."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def provisional(day: dt.date | None, flag: Any = True) -> str:
    if not flag or day is None:
        return ""
    # The same words as jiandu.rules.calendar.provisional_note, marked for translation here.
    text = _("暂定，待%(years)s年放假安排公布后确定") % {"years": day.year}
    return format_html('<span class="provisional" data-testid="provisional">（{}）</span>', text)
