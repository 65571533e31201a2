"""`{% provisional date flag %}`: the 暂定 mark beside a date computed in a year whose holiday notice
is not loaded — “（暂定，待2027年放假安排公布后确定）”."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html

from jiandu.rules.calendar import provisional_text

register = template.Library()


@register.simple_tag
def provisional(day: dt.date | None, flag: Any = True) -> str:
    text = provisional_text(day, flag)
    if not text:
        return ""
    return format_html('<span class="provisional" data-testid="provisional">（{}）</span>', text)
