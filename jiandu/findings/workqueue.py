"""Findings' entries in the home-page work queue (jiandu.core.workqueue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jiandu.core.workqueue import AGENCY, STAFF, SUPERVISOR, QueueEntry, Row, register
from jiandu.findings.models import Complaint, ComplaintStatus, Finding, Status
from jiandu.findings.selectors import (
    agency_findings_queryset,
    complaints_for_staff,
    findings_for_reporter,
    findings_for_staff,
    overdue_q,
)


def _finding_row(f: Finding, on: dt.date | None) -> Row:
    return (f"{f.number} {f.title}", reverse("findings:detail", args=[f.pk]), on)


def _to_triage(user: Any, today: dt.date) -> QuerySet[Finding]:
    return findings_for_staff(user).filter(status=Status.SUBMITTED)


def _overdue(user: Any, today: dt.date) -> QuerySet[Finding]:
    # Ordered by the reply deadline; a rectification's own deadline is shown on its row.
    return findings_for_staff(user).filter(overdue_q(today))


def _to_verify(user: Any, today: dt.date) -> QuerySet[Finding]:
    return findings_for_staff(user).filter(status=Status.REPLIED)


def _complaints(user: Any, today: dt.date) -> QuerySet[Complaint]:
    return complaints_for_staff(user).filter(
        status__in=(ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)
    )


# The agency's rows carry only columns of the agency projection (selectors.AGENCY_COLUMNS): no reporter.
AGENCY_ROW_COLUMNS = ("id", "title", "reply_due", "rectify_due", "status")


def _to_answer(user: Any, today: dt.date) -> QuerySet[Finding]:
    return agency_findings_queryset(user).filter(status=Status.FORWARDED).only(*AGENCY_ROW_COLUMNS)


def _to_rectify(user: Any, today: dt.date) -> QuerySet[Finding]:
    return agency_findings_queryset(user).filter(status=Status.RECTIFYING).only(*AGENCY_ROW_COLUMNS)


def _answers(user: Any, today: dt.date) -> QuerySet[Finding]:
    # The supervisor's opinions that have an answer to read and rate.
    return findings_for_reporter(user).filter(
        status__in=(Status.REPLIED, Status.CLOSED), rating__isnull=True, replied_on__isnull=False
    )


register(
    QueueEntry(
        key="findings_triage",
        label=_("待分办的监督意见"),
        audience=STAFF,
        rows=_to_triage,
        oldest="submitted_on",
        row=lambda f: _finding_row(f, f.submitted_on),
        order=40,
        date_label=_("提出日期"),
    )
)
register(
    QueueEntry(
        key="findings_overdue",
        label=_("逾期未答复或未整改"),
        audience=STAFF,
        rows=_overdue,
        oldest="reply_due",
        row=lambda f: _finding_row(f, f.active_due()),
        order=41,
        date_label=_("截止日期"),
    )
)
register(
    QueueEntry(
        key="findings_verify",
        label=_("已答复待核验销号"),
        audience=STAFF,
        rows=_to_verify,
        oldest="replied_on",
        row=lambda f: _finding_row(f, f.replied_on),
        order=42,
        date_label=_("答复日期"),
    )
)
register(
    QueueEntry(
        key="complaints_open",
        label=_("未办结的举报"),
        audience=STAFF,
        rows=_complaints,
        oldest="received_on",
        row=lambda c: (
            f"{c.tracking_code} {c.supervisor_name_given}",
            reverse("findings:complaint_detail", args=[c.pk]),
            c.received_on,
        ),
        order=43,
        date_label=_("受理日期"),
    )
)
register(
    QueueEntry(
        key="findings_to_answer",
        label=_("待答复的监督意见"),
        audience=AGENCY,
        rows=_to_answer,
        oldest="reply_due",
        row=lambda f: _finding_row(f, f.reply_due),
        order=20,
        date_label=_("答复截止日"),
    )
)
register(
    QueueEntry(
        key="findings_to_rectify",
        label=_("整改中的问题"),
        audience=AGENCY,
        rows=_to_rectify,
        oldest="rectify_due",
        row=lambda f: _finding_row(f, f.rectify_due),
        order=21,
        date_label=_("整改期限"),
    )
)
register(
    QueueEntry(
        key="findings_answers",
        label=_("已答复待评价的意见"),
        audience=SUPERVISOR,
        rows=_answers,
        oldest="replied_on",
        row=lambda f: _finding_row(f, f.replied_on),
        order=30,
        date_label=_("答复日期"),
    )
)
