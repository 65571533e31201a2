"""The duty list's rows, formatted in the view (duties.views.duty_rows_html), are byte for byte what
the template's `{% for %}` loop printed, in both languages, values escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from jiandu.core.rows import choice_labels, url_for_pk, ymd
from jiandu.duties.models import DutyKind, DutyStatus
from jiandu.duties.selectors import report_overdue
from jiandu.duties.views import duty_rows_html

# The loop duties/list.html had, with what the view put in each row.
LOOP = Template(
    "{% load i18n %}{% for r in rows %}\n<tr>\n  <td>{{ r.on }}</td>\n"
    '  <td><a href="{{ r.url }}">{{ r.d.title }}</a><br><span class="muted">{{ r.kind }} · {{ r.d.programme }}</span></td>\n'
    "  <td>{{ r.d.agency }}</td>\n  <td>{{ r.d.supervisors_needed }}</td>\n"
    '  <td>{{ r.status }}{% if r.overdue %}<br><strong class="error">{% translate "通报逾期" %}</strong>{% endif %}</td>\n'
    "</tr>\n{% endfor %}"
)
TODAY = dt.date(2026, 3, 9)


def _row(pk: int, **kw: Any) -> dict[str, Any]:
    row = {
        "id": pk,
        "title": "看守所巡查",
        "kind": DutyKind.choices[pk % len(DutyKind.choices)][0],
        "duty_on": dt.date(2026, 3, 1) + dt.timedelta(days=pk),
        "status": DutyStatus.choices[pk % len(DutyStatus.choices)][0],
        "supervisors_needed": pk,
        "report_due_on": None,
        "reported_on": None,
        "programme__name": "威海市人民监督员",
        "agency__name": "威海市人民检察院",
    }
    return row | kw


ROWS = [
    _row(1),
    _row(2, title="<script>alert(\"x\")</script> & 'quotes'", programme__name="A & B <项目>"),
    _row(3, status=DutyStatus.HELD, report_due_on=dt.date(2026, 3, 2)),  # report overdue
    _row(4, status=DutyStatus.HELD, report_due_on=dt.date(2026, 3, 2), reported_on=dt.date(2026, 3, 3)),
    _row(5, status=DutyStatus.HELD, report_due_on=TODAY),
    _row(10**6, kind="unknown_kind", status="unknown_status", supervisors_needed=12345),
]


class _Named:
    """What `{{ r.d.programme }}` printed: the model's str (its name)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name


def _loop(rows: list[dict[str, Any]]) -> str:
    url = url_for_pk("duties:detail")
    kinds, statuses = choice_labels(DutyKind.choices), choice_labels(DutyStatus.choices)
    return LOOP.render(
        Context(
            {
                "rows": [
                    {
                        "d": {
                            "title": d["title"],
                            "programme": _Named(d["programme__name"]),
                            "agency": _Named(d["agency__name"]),
                            "supervisors_needed": d["supervisors_needed"],
                        },
                        "url": url(d["id"]),
                        "on": ymd(d["duty_on"]),
                        "kind": kinds.get(d["kind"], d["kind"]),
                        "status": statuses.get(d["status"], d["status"]),
                        "overdue": report_overdue(d, TODAY),
                    }
                    for d in rows
                ]
            }
        )
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_what_the_template_loop_printed(language: str) -> None:
    with translation.override(language):
        html = duty_rows_html(ROWS, today=TODAY)
        assert html == _loop(ROWS)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert html.count('class="error"') == 1  # only the held duty whose report is past due and unsent


def test_no_rows_is_empty() -> None:
    assert duty_rows_html([], today=TODAY) == ""
