"""Terms (renewal cap, expiry), leaving on a cited ground, employer changes — through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.audit.models import AuditEvent, Outcome
from jiandu.roster import services
from jiandu.roster.models import AnnouncementKind, DepartureKind, Supervisor, SupervisorStatus, TermEnd
from jiandu.roster.selectors import active_supervisors, late_employer_reports, supervisor_timeline
from jiandu.roster.testing import make_programme, person

D = dt.date
START = D(2025, 6, 1)


START = D(2025, 6, 1)


def _appoint(world, rulebook, n=1, start=START, **extra):  # type: ignore[no-untyped-def]
    programme = make_programme(world, rulebook)
    admin = world.users[
        {"weihai": "weihai_admin", "shanxi": "shanxi_admin"}.get(rulebook.split("-")[0], "wanzhou_admin")
    ]
    s = services.supervisor_appoint(
        actor=admin, programme=programme, person=person(n, **extra), starts_on=start, on=start
    )
    return s, admin


def test_appointment_takes_its_term_from_the_rulebook_and_issues_a_certificate(world):
    s, _ = _appoint(world, "weihai-admin-2022")
    # 威海 2022 第五条: two-year terms.
    assert (s.term_start, s.term_end) == (D(2025, 6, 1), D(2027, 6, 1))
    a = s.appointments.get()
    assert a.term_reason["article"].startswith("第五条") and a.rulebook_version
    cert = s.certificates.get()
    assert cert.number == s.certificate_no and cert.valid_until == s.term_end and len(cert.token) > 20


def test_weihai_admin_refuses_a_third_consecutive_term_with_the_article(world):
    s, admin = _appoint(world, "weihai-admin-2022")
    services.supervisor_renew(actor=admin, supervisor=s, on=D(2027, 5, 1))
    s.refresh_from_db()
    assert s.consecutive_terms == 2
    assert (s.term_start, s.term_end) == (D(2027, 6, 2), D(2029, 6, 2))
    assert s.appointments.filter(end_kind=TermEnd.RENEWED).count() == 1
    assert s.certificates.count() == 2
    with pytest.raises(services.RenewalRefused) as exc:
        services.supervisor_renew(actor=admin, supervisor=s, on=D(2029, 5, 1))
    assert "第五条" in str(exc.value)
    assert exc.value.decision.outcome == "refused"
    s.refresh_from_db()
    assert s.consecutive_terms == 2
    refusal = AuditEvent.objects.get(action="supervisor.renew", outcome=Outcome.DENIED, target_id=str(s.pk))
    assert refusal.after is not None
    assert refusal.after["decision"]["reasons"][0]["article"].startswith("第五条")
    labels = [e["label"] for e in supervisor_timeline(s)]
    assert labels.count("续聘") == 2 and "聘任" in labels


def test_wanzhou_dismissal_on_a_cited_ground_revokes_announces_and_tells_the_unit(world):
    s, admin = _appoint(world, "wanzhou-admin-2024", region="500101", recommending_unit="万州区工商联")
    grounds = {g.code: g for g in services.grounds_for(s.programme, on=D(2026, 1, 5))}
    assert "missed_in_year" in grounds
    with pytest.raises(services.RosterError, match="规则列明"):
        services.supervisor_leave(
            actor=admin, supervisor=s, kind=DepartureKind.DISMISSAL, ground_code="made_up", on=D(2026, 1, 5)
        )
    d = services.supervisor_leave(
        actor=admin,
        supervisor=s,
        kind=DepartureKind.DISMISSAL,
        ground_code="missed_in_year",
        on=D(2026, 1, 5),
    )
    s.refresh_from_db()
    assert s.status == SupervisorStatus.ENDED and s.ended_on == D(2026, 1, 5)
    assert d.ground_article == "第十八条第（三）项"
    cert = s.certificates.get()
    assert cert.revoked_on == D(2026, 1, 5) and "第十八条" in cert.revoked_reason
    # 万州 第十九条: announced publicly; 第十八条: the recommending unit is told.
    assert d.announcement is not None and d.announcement.kind == AnnouncementKind.DEPARTURE
    assert "万州区工商联" in d.unit_notice and d.unit_notified_on == D(2026, 1, 5)
    event = AuditEvent.objects.get(action="supervisor.dismissal", target_id=str(s.pk))
    assert event.after is not None
    assert event.after["ground"]["article"] == "第十八条第（三）项" and event.after["announced"] is True
    assert not active_supervisors(s.programme, on=D(2026, 1, 6)).exists()
    with pytest.raises(services.RosterError, match="已离任"):
        services.supervisor_leave(
            actor=admin,
            supervisor=s,
            kind=DepartureKind.RESIGNATION,
            ground_code="resigned",
            on=D(2026, 1, 6),
        )


def test_weihai_admin_dismissal_is_not_announced(world):
    s, admin = _appoint(world, "weihai-admin-2022")
    code = services.grounds_for(s.programme, on=D(2026, 1, 5))[0].code
    d = services.supervisor_leave(
        actor=admin, supervisor=s, kind=DepartureKind.DISMISSAL, ground_code=code, on=D(2026, 1, 5)
    )
    assert d.announcement is None and d.unit_notice == ""


def test_expiry_ends_the_term_by_itself(world):
    s, _ = _appoint(world, "wanzhou-admin-2024", region="500101", start=D(2024, 11, 1))
    assert list(active_supervisors(s.programme, on=D(2029, 11, 1))) == [s]
    # The day after the term: out of the pool even before the expiry run records it.
    assert not active_supervisors(s.programme, on=D(2029, 11, 2)).exists()
    assert services.terms_expire(on=D(2029, 11, 1)) == 0
    assert services.terms_expire(on=D(2029, 11, 2)) == 1
    s.refresh_from_db()
    assert s.status == SupervisorStatus.ENDED and s.ended_on == D(2029, 11, 1)
    assert s.appointments.get().end_kind == TermEnd.EXPIRED
    event = AuditEvent.objects.get(action="supervisor.expire", target_id=str(s.pk))
    assert event.after is not None
    assert event.after["basis"]["article"].startswith("第七条")


def test_weihai_people_employer_change_late_after_one_month(world):
    s, admin = _appoint(world, "weihai-people-2024", start=D(2025, 1, 1))
    on_time = services.employer_change_record(
        actor=admin,
        supervisor=s,
        new_employer="威海市第一中学",
        changed_on=D(2025, 3, 10),
        reported_on=D(2025, 4, 10),
    )
    assert on_time.report_due == D(2025, 4, 10) and not on_time.is_late
    late = services.employer_change_record(
        actor=admin,
        supervisor=s,
        new_employer="威海市第二中学",
        changed_on=D(2025, 5, 31),
        reported_on=D(2025, 7, 1),
    )
    # 威海 人民监督员 第六条: within one month; 5-31 + 1 month = 6-30 (民法典 第二百零二条).
    assert late.report_due == D(2025, 6, 30) and late.is_late
    assert late.due_reason["article"] == "第六条"
    assert late.old_employer == "威海市第一中学"
    s.refresh_from_db()
    assert s.employer == "威海市第二中学"
    assert [c.pk for c in late_employer_reports(s.programme, admin)] == [late.pk]
    with pytest.raises(services.RosterError, match="早于"):
        services.employer_change_record(
            actor=admin, supervisor=s, new_employer="x", changed_on=D(2025, 8, 1), reported_on=D(2025, 7, 1)
        )


def test_employer_change_without_a_reporting_rule_is_never_late(world):
    s, admin = _appoint(world, "wanzhou-admin-2024", region="500101")
    c = services.employer_change_record(
        actor=admin,
        supervisor=s,
        new_employer="万州区某公司",
        changed_on=D(2025, 7, 1),
        reported_on=D(2026, 7, 1),
    )
    assert c.report_due is None and not c.is_late


def test_profile_update_validates_and_audits(world):
    s, admin = _appoint(world, "weihai-people-2024")
    with pytest.raises(services.RosterError, match="手机号码"):
        services.supervisor_update_profile(actor=admin, supervisor=s, changes={"phone": "123"})
    with pytest.raises(services.RosterError, match="专业领域"):
        services.supervisor_update_profile(actor=admin, supervisor=s, changes={"specialties": ["astrology"]})
    with pytest.raises(services.RosterError, match="工作单位变动"):
        services.supervisor_update_profile(actor=admin, supervisor=s, changes={"employer": "别处"})
    services.supervisor_update_profile(
        actor=admin, supervisor=s, changes={"specialties": ["law", "it"], "phone": "13912345678"}
    )
    s.refresh_from_db()
    assert s.specialties == ["law", "it"] and s.phone == "13912345678"
    assert AuditEvent.objects.filter(action="supervisor.update_profile", target_id=str(s.pk)).count() == 1


def test_the_same_person_cannot_be_appointed_twice(world):
    s, admin = _appoint(world, "weihai-admin-2022")
    with pytest.raises(services.RosterError, match="在任"):
        services.supervisor_appoint(
            actor=admin, programme=s.programme, person=person(1), starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
        )


@pytest.mark.django_db
def test_full_identifiers_of_another_bureaus_supervisor_are_refused_and_audited(world) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    from jiandu.roster import demo as roster_demo

    roster_demo.build(world)
    weihai = (
        Supervisor.objects.filter(programme__organisation=world.orgs["weihai_justice"])
        .exclude(id_number_lookup="")
        .first()
    )
    assert weihai is not None
    full = services.identifiers_reveal(actor=world.users["weihai_admin"], supervisor=weihai)
    assert full["id_number"] == weihai.id_number
    assert AuditEvent.objects.filter(action="personal.reveal", target_id=str(weihai.pk)).count() == 2
    with pytest.raises(PermissionDenied):
        services.identifiers_reveal(actor=world.users["wanzhou_admin"], supervisor=weihai)
    assert AuditEvent.objects.filter(action="permission.denied", actor_name="wanzhou_admin").exists()


@pytest.mark.parametrize(
    ("rulebook", "article"),
    [
        ("weihai-people-2024", "第八条第（一）项"),  # 本人申请辞去担任的人民监督员的
        ("wanzhou-admin-2024", "第十八条第（四）项"),  # 主动提出不再担任
        ("shanxi-prison-2023", "第六条"),  # 因解聘、辞聘等导致不足5人
        ("weihai-admin-2022", ""),  # the text does not name resignation: the person's own request
    ],
)
def test_resignation_is_open_in_every_programme(world, rulebook: str, article: str):  # type: ignore[no-untyped-def]
    """辞聘 is a first-class path: cited where the text names it, recorded as the person's request where
    it does not — never filed under a dismissal ground."""
    s, admin = _appoint(world, rulebook)
    first = services.grounds_for(s.programme, on=D(2026, 1, 5))[0]
    assert (first.code, first.article) == ("resigned", article)
    with pytest.raises(services.RosterError, match="辞聘以本人申请为依据"):
        other = services.grounds_for(s.programme, on=D(2026, 1, 5))[1].code
        services.supervisor_leave(
            actor=admin, supervisor=s, kind=DepartureKind.RESIGNATION, ground_code=other, on=D(2026, 1, 5)
        )
    d = services.supervisor_leave(
        actor=admin, supervisor=s, kind=DepartureKind.RESIGNATION, ground_code="", on=D(2026, 1, 5)
    )
    assert (d.ground_code, d.ground_article) == ("resigned", article)
    assert article or "本人申请辞聘" in d.ground_text
    s.refresh_from_db()
    assert s.status == SupervisorStatus.ENDED
