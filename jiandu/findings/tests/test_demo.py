"""The demo world holds findings in every state, some overdue and confidential, and stays one world
when built twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from jiandu.findings.models import Complaint, Finding, Status
from jiandu.findings.selectors import overdue_q
from jiandu.notifications.models import Notification

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2025, 6, 16, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_demo_findings(transactional_db: Any) -> None:
    from jiandu.core.demo import demo_build

    demo_build()
    statuses = set(Finding.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    today = dt.date(2025, 6, 16)
    assert Finding.objects.filter(overdue_q(today)).count() >= 3
    assert Finding.objects.filter(confidential=True, status=Status.FORWARDED).exists()
    assert Notification.objects.filter(kind="finding.reply_escalation").exists()
    assert Notification.objects.filter(kind="finding.reply_reminder").exists()
    assert Complaint.objects.exists()
    count = Finding.objects.count()
    demo_build()
    assert Finding.objects.count() == count
