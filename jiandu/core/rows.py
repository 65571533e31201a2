"""What a list page prints for each of its rows, computed in Python before the template runs.

A list of 50–100 rows paid per row, in the template engine, for each `{% url %}` (a full reverse()),
each `|date` (the format machinery for a fixed "Y-m-d") and each `{% translate row.get_x_display %}`
(the model's choice lookup, then the catalogue): most of a list page's CPU (docs/performance.md, "Python
CPU per page"). The same text comes from here at a fraction of the cost; the templates still hold the
markup and escape every value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext

_SENTINEL = 987654321987
_URL_CACHE: dict[tuple[object, ...], tuple[str, str] | None] = {}


def url_for_pk(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for many rows: the URL is reversed once (per URL configuration and
    script prefix) with a marker id and each row's id put where the marker was. A name whose URL does
    not carry the id exactly once is reversed per row, as before."""
    key = (name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    if key not in _URL_CACHE:
        try:
            parts = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
        except NoReverseMatch:  # a pattern that does not take the marker (a bounded number of digits)
            parts = []
        if len(_URL_CACHE) > 1024:  # a bound, in case URL configurations keep changing (tests)
            _URL_CACHE.clear()
        _URL_CACHE[key] = (parts[0], parts[1]) if len(parts) == 2 else None
    split = _URL_CACHE[key]
    if split is None:
        return lambda pk: reverse(name, args=[pk])
    head, tail = split
    return lambda pk: f"{head}{int(pk)}{tail}"


def choice_labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """{value: label in the current language} for a model's choices (labels marked with
    gettext_noop): what `{% translate row.get_x_display %}` printed, without the per-row lookups.
    An unknown value prints as itself, as get_x_display does."""
    return {value: gettext(label) for value, label in choices}


def ymd(day: dt.date | None) -> str:
    """`{{ day|date:"Y-m-d" }}` for a date (a DateField; not a datetime, which the filter would first
    convert to local time): "" for None, as the filter prints."""
    return day.isoformat() if day is not None else ""
