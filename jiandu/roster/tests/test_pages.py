"""Roster pages: scoping, renewal refused with its article, leaving, certificate PDFs, timeline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.roster import services
from jiandu.roster.certificates import FONT, certificate_pdf, register_font
from jiandu.roster.testing import make_programme, person, sign_in_now

D = dt.date


@pytest.fixture
def weihai(world):  # type: ignore[no-untyped-def]
    p = make_programme(world, "weihai-admin-2022")
    s = services.supervisor_appoint(
        actor=None, programme=p, person=person(1), starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
    )
    return p, s


def test_programme_pages_are_scoped_to_the_organisation(weihai, world, client):
    p, s = weihai
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/roster/p/{p.pk}/").content.decode()
    assert s.full_name in page and s.id_number not in page
    assert client.get(f"/roster/s/{s.pk}/").status_code == 200
    client_sign_in(client, world.users["wanzhou_admin"])
    assert client.get(f"/roster/p/{p.pk}/").status_code == 404
    assert client.get(f"/roster/s/{s.pk}/").status_code == 404
    client_sign_in(client, world.users["weihai_procurator"])
    assert client.get(f"/roster/p/{p.pk}/").status_code == 403


@time_machine.travel(dt.datetime(2027, 5, 1, 10, tzinfo=dt.UTC), tick=False)
def test_renewal_then_refusal_shows_the_article(weihai, world, client):
    _p, s = weihai
    sign_in_now(client, world.users["weihai_admin"])
    client.post(f"/roster/s/{s.pk}/renew")
    s.refresh_from_db()
    assert s.consecutive_terms == 2
    response = client.post(f"/roster/s/{s.pk}/renew", follow=True)
    html = response.content.decode()
    assert "不予续聘" in html and "第五条" in html
    assert "不得续聘" in html  # the renewal check on the page
    s.refresh_from_db()
    assert s.consecutive_terms == 2


@time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), tick=False)
def test_leave_form_lists_the_rulebook_grounds_and_revokes_the_certificate(weihai, world, client):
    p, s = weihai
    sign_in_now(client, world.users["weihai_admin"])
    form = client.get(f"/roster/s/{s.pk}/leave").content.decode()
    assert "第十六条第（六）项" in form
    grounds = services.grounds_for(p, on=D(2026, 1, 5))
    code = next(g.code for g in grounds if g.article == "第十六条第（六）项")
    client.post(f"/roster/s/{s.pk}/leave", {"kind": "dismissal", "ground": code, "note": "两次无故缺席"})
    s.refresh_from_db()
    assert s.status == "ended"
    cert = s.certificates.get()
    verify = client.get(f"/public/verify/{cert.token}/").content.decode()
    assert "收回" in verify and "证书无效" in verify
    detail = client.get(f"/roster/s/{s.pk}/").content.decode()
    assert "解聘" in detail and "第十六条第（六）项" in detail


def test_certificate_and_card_pdfs_embed_the_chinese_font(weihai, world, client):
    _p, s = weihai
    cert = s.certificates.get()
    pdf = certificate_pdf(cert, "http://testserver/public/verify/x/")
    # An embedded TrueType subset (FontFile2) of WenQuanYi, not a font the reader must have.
    assert pdf.startswith(b"%PDF") and b"+WenQuanYiMicroHei" in pdf and b"FontFile2" in pdf
    assert register_font() == FONT
    client_sign_in(client, world.users["weihai_admin"])
    for kind in ("certificate", "card"):
        r = client.get(f"/roster/certificates/{cert.pk}/{kind}.pdf")
        assert (
            r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
        )


def test_reveal_full_identifiers_is_audited(weihai, world, client):
    _p, s = weihai
    client_sign_in(client, world.users["weihai_admin"])
    r = client.post(f"/roster/s/{s.pk}/reveal")
    assert s.id_number in r.content.decode()
    assert AuditEvent.objects.filter(action="personal.reveal", target_id=str(s.pk)).count() == 2
    client_sign_in(client, world.users["huancui_staff"])
    assert client.post(f"/roster/s/{s.pk}/reveal").status_code == 403


def test_supervisor_keeps_own_profile_and_reports_employer_change(world, client):
    p = make_programme(world, "weihai-people-2024")
    s = services.supervisor_appoint(
        actor=None, programme=p, person=person(5), starts_on=D(2025, 1, 1), on=D(2025, 1, 1)
    )
    user = world.users["weihai_supervisor"]
    s.user = user
    s.save()
    client_sign_in(client, user)
    assert s.full_name in client.get("/roster/me/").content.decode()
    client.post("/roster/me/", {"form": "employer", "new_employer": "新单位", "changed_on": "2025-02-01"})
    s.refresh_from_db()
    assert s.employer == "新单位" and s.employer_changes.get().reported_on is not None
    client.post(
        "/roster/me/", {"form": "relationship", "kind": "relative_employer", "name": "威海市市场监督管理局"}
    )
    assert s.relationships.get().name == "威海市市场监督管理局"
    assert client.get(f"/roster/s/{s.pk}/").status_code == 403


def test_shanxi_roster_below_five_prompts_replenishment_with_the_article(world, client):
    p = make_programme(world, "shanxi-prison-2023")
    for i in range(4):
        services.supervisor_appoint(
            actor=None,
            programme=p,
            person=person(30 + i, region="140100"),
            starts_on=D(2025, 1, 1),
            on=D(2025, 1, 1),
        )
    client_sign_in(client, world.users["shanxi_admin"])
    page = client.get(f"/roster/p/{p.pk}/").content.decode()
    assert "不足5人，可以补聘" in page and "第六条第（一）项" in page


def test_roster_warns_of_counties_below_the_national_minimum(world, client):
    """人民监督员选任管理办法 第十一条: 每个县（市、区）不少于三名 — a warning naming the national text
    (its 第十一条 is not Weihai's); the 行政执法社会监督员 programme has no such rule and no warning."""
    people = make_programme(world, "weihai-people-2024")
    huancui = world.orgs["huancui_justice"]
    for i in range(3):
        data = person(10 + i)
        data.district_id = huancui.pk
        services.supervisor_appoint(
            actor=None, programme=people, person=data, starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
        )
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/roster/p/{people.pk}/").content.decode()
    assert "《人民监督员选任管理办法》第十一条" in page
    assert f"{huancui.name}在任" not in page  # three in 环翠区: enough
    assert f"{world.orgs['wendeng_justice'].name}在任0人" in page
    admin = make_programme(world, "weihai-admin-2022")
    assert "第十一条" not in client.get(f"/roster/p/{admin.pk}/").content.decode()


def test_a_supervisor_cannot_rename_themselves(world, client):
    """Issue 11 #7: the phone's profile form let a supervisor change the name they were appointed
    under (certificate, public roster). Staff still can."""
    p = make_programme(world, "weihai-people-2024")
    s = services.supervisor_appoint(
        actor=None, programme=p, person=person(6), starts_on=D(2025, 1, 1), on=D(2025, 1, 1)
    )
    user = world.users["weihai_supervisor"]
    s.user = user
    s.save()
    name = s.full_name
    client_sign_in(client, user)
    client.post("/roster/me/edit", {"full_name": "冒名顶替", "phone": "13912340000", "email": ""})
    s.refresh_from_db()
    assert s.full_name == name and s.phone == "13912340000"  # the rest of the profile still saves
    with pytest.raises(services.RosterError, match="工作人员"):
        services.supervisor_update_profile(actor=user, supervisor=s, changes={"full_name": "冒名顶替"})
    services.supervisor_update_profile(
        actor=world.users["weihai_admin"], supervisor=s, changes={"full_name": "改名后"}
    )
    s.refresh_from_db()
    assert s.full_name == "改名后"
