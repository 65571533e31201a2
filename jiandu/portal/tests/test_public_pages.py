"""The public portal, signed out: announcement, application with receipt, status with the rejection
reason, objections during the notice, certificate verification (validity, name, programme only)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiandu.recruitment import services
from jiandu.recruitment.models import Application, ApplicationStatus, Channel, Objection
from jiandu.roster import services as roster_services
from jiandu.roster.models import Certificate, DepartureKind
from jiandu.roster.testing import application_data, make_programme, person

D = dt.date


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r = services.round_create(
        actor=admin,
        programme=programme,
        title="万州区行政执法监督员选聘公告",
        quota=3,
        applications_open=D(2026, 3, 2),
        applications_close=D(2026, 3, 20),
        recruitment_starts_on=D(2026, 4, 1),
        term_start=D(2026, 5, 1),
        on=D(2026, 3, 1),
    )
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    return r, admin


BORN = D(1980, 5, 17)


def _form(n: int, born: D = BORN) -> dict[str, object]:
    data = application_data(n, born=born)
    return {
        "full_name": data["full_name"],
        "id_number": data["id_number"],
        "phone": data["phone"],
        "education": "bachelor",
        "nationality_cn": "on",
        "specialties": ["law"],
        "truthful": "on",
    }


@time_machine.travel(dt.datetime(2026, 3, 5, 2, tzinfo=dt.UTC), tick=False)
def test_announcement_and_self_recommendation_without_an_account(published, client):
    r, _ = published
    page = client.get(f"/public/rounds/{r.pk}/").content.decode()
    assert "第五条第（四）项" in page and "在线报名" in page
    assert r.title in client.get("/public/").content.decode()
    response = client.post(f"/public/rounds/{r.pk}/apply/", _form(1))
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.channel == Channel.SELF and app.outcome
    applied = client.get(response["Location"]).content.decode()
    assert app.receipt_no in applied
    # A bad 身份证号 is refused with a Chinese message and nothing is stored.
    bad = _form(2)
    bad["id_number"] = str(bad["id_number"])[:17] + ("0" if str(bad["id_number"])[17] != "0" else "1")
    page = client.post(f"/public/rounds/{r.pk}/apply/", bad).content.decode()
    assert "校验码" in page and Application.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 3, 5, 2, tzinfo=dt.UTC), tick=False)
def test_status_by_receipt_shows_the_rejection_reason_with_its_article(published, client):
    r, admin = published
    old = services.application_submit(
        actor=None,
        round=r,
        channel=Channel.SELF,
        data=application_data(3, born=D(1960, 1, 1)),
        on=D(2026, 3, 5),
    )
    services.application_review(actor=admin, application=old, approve=False, criteria="年龄不符")
    page = client.get("/public/status/", {"receipt_no": old.receipt_no.lower()}).content.decode()
    assert "未通过审查" in page and "第五条第（四）项" in page
    assert old.full_name not in page  # the name is masked on the public page
    assert "未找到" in client.get("/public/status/", {"receipt_no": "BMNOSUCHTHING"}).content.decode()


def test_objection_during_the_notice_period(published, client):
    r, admin = published
    a = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(4), on=D(2026, 3, 5)
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    notice = services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23))
    with time_machine.travel(dt.datetime(2026, 3, 24, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/public/notices/{notice.pk}/").content.decode()
        assert a.full_name in page and a.id_number not in page
        client.post(
            f"/public/notices/{notice.pk}/",
            {"application": a.pk, "text": "该人员曾受行政处分", "contact": "13800000000"},
        )
    o = Objection.objects.get()
    assert o.application == a and o.is_unresolved
    assert "已受理" in client.get("/public/status/", {"receipt_no": o.receipt_no}).content.decode()
    with time_machine.travel(dt.datetime(2026, 4, 2, 2, tzinfo=dt.UTC), tick=False):
        client.post(f"/public/notices/{notice.pk}/", {"application": a.pk, "text": "期满后的异议"})
    assert Objection.objects.count() == 1


def test_verification_shows_validity_name_and_programme_only(world, client):
    programme = make_programme(world, "weihai-admin-2022")
    s = roster_services.supervisor_appoint(
        actor=None,
        programme=programme,
        person=person(7, employer="威海某律所"),
        starts_on=D(2025, 6, 1),
        on=D(2025, 6, 1),
    )
    cert = Certificate.objects.get(supervisor=s)
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/public/verify/{cert.token}/").content.decode()
    assert "有效" in page and s.full_name in page and programme.name in page
    assert s.id_number not in page and s.phone not in page and "威海某律所" not in page
    code = roster_services.grounds_for(programme, on=D(2026, 1, 5))[0].code
    roster_services.supervisor_leave(
        actor=None, supervisor=s, kind=DepartureKind.DISMISSAL, ground_code=code, on=D(2026, 1, 5)
    )
    with time_machine.travel(dt.datetime(2026, 1, 6, 2, tzinfo=dt.UTC), tick=False):
        page = client.get(f"/public/verify/{cert.token}/").content.decode()
    assert "收回" in page and "证书无效" in page
    assert client.get("/public/verify/not-a-token/").status_code == 404


def test_shortlisted_status_has_no_rejection_text(published, client):
    r, admin = published
    a = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(5), on=D(2026, 3, 5)
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    a.refresh_from_db()
    assert a.status == ApplicationStatus.SHORTLISTED
    page = client.get("/public/status/", {"receipt_no": a.receipt_no}).content.decode()
    assert "审查通过" in page and "理由" not in page


@time_machine.travel(dt.datetime(2026, 3, 5, 2, tzinfo=dt.UTC), tick=False)
def test_application_attachments_are_kept_and_checked(published, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r, _ = published
    form = _form(6)
    form["attachments"] = [
        SimpleUploadedFile("学历证书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    ]
    assert client.post(f"/public/rounds/{r.pk}/apply/", form).status_code == 302
    app = Application.objects.get()
    assert [a.name for a in app.attachments.all()] == ["学历证书.pdf"]
    form = _form(7)
    form["attachments"] = [SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")]
    page = client.post(f"/public/rounds/{r.pk}/apply/", form).content.decode()
    assert "不是允许的类型" in page and Application.objects.count() == 1
