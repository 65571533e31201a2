"""Defects a new user hit on the first day (issue 12), each pinned by a test that failed before the fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.duties import services as sv
from jiandu.duties.forms import DutyRequestForm
from jiandu.duties.models import AssignmentStatus

from .conftest import open_and_draw, request_data


def signed_in(user: Any) -> Client:
    client = Client()
    client_sign_in(client, user)
    return client


def _held_with_record(world: Any, duty: Any, frozen: Any) -> None:
    open_and_draw(world, duty)
    for a in duty.assignments.filter(status=AssignmentStatus.INVITED):
        sv.assignment_respond(actor=world.users["weihai_admin"], assignment=a, accept=True)
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    agency = world.users["weihai_procurator"]
    duty.refresh_from_db()
    sv.attendance_record(actor=agency, duty=duty, present={a.pk for a in duty.assignments.all()})
    duty.refresh_from_db()
    sv.record_save(actor=agency, duty=duty, summary="按程序进行", opinions=[])


def test_the_duty_page_names_specialties_not_their_codes(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    """Defect 6: the duty page showed “专业：law ≥ 1”."""
    duty = sv.duty_request(
        actor=world.users["weihai_procurator"],
        data=request_data(programme, specialty_minimums={"law": 1}),
    )
    page = (
        signed_in(world.users["weihai_admin"]).get(reverse("duties:detail", args=[duty.pk])).content.decode()
    )
    assert "法律 ≥ 1" in page
    assert "law ≥" not in page


def test_a_signed_record_offers_no_edit(
    world: Any, programme: Any, roster: Any, duty: Any, frozen: Any
) -> None:
    """Defect 8: a signed 反馈表 still offered 修改, which then failed."""
    _held_with_record(world, duty, frozen)
    agency = signed_in(world.users["weihai_procurator"])
    edit = reverse("duties:record", args=[duty.pk])
    assert f'href="{edit}"' in agency.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    first = duty.assignments.filter(status=AssignmentStatus.ATTENDED).first()
    sv.record_confirm(actor=world.users["weihai_procurator"], assignment=first, via="paper")
    page = agency.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    assert f'href="{edit}"' not in page
    assert "已签字确认" in page


def test_the_district_list_holds_districts_only(world: Any, programme: Any) -> None:
    """Defect 9: “所在区县” lists showed procuratorates and agencies."""
    form = DutyRequestForm(programmes=[programme])
    names = {o.name for o in form.fields["district"].queryset}  # type: ignore[attr-defined]
    assert "威海市环翠区司法局" in names and "威海市文登区司法局" in names
    assert "威海市环翠区人民检察院" not in names
    assert not any("检察院" in n or "监督管理局" in n for n in names)
