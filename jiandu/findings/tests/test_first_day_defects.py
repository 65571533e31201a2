"""Defects a new user hit on the first day (issue 12), each pinned by a test that failed before the fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from jiandu.findings import services
from jiandu.findings.exports import export_rows
from jiandu.findings.models import Correction, Status

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


def test_a_reply_fifteen_days_late_is_exported_as_overdue(
    reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    """Defect 4: a reply fifteen days late was exported as 是否逾期 = False."""
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=CST), tick=False):
        f = services.finding_submit(
            actor=reporter.user, supervisor=reporter, agency=agency, text="未亮证执法"
        )
        f = services.finding_forward(actor=bureau_user, finding=f, note="请核查")
    assert f.reply_due == dt.date(2025, 4, 2)
    with time_machine.travel(dt.datetime(2025, 4, 17, 10, tzinfo=CST), tick=False):
        f = services.finding_reply(
            actor=agency_user,
            finding=f,
            adopted=True,
            reply_text="已当场纠正",
            correction=Correction.IMMEDIATE,
        )
        assert f.status != Status.FORWARDED and f.replied_on == dt.date(2025, 4, 17)
        for user in (bureau_user, agency_user, reporter.user):
            (row,) = [r for r in export_rows(user) if r["id"] == f.pk]
            assert row["overdue"] is True, user


def test_a_reply_in_time_is_not_overdue(
    reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    with time_machine.travel(dt.datetime(2025, 3, 3, 10, tzinfo=CST), tick=False):
        f = services.finding_submit(
            actor=reporter.user, supervisor=reporter, agency=agency, text="未亮证执法"
        )
        f = services.finding_forward(actor=bureau_user, finding=f, note="请核查")
        f = services.finding_reply(
            actor=agency_user,
            finding=f,
            adopted=True,
            reply_text="已当场纠正",
            correction=Correction.IMMEDIATE,
        )
        (row,) = [r for r in export_rows(bureau_user) if r["id"] == f.pk]
        assert row["overdue"] is False
