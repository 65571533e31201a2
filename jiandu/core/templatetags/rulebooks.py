"""Citations on pages come from the programme's own rulebook, never typed into a template:

    {% load rulebooks %}
    {% cite duty.programme "duty.recusal_grounds" as recusal %}
    {% if recusal %}（{{ recusal.article }}）{% else %}{% silent %}{% endif %}

`cite` gives the parameter in force today (Asia/Shanghai) with its article, or None where the
programme's text says nothing on the matter (or leaves it to another document) — the page then says
so instead of borrowing another city's article."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from jiandu.roster.rules import SILENT, programme_cite
from jiandu.rules.rulebook import Cited

register = template.Library()


@register.simple_tag
def cite(programme: Any, name: str, on: dt.date | None = None) -> Cited | None:
    return programme_cite(programme, name, on)


@register.simple_tag
def silent() -> str:
    return str(SILENT)
