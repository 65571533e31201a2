"""Defects a new user hit on the first day (issue 12), each pinned by a test that failed before the fix."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.recruitment import services
from jiandu.recruitment.models import Channel, PublicNotice, RoundStatus
from jiandu.roster.testing import application_data, make_programme

from .test_round import _round

D = dt.date
CST = dt.timezone(dt.timedelta(hours=8))


def _shortlisted(programme, admin, **kw):  # type: ignore[no-untyped-def]
    r = _round(programme, admin, **kw)
    services.round_publish(actor=admin, round=r, on=D(2026, 3, 1))
    a = services.application_submit(
        actor=None, round=r, channel=Channel.SELF, data=application_data(1), on=D(2026, 3, 5)
    )
    services.application_review(actor=admin, application=a, approve=True, criteria="符合")
    return r


def test_a_notice_is_refused_while_applications_are_open(world):
    """Defect 3: 公示 could be published while applications were still open (closing later)."""
    programme = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r = _shortlisted(programme, admin)
    events = AuditEvent.objects.count()
    with pytest.raises(services.RecruitmentError, match="报名截止"):
        services.notice_publish(actor=admin, round=r, on=D(2026, 3, 20))
    r.refresh_from_db()
    assert r.status == RoundStatus.PUBLISHED and not PublicNotice.objects.exists()
    assert AuditEvent.objects.count() == events
    assert services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23)).ends_on == D(2026, 3, 30)


@time_machine.travel(dt.datetime(2026, 3, 24, 10, tzinfo=CST), tick=False)
def test_the_apply_page_of_a_closed_round_says_so(world, client):
    """Defect 3: once in notice, the apply page answered 404 with no word."""
    programme = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r = _shortlisted(programme, admin)
    services.notice_publish(actor=admin, round=r, on=D(2026, 3, 23))
    response = client.get(f"/public/rounds/{r.pk}/apply/", follow=True)
    assert response.status_code == 200
    assert "报名已于2026-03-20截止" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 23, 10, tzinfo=CST), tick=False)
def test_the_notice_date_field_says_what_blank_does(world, client):
    """Defect 7: the field said blank uses the rule's minimum, but under a rulebook with no minimum
    blank gave an error. Now the label says which, and blank works where the rule sets a minimum."""
    # 威海 2022 第四条 asks for a 公示 but sets no period (山西 appoints first, 第六条: no notice form).
    weihai = make_programme(world, "weihai-admin-2022")
    r = _round(weihai, world.users["weihai_admin"], recruitment_starts_on=D(2026, 4, 10), on=D(2026, 3, 1))
    services.round_publish(actor=world.users["weihai_admin"], round=r, on=D(2026, 3, 1))
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/recruitment/r/{r.pk}/").content.decode()
    assert "留空则按规则最短期限" not in page
    assert "本项目规则未规定公示期" in page
    assert 'name="ends_on" required' in page or ('name="ends_on"' in page and "required" in page)

    wanzhou = make_programme(world, "wanzhou-admin-2024")
    admin = world.users["wanzhou_admin"]
    r2 = _shortlisted(wanzhou, admin)
    client_sign_in(client, admin)
    page = client.get(f"/recruitment/r/{r2.pk}/").content.decode()
    assert "留空则按规则最短期限（2026-03-30" in page
    client.post(f"/recruitment/r/{r2.pk}/notice", {"ends_on": ""})
    assert PublicNotice.objects.get(round=r2).ends_on == D(2026, 3, 30)
