"""Defect 2 of the first day (issue 12): the system admin's /system/ page was empty, and the Ningxia
administration account had nothing to do (no programme, no way to create one)."""

from __future__ import annotations

import pytest

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.roster.models import Programme

pytestmark = pytest.mark.django_db


def test_the_system_page_shows_rulebooks_calendar_and_jobs_and_starts_them(client, world) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["sysadmin"])
    page = client.get("/system/").content.decode()
    assert "weihai-people-2024" in page and "校验通过" in page
    assert "findings_scan_task" in page and "terms_expire_task" in page
    assert "放假通知" in page
    response = client.post("/system/", follow=True)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="system.jobs_start").exists()


def test_the_system_page_is_for_the_system_admin_only(client, world) -> None:  # type: ignore[no-untyped-def]
    client_sign_in(client, world.users["security"])
    assert client.get("/system/").status_code == 403
    assert client.post("/system/").status_code == 403
    assert not AuditEvent.objects.filter(action="system.jobs_start").exists()


def test_the_ningxia_administration_sets_up_a_programme(client, world) -> None:  # type: ignore[no-untyped-def]
    admin = world.users["ningxia_admin"]
    client_sign_in(client, admin)
    assert "设立监督项目" in client.get("/roster/").content.decode()
    form = {
        "name": "宁夏监狱执法监督员",
        "kind": "prison_supervisor",
        "organisation": world.orgs["ningxia_prisons"].pk,
        "rulebook_id": "ningxia-prison-2020",
    }
    response = client.post("/roster/new/", form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    programme = Programme.objects.get(name="宁夏监狱执法监督员")
    assert response["Location"] == f"/roster/p/{programme.pk}/"
    assert AuditEvent.objects.filter(action="programme.create", target_id=str(programme.pk)).exists()
    # Not for another bureau's organisation, and nothing written.
    client_sign_in(client, world.users["weihai_admin"])
    page = client.post("/roster/new/", form | {"name": "越权项目"}).content.decode()
    assert not Programme.objects.filter(name="越权项目").exists() and "选择一个有效的选项" in page


def test_the_demo_gives_the_ningxia_admin_a_programme(world) -> None:  # type: ignore[no-untyped-def]
    from jiandu.roster import demo

    demo.build(world)
    ningxia = Programme.objects.filter(organisation=world.orgs["ningxia_prisons"])
    assert ningxia.count() == 1
    assert AuditEvent.objects.filter(action="programme.create").count() == Programme.objects.count()
