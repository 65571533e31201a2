"""/api/v1/duties/{id}/record: the agency's system submits the 履职情况反馈表 and reads whether each
attending supervisor has confirmed it — the page's services (record_save, record_confirm)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jiandu.duties import services as sv
from jiandu.duties.models import DutyRecord
from jiandu.duties.tests.conftest import MONDAY, act_as, open_and_draw, request_data

pytestmark = pytest.mark.django_db


def test_it_submits_the_record_and_reads_the_confirmation(
    client, world, programme, roster, bearer, frozen
) -> None:  # type: ignore[no-untyped-def]
    procurator, admin = world.users["weihai_procurator"], world.users["weihai_admin"]
    duty = sv.duty_request(actor=procurator, data=request_data(programme, supervisors_needed=1))
    open_and_draw(world, duty)
    assignment = duty.assignments.get()
    sv.assignment_respond(actor=admin, assignment=assignment, accept=True)
    url = f"/api/v1/duties/{duty.pk}/record"
    assert client.get(url, **bearer).json()["code"] == "not_found"
    body = {
        "summary": "听证会按程序进行",
        "opinions": [
            {"supervisor_id": assignment.supervisor_id, "text": "建议补充当事人陈述", "adoption": "adopted"}
        ],
    }
    early = client.post(url, json.dumps(body), content_type="application/json", **bearer)
    assert early.status_code == 400 and early.json()["message"] == "请先登记出席情况"
    frozen.move_to(dt.datetime.combine(MONDAY + dt.timedelta(days=14), dt.time(10), tzinfo=dt.UTC))
    sv.attendance_record(actor=procurator, duty=duty, present={assignment.pk})
    saved = client.post(url, json.dumps(body), content_type="application/json", **bearer)
    assert saved.status_code == 200, saved.content
    assert saved.json()["confirmations"] == [
        {
            "supervisor_id": assignment.supervisor_id,
            "full_name": assignment.supervisor.full_name,
            "confirmed": False,
            "confirmed_at": None,
            "via": "",
        }
    ]
    # the supervisor confirms on the phone; the agency's system reads it
    assignment.refresh_from_db()
    sv.record_confirm(actor=act_as(world, assignment.supervisor), assignment=assignment)
    read = client.get(url, **bearer).json()
    assert read["confirmations"][0]["confirmed"] is True and read["confirmations"][0]["via"] == "phone"
    assert read["opinions"][0]["text"] == "建议补充当事人陈述"
    # once confirmed the record is fixed, as on the page
    again = client.post(url, json.dumps(body), content_type="application/json", **bearer)
    assert again.status_code == 400 and again.json()["code"] == "refused"


def test_a_supervisor_who_did_not_attend_gets_no_opinion(
    client, world, programme, roster, bearer, frozen
) -> None:  # type: ignore[no-untyped-def]
    duty = sv.duty_request(actor=world.users["weihai_procurator"], data=request_data(programme))
    body: Any = {"summary": "x", "opinions": [{"supervisor_id": roster[0].pk, "text": "y"}]}
    response = client.post(
        f"/api/v1/duties/{duty.pk}/record", json.dumps(body), content_type="application/json", **bearer
    )
    assert response.status_code == 400
    assert not DutyRecord.objects.filter(duty=duty).exists()
