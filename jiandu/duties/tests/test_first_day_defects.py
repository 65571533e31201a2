"""Defects a new user hit on the first day (issue 12), each pinned by a test that failed before the fix."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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


def test_a_draw_before_its_commitment_is_refused(world: Any, duty: Any, frozen: Any) -> None:
    """Defect 1: a demo draw record showed its commitment published after the draw; the service took
    any draw time. Now a draw must come after the published commitment, and nothing is written."""
    admin = world.users["weihai_admin"]
    commitment = sv.draw_open(actor=admin, duty=duty)
    witnesses = [{"name": "张三", "role": "检察官", "value": "1"}]
    earlier = commitment.opened_at - dt.timedelta(days=4)
    with pytest.raises(sv.DutyError, match="须晚于承诺公布时间"):
        sv.draw_perform(actor=admin, commitment=commitment, witnesses=witnesses, at=earlier)
    assert not duty.draws.exists()


def test_demo_draws_publish_their_commitment_before_the_draw(transactional_db: Any) -> None:
    """Defect 1: the demo's public draw record showed the commitment on 12-02 and the draw on 11-28."""
    from jiandu.core.demo import demo_build
    from jiandu.duties.models import DrawRecord

    demo_build()
    records = list(DrawRecord.objects.select_related("commitment", "duty"))
    assert len(records) >= 3
    for r in records:
        assert r.commitment.opened_at < r.drawn_at, r.duty.title
        assert r.duty.requested_on <= timezone.localdate(r.commitment.opened_at), r.duty.title
        assert r.record["opened_at"] < r.record["drawn_at"]
        page = Client().get(reverse("duties:draw_public", args=[r.pk])).content.decode()
        assert f"{timezone.localtime(r.commitment.opened_at):%Y}" in page
