"""Supervisor self-service on the phone (issue 12): phone and address, an employer change that starts
the rulebook's one-month reporting clock and is flagged late after it, a change bearing on eligibility
sent to the bureau with the criteria it touches, and a request to resign."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.notifications.models import Notification
from jiandu.roster import services
from jiandu.roster.models import EmployerChange, ProfileReport, ReportStatus, Supervisor
from jiandu.roster.testing import make_programme, person

D = dt.date
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def me(world):  # type: ignore[no-untyped-def]
    p = make_programme(world, "weihai-people-2024")
    s = services.supervisor_appoint(
        actor=None, programme=p, person=person(1), starts_on=D(2026, 1, 1), on=D(2026, 1, 1)
    )
    s.user = world.users["weihai_supervisor"]
    s.save(update_fields=["user"])
    return s


@time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=CST), tick=False)
def test_phone_and_address_on_the_phone(me, world, client):
    client_sign_in(client, world.users["weihai_supervisor"])
    client.post(
        "/roster/me/edit",
        {
            "full_name": me.full_name,
            "phone": "13911112222",
            "address": "威海市环翠区某路1号",
            "specialties": ["law"],
        },
    )
    me.refresh_from_db()
    assert me.phone == "13911112222" and me.address == "威海市环翠区某路1号"
    event = AuditEvent.objects.filter(action="supervisor.update_profile").latest("seq")
    assert (event.after or {}).get("address_changed") is True and "某路" not in str(event.after)
    assert "威海市环翠区某路1号" in client.get("/roster/me/").content.decode()


@time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=CST), tick=False)
def test_an_employer_change_reported_after_a_month_is_flagged_late(me, world, client):
    client_sign_in(client, world.users["weihai_supervisor"])
    client.post("/roster/me/", {"form": "employer", "new_employer": "某科技公司", "changed_on": "2026-09-01"})
    change = EmployerChange.objects.get()
    assert change.report_due == D(2026, 10, 1) and change.is_late
    page = client.get("/roster/me/").content.decode()
    assert "逾期报告" in page and "第六条" in page


@time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=CST), tick=False)
def test_an_eligibility_change_goes_to_the_bureau_with_the_criteria(me, world, client):
    client_sign_in(client, world.users["weihai_supervisor"])
    page = client.get("/roster/me/").content.decode()
    assert 'value="procuratorate_staff"' in page and 'value="criminal_penalty"' in page
    client.post(
        "/roster/me/",
        {"form": "change", "posts": ["procuratorate_staff"], "records": [], "text": "调入区人民检察院工作"},
    )
    report = ProfileReport.objects.get()
    assert report.status == ReportStatus.PENDING and report.criteria[0]["article"] == "第七条第二款"
    assert Notification.objects.filter(
        recipient=world.users["weihai_admin"], kind="supervisor.report"
    ).exists()
    # The bureau sees it with the criterion and records its review.
    client_sign_in(client, world.users["weihai_admin"])
    staff_page = client.get(f"/roster/s/{me.pk}/").content.decode()
    assert "调入区人民检察院工作" in staff_page and "第七条第二款" in staff_page
    client.post(f"/roster/reports/{report.pk}/review", {"outcome": "不再符合条件，启动免除程序"})
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED and report.reviewed_by == world.users["weihai_admin"]


@time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=CST), tick=False)
def test_a_supervisor_asks_to_resign_once(me, world, client):
    client_sign_in(client, world.users["weihai_supervisor"])
    client.post("/roster/me/", {"form": "resign", "text": "工作调动，无法继续履职"})
    client.post("/roster/me/", {"form": "resign", "text": "再次申请"})
    assert ProfileReport.objects.filter(kind="resignation").count() == 1
    assert AuditEvent.objects.filter(action="supervisor.request_resignation").count() == 1
    # Nobody else can ask on the supervisor's behalf.
    other = Supervisor.objects.create(programme=me.programme, full_name="他人")
    with pytest.raises(Exception, match="本人"):
        services.supervisor_request_resignation(
            actor=world.users["weihai_supervisor"], supervisor=other, text="", on=D(2026, 11, 16)
        )
