"""Rows for exports (CSV, JSON, `jiandu findings list --json`), per audience.

The agency's rows come from the AgencyFinding projection only, so an export cannot carry more than
the agency's pages show.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from jiandu.core.untrusted import csv_row
from jiandu.findings.models import Finding, Status
from jiandu.findings.selectors import (
    AGENCY,
    REPORTER,
    STAFF,
    agency_findings,
    agency_findings_queryset,
    audience,
    findings_for_reporter,
    findings_for_staff,
    overdue_q,
)
from jiandu.rules.calendar import provisional_text

COMMON = (
    "id",
    "number",
    "agency",
    "status",
    "status_label",
    "title",
    "forwarded_on",
    "reply_days",
    "reply_due",
    "reply_due_provisional",
    "reply_due_note",
    "reply_article",
    "replied_on",
    "adopted",
    "correction",
    "rectify_due",
    "closed_on",
    "overdue",
)
STAFF_EXTRA = ("programme", "source", "confidential", "reporter", "submitted_on")
HEADERS = {
    "id": "ID",
    "number": gettext_lazy("编号"),
    "agency": gettext_lazy("被监督单位"),
    "status": gettext_lazy("状态代码"),
    "status_label": gettext_lazy("状态"),
    "title": gettext_lazy("标题"),
    "forwarded_on": gettext_lazy("转送日期"),
    "reply_days": gettext_lazy("答复期限（日）"),
    "reply_due": gettext_lazy("答复截止日"),
    "reply_due_provisional": gettext_lazy("答复截止日为暂定"),
    "reply_due_note": gettext_lazy("暂定说明"),
    "reply_article": gettext_lazy("期限依据"),
    "replied_on": gettext_lazy("答复日期"),
    "adopted": gettext_lazy("是否采纳"),
    "correction": gettext_lazy("整改方式"),
    "rectify_due": gettext_lazy("整改期限"),
    "closed_on": gettext_lazy("销号日期"),
    "overdue": gettext_lazy("是否逾期"),
    "programme": gettext_lazy("监督项目"),
    "source": gettext_lazy("来源"),
    "confidential": gettext_lazy("要求保密"),
    "reporter": gettext_lazy("提出人"),
    "submitted_on": gettext_lazy("提出日期"),
}


def _filter(qs: QuerySet[Finding], status: str, overdue: bool) -> QuerySet[Finding]:
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_q(timezone.localdate()))
    return qs


def _model_row(f: Finding, today: Any, *, staff: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f.pk,
        "number": f.number,
        "agency": f.agency.name,
        "status": f.status,
        "status_label": f.get_status_display(),
        "title": f.title,
        "forwarded_on": f.forwarded_on,
        "reply_days": f.reply_days,
        "reply_due": f.reply_due,
        "reply_due_provisional": f.reply_due_provisional,
        "reply_due_note": provisional_text(f.reply_due, f.reply_due_provisional),
        "reply_article": (f.reply_reason or {}).get("article", ""),
        "replied_on": f.replied_on,
        "adopted": f.adopted,
        "correction": f.correction,
        "rectify_due": f.rectify_due,
        "closed_on": f.closed_on,
        "overdue": f.was_late(today),
    }
    if staff:
        row |= {
            "programme": f.programme.name,
            "source": f.source,
            "confidential": f.confidential,
            "reporter": f.reporter.full_name if f.reporter_id and f.reporter else "",
            "submitted_on": f.submitted_on,
        }
    return row


def export_rows(
    user: Any, *, qs_all: QuerySet[Finding] | None = None, status: str = "", overdue: bool = False
) -> list[dict[str, Any]]:
    """Rows `user` may see; user None (the shell operator's CLI) sees `qs_all` as staff would."""
    today = timezone.localdate()
    if status and status not in Status.values:
        return []
    who = STAFF if user is None else audience(user)
    if who == AGENCY:
        projected = agency_findings(
            user, qs=_filter(agency_findings_queryset(user), status, overdue).order_by("id")
        )
        return [
            {k: getattr(a, k, None) for k in COMMON if k != "agency"}
            | {"agency": a.agency_name, "overdue": a.late}
            for a in projected
        ]
    if who == STAFF:
        qs = (
            qs_all.select_related("agency", "programme", "reporter")
            if user is None and qs_all is not None
            else findings_for_staff(user)
        )
        return [
            _model_row(f, today, staff=True)
            for f in _filter(qs, status, overdue).order_by("id").iterator(2000)
        ]
    if who == REPORTER:
        return [
            _model_row(f, today, staff=False)
            for f in _filter(findings_for_reporter(user), status, overdue).order_by("id")
        ]
    return []


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "\ufeff"
    columns = list(rows[0])
    out = io.StringIO()
    out.write("\ufeff")  # Excel on Chinese Windows needs the BOM to read UTF-8
    writer = csv.writer(out)
    writer.writerow([HEADERS.get(c, c) for c in columns])
    for r in rows:
        # csv_row: a title or text typed as "=…" must not become a live formula (OWASP CSV injection).
        writer.writerow(csv_row("" if r.get(c) is None else r.get(c) for c in columns))
    return out.getvalue()
