"""A whole recruitment round through the services, under the rulebooks that set its rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.recruitment import services
from jiandu.recruitment.models import ApplicationStatus, Channel, ObjectionStatus, RoundStatus
from jiandu.roster.models import AnnouncementKind, AppointmentKind, Supervisor
from jiandu.roster.services import supervisor_appoint
from jiandu.roster.testing import application_data, make_programme, person

D = dt.date


@pytest.fixture
def wanzhou(world):  # type: ignore[no-untyped-def]
    return make_programme(world, "wanzhou-admin-2024")


@pytest.fixture
def admin(world):  # type: ignore[no-untyped-def]
    return world.users["wanzhou_admin"]


def _round(programme, admin, **kw):  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {
        "title": "万州区行政执法监督员选聘公告",
        "quota": 3,
        "applications_open": D(2026, 3, 2),
        "applications_close": D(2026, 3, 20),
        "recruitment_starts_on": D(2026, 4, 1),
        "term_start": D(2026, 5, 1),
        "on": D(2026, 3, 1),
    }
    args.update(kw)
    return services.round_create(actor=admin, programme=programme, **args)


def test_announcement_conditions_come_from_the_rulebook_with_articles(wanzhou, admin):
    r = _round(wanzhou, admin)
    texts = {c["text"]: c["article"] for c in r.conditions}
    assert texts["年满18周岁且不超过60周岁"] == "第五条第（四）项"
    assert texts["大专以上学历（文化程度）"] == "第五条第（二）项"
    # 万州 第七条: five-year terms.
    assert r.term_end == D(2031, 5, 1)
    assert r.term_reason["article"].startswith("第七条")


def test_full_round_screening_notice_objection_and_appointment(wanzhou, admin):
    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    on = D(2026, 3, 5)
    a1 = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=on
    )
    a2 = services.application_submit(
        actor=admin,
        round=r,
        channel=Channel.UNIT,
        data=application_data(2, recommending_unit="万州区律师协会"),
        on=on,
    )
    # 61 years old: above 万州 第五条第（四）项's 60.
    old = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(3, born=D(1964, 1, 2)), on=on
    )
    assert a1.receipt_no.startswith("BM") and a1.receipt_no != a2.receipt_no
    assert old.outcome == "ineligible"
    assert old.rulebook_id == "wanzhou-admin-2024" and old.rulebook_version
    assert any(
        x["article"] == "第五条第（四）项" and x["code"] == "age.above_max" for x in old.decision["reasons"]
    )
    assert a1.outcome in ("eligible", "review")

    with pytest.raises(services.RecruitmentError, match="不符合条件"):
        services.application_review(actor=admin, application=old, approve=True, criteria="看看")
    services.application_review(actor=admin, application=old, approve=False, criteria="年龄不符")
    old.refresh_from_db()
    assert old.status == ApplicationStatus.REJECTED
    assert "第五条第（四）项" in old.rejection_reason
    for a in (a1, a2):
        services.application_review(
            actor=admin, application=a, approve=True, criteria="公道正派，熟悉执法业务"
        )

    notice = services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23))
    # 万州 第六条（二）: not less than 5 working days — 3-23 (Mon) + 5 working days = 3-30.
    assert notice.ends_on == D(2026, 3, 30)
    assert notice.period_reason["article"].startswith("第六条")
    objection = services.objection_submit(
        notice=notice, application=a2, text="此人曾因违法受到行政处罚", name="张三", on=D(2026, 3, 25)
    )
    with pytest.raises(services.RecruitmentError, match="公示期"):
        services.objection_submit(notice=notice, application=a2, text="期满后再提异议", on=D(2026, 3, 31))
    with pytest.raises(services.RecruitmentError, match="期满后"):
        services.round_appoint(actor=admin, round=r, on=D(2026, 3, 30))

    # The unresolved objection blocks a2 only.
    result = services.round_appoint(actor=admin, round=r, on=D(2026, 3, 31))
    assert [a.pk for a in result["appointed"]] == [a1.pk]
    assert [a.pk for a in result["blocked"]] == [a2.pk]
    a1.refresh_from_db()
    s1 = a1.supervisor
    assert s1 is not None and s1.term_start == D(2026, 5, 1) and s1.term_end == D(2031, 5, 1)
    assert s1.certificates.get().number == s1.certificate_no
    assert s1.appointments.get().decision["outcome"] == a1.outcome
    r.refresh_from_db()
    assert r.status == RoundStatus.APPOINTED
    assert r.appointment_announcement.kind == AnnouncementKind.APPOINTMENT
    assert s1.full_name in r.appointment_announcement.body

    services.objection_investigate(actor=admin, objection=objection, investigation="经查无此记录")
    services.objection_resolve(actor=admin, objection=objection, upheld=False, resolution="异议不成立")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.DISMISSED
    result = services.round_appoint(actor=admin, round=r, on=D(2026, 4, 1))
    assert [a.pk for a in result["appointed"]] == [a2.pk]
    assert Supervisor.objects.get(applications=a2).recommending_unit == "万州区律师协会"


def test_upheld_objection_blocks_the_appointment(wanzhou, admin):
    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    a = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 5)
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    notice = services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23))
    o = services.objection_submit(notice=notice, application=a, text="隐瞒了刑事处罚记录", on=D(2026, 3, 24))
    with pytest.raises(services.RecruitmentError, match="核查情况"):
        services.objection_resolve(actor=admin, objection=o, upheld=True, resolution="成立")
    services.objection_resolve(actor=admin, objection=o, upheld=True, resolution="成立", investigation="查实")
    a.refresh_from_db()
    assert a.status == ApplicationStatus.BLOCKED
    assert "异议成立" in a.rejection_reason
    result = services.round_appoint(actor=admin, round=r, on=D(2026, 4, 1))
    assert result["appointed"] == []


def test_notice_shorter_than_the_rulebook_allows_is_refused(wanzhou, admin):
    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    a = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 5)
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    with pytest.raises(services.RecruitmentError, match="第六条第（二）项"):
        services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23), ends_on=D(2026, 3, 27))


def test_self_recommendation_outside_the_window_is_refused(wanzhou, admin):
    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    with pytest.raises(services.RecruitmentError, match="不在报名期内"):
        services.application_submit(
            actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 21)
        )
    with pytest.raises(services.RecruitmentError, match="工作人员录入"):
        services.application_submit(
            actor=None, round=r, channel=Channel.UNIT, data=application_data(1), on=D(2026, 3, 5)
        )


def test_bad_identifiers_are_refused_in_chinese(wanzhou, admin):
    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    data = application_data(1)
    data["id_number"] = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    data["phone"] = "12345"
    with pytest.raises(services.ApplicationInvalid) as exc:
        services.application_submit(actor=None, round=r, channel=Channel.SELF, data=data, on=D(2026, 3, 5))
    assert "校验码" in exc.value.errors["id_number"]
    assert "手机号码" in exc.value.errors["phone"]
    assert not r.applications.exists()


def test_shanxi_announcement_must_be_a_month_ahead_and_within_the_size_bounds(world):
    programme = make_programme(world, "shanxi-prison-2023")
    admin = world.users["shanxi_admin"]
    with pytest.raises(services.RecruitmentError, match="第六条第（一）项"):
        services.round_create(
            actor=admin,
            programme=programme,
            title="",
            quota=11,
            applications_open=D(2026, 3, 2),
            applications_close=D(2026, 3, 20),
            recruitment_starts_on=D(2026, 4, 1),
            term_start=D(2026, 5, 1),
            on=D(2026, 3, 1),
        )
    r = services.round_create(
        actor=admin,
        programme=programme,
        title="",
        quota=8,
        applications_open=D(2026, 3, 2),
        applications_close=D(2026, 3, 20),
        recruitment_starts_on=D(2026, 3, 25),
        term_start=D(2026, 5, 1),
        on=D(2026, 3, 1),
    )
    # 山西 第六条（二）: one month before recruitment starts (3-25) is 2-25; 3-1 is too late.
    with pytest.raises(services.RecruitmentError, match="第六条第（二）项"):
        services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    assert services.round_publish(actor=admin, round=r, on=D(2026, 2, 25)).status == RoundStatus.PUBLISHED
    assert r.timing_reason["article"].startswith("第六条")


def test_shanxi_replenishment_ends_with_the_cohort(world):
    programme = make_programme(world, "shanxi-prison-2023", cohort=(D(2025, 1, 1), D(2028, 1, 1)))
    admin = world.users["shanxi_admin"]
    for i in range(4):
        supervisor_appoint(
            actor=admin,
            programme=programme,
            person=person(10 + i, region="140100"),
            starts_on=D(2025, 1, 1),
            on=D(2025, 1, 1),
        )
    r = services.round_create(
        actor=admin,
        programme=programme,
        title="补聘公告",
        quota=2,
        applications_open=D(2026, 3, 2),
        applications_close=D(2026, 3, 20),
        recruitment_starts_on=D(2026, 4, 10),
        term_start=D(2026, 5, 1),
        on=D(2026, 3, 1),
        replenishment=True,
    )
    assert r.term_end == D(2028, 1, 1)
    assert r.term_reason["article"].startswith("第六条")
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    a = services.application_submit(
        actor=None,
        round=r,
        channel=Channel.SELF,
        data=application_data(20, education="associate"),
        on=D(2026, 3, 5),
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    # 山西 第六条: appointed once reviewed, then the list is publicised (no notice stage first).
    services.round_appoint(actor=admin, round=r, on=D(2026, 4, 20))
    a.refresh_from_db()
    assert a.supervisor is not None
    assert a.supervisor.term_end == D(2028, 1, 1)
    assert a.supervisor.appointments.get().kind == AppointmentKind.REPLENISHMENT
    assert AuditEvent.objects.filter(action="supervisor.replenish", target_id=str(a.supervisor.pk)).exists()


def test_public_attachments_are_checked_by_content(wanzhou, admin):
    """Issue 11 #7: the public form checked attachments by extension only. A page of HTML named
    简历.pdf is refused, nothing written; a real PDF is stored under a random name."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = _round(wanzhou, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    fake = SimpleUploadedFile("简历.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(services.ApplicationInvalid) as exc:
        services.application_submit(
            actor=None,
            round=r,
            channel=Channel.SELF,
            data=application_data(1),
            on=D(2026, 3, 5),
            files=[fake],
        )
    assert "不是允许的类型" in exc.value.errors["attachments"]
    assert not r.applications.exists()
    pdf = SimpleUploadedFile("简历.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf")
    app = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 5), files=[pdf]
    )
    stored = app.attachments.get()
    name = str(stored.file.name)
    assert stored.name == "简历.pdf" and "简历" not in name and name.endswith(".pdf")


def test_a_peoples_supervisor_announcement_stays_up_twenty_working_days(world):  # type: ignore[no-untyped-def]
    """人民监督员选任管理办法 第十二条 (inherited by 威海): 公告期不少于二十个工作日. Published Monday
    2026-03-02, the 20th working day after it is 2026-03-30; a close on 03-27 is refused, nothing written."""
    weihai = make_programme(world, "weihai-people-2024")
    admin = world.users["weihai_admin"]
    r = _round(weihai, admin, title="威海市人民监督员选任公告", applications_close=D(2026, 3, 27))
    with pytest.raises(services.RecruitmentError, match="《人民监督员选任管理办法》第十二条") as refused:
        services.round_publish(actor=admin, round=r, on=D(2026, 3, 2))
    assert "2026-03-30" in str(refused.value)
    r.refresh_from_db()
    assert r.status == RoundStatus.DRAFT
    r.applications_close = D(2026, 3, 30)
    r.save(update_fields=["applications_close"])
    assert services.round_publish(actor=admin, round=r, on=D(2026, 3, 2)).status == RoundStatus.PUBLISHED


def test_shanxi_appoints_then_publicises_the_list_as_its_text_orders(world, client):  # type: ignore[no-untyped-def]
    """山西 第六条: 经审查合格后……颁发执法监督员聘书和执法监督员证，并向社会公示 — appointment first, then
    the 公示 of the appointed; no notice-with-objections stage the text does not have."""
    programme = make_programme(world, "shanxi-prison-2023")
    admin = world.users["shanxi_admin"]
    r = _round(programme, admin, title="山西执法监督员聘任公告", quota=5, recruitment_starts_on=D(2026, 4, 1))
    services.round_publish(actor=admin, round=r, on=D(2026, 2, 27))
    a1 = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 5)
    )
    services.application_review(
        actor=admin, application=a1, approve=True, criteria="拥护宪法，社会活动能力强"
    )
    with pytest.raises(services.RecruitmentError, match="先聘任、后公示（第六条）"):
        services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23), ends_on=D(2026, 3, 30))
    with pytest.raises(services.RecruitmentError, match="截止后方可聘任"):
        services.round_appoint(actor=admin, round=r, on=D(2026, 3, 20))
    client_sign_in(client, admin)
    page = client.get(f"/recruitment/r/{r.pk}/").content.decode()
    assert 'data-testid="appoint"' in page and 'data-testid="publish-notice"' not in page
    result = services.round_appoint(actor=admin, round=r, on=D(2026, 3, 23))
    assert [a.pk for a in result["appointed"]] == [a1.pk]
    r.refresh_from_db()
    ann = r.appointment_announcement
    assert r.status == RoundStatus.APPOINTED and not hasattr(r, "notice")
    assert "现向社会公示" in ann.body and ann.article == "第六条" and "公示无异议" not in ann.body


def test_wanzhou_keeps_its_notice_first_order(world):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r = _round(programme, admin)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    with pytest.raises(services.RecruitmentError, match="请先发布拟聘人选公示"):
        services.round_appoint(actor=admin, round=r, on=D(2026, 3, 23))
