"""Defects a new user hit on the first day (issue 12), each pinned by a test that failed before the fix."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.accounts.testing import client_sign_in
from jiandu.roster import services
from jiandu.roster.models import RosterImport
from jiandu.roster.testing import make_programme, person

from .test_excel import _book, _new_row, programme  # noqa: F401 - the fixture

D = dt.date


def test_the_import_heading_counts_the_errors_it_lists(
    programme,  # noqa: F811
    world,
    client,
    django_capture_on_commit_callbacks,
):
    """Defect 5: the heading read “错误（0）” above one listed error."""
    client_sign_in(client, world.users["weihai_admin"])
    bad = SimpleUploadedFile("bad.xlsx", _book([_new_row(41, phone="1")]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/roster/p/{programme.pk}/import/", {"file": bad})
    job = RosterImport.objects.get()
    assert len(job.errors) == 1
    page = client.get(f"/roster/imports/{job.pk}/").content.decode()
    assert "错误（1）" in page and "错误（0）" not in page


def test_the_profile_district_list_holds_districts_only(world, client):
    """Defect 9: the supervisor profile's “所在区县” offered procuratorates and agencies."""
    p = make_programme(world, "weihai-admin-2022")
    s = services.supervisor_appoint(
        actor=None, programme=p, person=person(1), starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
    )
    client_sign_in(client, world.users["weihai_admin"])
    page = client.get(f"/roster/s/{s.pk}/profile").content.decode()
    assert "威海市环翠区司法局" in page
    assert "人民检察院" not in page and "市场监督管理局" not in page
