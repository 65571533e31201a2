"""The duty pages through the Django test client: who may see and do what, and the loop end to end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.duties.models import AssignmentStatus, DrawRecord, Duty

from .conftest import act_as, open_and_draw


def signed_in(user: Any) -> Client:
    client = Client()
    client_sign_in(client, user)
    return client


def test_agency_requests_a_duty_and_a_late_one_is_refused_with_the_article(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    client = signed_in(world.users["weihai_procurator"])
    form = {
        "programme": programme.pk,
        "kind": "hearing",
        "title": "某某案听证",
        "duty_on": "2026-03-13",
        "place": "听证室",
        "supervisors_needed": "3",
        "local_min": "0",
        "cross_min": "0",
    }
    page = client.post(reverse("duties:new"), form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "第十条第一款" in text and "2026-03-06" in text
    assert not Duty.objects.exists()
    form["duty_on"] = "2026-03-23"
    page = client.post(reverse("duties:new"), form)
    duty = Duty.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("duties:detail", args=[duty.pk])


def test_scoping(world: Any, duty: Any) -> None:
    assert (
        signed_in(world.users["weihai_procurator"]).get(reverse("duties:detail", args=[duty.pk])).status_code
        == 200
    )
    assert (
        signed_in(world.users["weihai_admin"]).get(reverse("duties:detail", args=[duty.pk])).status_code
        == 200
    )
    assert (
        signed_in(world.users["wanzhou_admin"]).get(reverse("duties:detail", args=[duty.pk])).status_code
        == 404
    )
    assert (
        signed_in(world.users["wanzhou_market_staff"])
        .get(reverse("duties:list"))
        .content.decode()
        .count(duty.title)
        == 0
    )
    # An agency cannot run the draw; a supervisor cannot see staff pages.
    assert (
        signed_in(world.users["weihai_procurator"])
        .post(reverse("duties:draw_open", args=[duty.pk]))
        .status_code
        == 403
    )
    assert signed_in(world.users["weihai_supervisor"]).get(reverse("duties:list")).status_code == 403


def test_draw_ceremony_through_the_pages(world: Any, duty: Any) -> None:
    admin = signed_in(world.users["weihai_admin"])
    admin.post(reverse("duties:draw_open", args=[duty.pk]))
    page = admin.get(reverse("duties:detail", args=[duty.pk])).content.decode()
    commitment = duty.commitments.get()
    assert commitment.commitment in page
    assert commitment.seed not in page  # the seed stays secret until the draw
    admin.post(
        reverse("duties:draw_perform", args=[duty.pk, 1]),
        {
            "name_0": "张三",
            "role_0": "检察官",
            "value_0": "4821",
            "name_1": "李四",
            "role_1": "律师",
            "value_1": "x",
        },
    )
    drawn = DrawRecord.objects.get()
    assert [w["name"] for w in drawn.record["witnesses"]] == ["张三", "李四"]
    assert duty.assignments.count() == 3
    public = Client().get(reverse("duties:draw_public", args=[drawn.pk]))
    assert public.status_code == 200 and "复核通过" in public.content.decode()
    data = Client().get(reverse("duties:draw_public_json", args=[drawn.pk])).json()
    assert data["seed"] == commitment.seed and data["id"] == drawn.pk


def test_supervisor_phone_view_accept_and_confirm(world: Any, duty: Any, frozen: Any) -> None:
    open_and_draw(world, duty)
    a = duty.assignments.order_by("position").first()
    user = act_as(world, a.supervisor)
    phone = signed_in(user)
    mine = phone.get(reverse("duties:mine")).content.decode()
    assert duty.title in mine and duty.place in mine
    phone.post(reverse("duties:mine_respond", args=[a.pk]), {"action": "accept"})
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACCEPTED
    # Another supervisor's invitation is not reachable.
    other = duty.assignments.exclude(pk=a.pk).first()
    assert phone.get(reverse("duties:mine_detail", args=[other.pk])).status_code == 404
    # The bureau records the other answers it received by telephone.
    admin = signed_in(world.users["weihai_admin"])
    for b in duty.assignments.exclude(pk=a.pk):
        admin.post(reverse("duties:answer", args=[duty.pk, b.pk]), {"action": "accept"})
    duty.refresh_from_db()
    assert duty.status == "staffed"
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    agency = signed_in(world.users["weihai_procurator"])
    agency.post(
        reverse("duties:attendance", args=[duty.pk]),
        {f"mark_{b.pk}": "present" for b in duty.assignments.filter(status="accepted")},
    )
    agency.post(
        reverse("duties:record", args=[duty.pk]),
        {
            "summary": "按程序进行",
            f"opinion_{a.supervisor_id}": "同意",
            f"adoption_{a.supervisor_id}": "adopted",
        },
    )
    printed = agency.get(reverse("duties:record_print", args=[duty.pk])).content.decode()
    assert printed.count("<svg") == 3
    phone = signed_in(user)
    assert phone.get(reverse("duties:confirm_token", args=[a.confirm_token]))["Location"] == reverse(
        "duties:mine_detail", args=[a.pk]
    )
    phone.post(reverse("duties:mine_confirm", args=[a.pk]))
    a.refresh_from_db()
    assert a.confirmed_via == "phone"


@pytest.mark.parametrize("name", ["duties:summaries", "duties:list", "duties:draws_public"])
def test_pages_render(world: Any, duty: Any, name: str) -> None:
    assert signed_in(world.users["weihai_admin"]).get(reverse(name)).status_code == 200


def test_proposals_page(world: Any, programme: Any) -> None:
    assert signed_in(world.users["weihai_admin"]).get(reverse("duties:proposals")).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["duties:record", "duties:record_print", "duties:detail", "duties:contacts"],
)
def test_staff_pages_of_a_held_duty_render(world: Any, duty: Any, frozen: Any, name: str) -> None:
    open_and_draw(world, duty)
    admin = signed_in(world.users["weihai_admin"])
    for b in duty.assignments.all():
        admin.post(reverse("duties:answer", args=[duty.pk, b.pk]), {"action": "accept"})
    frozen.move_to(dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.UTC))
    agency = signed_in(world.users["weihai_procurator"])
    agency.post(
        reverse("duties:attendance", args=[duty.pk]),
        {f"mark_{b.pk}": "present" for b in duty.assignments.filter(status="accepted")},
    )
    agency.post(reverse("duties:record", args=[duty.pk]), {"summary": "按程序进行"})
    assert agency.get(reverse(name, args=[duty.pk])).status_code == 200


def test_supervisor_pages_render(world: Any, duty: Any) -> None:
    open_and_draw(world, duty)
    a = duty.assignments.first()
    phone = signed_in(act_as(world, a.supervisor))
    assert phone.get(reverse("duties:mine")).status_code == 200
    assert phone.get(reverse("duties:mine_detail", args=[a.pk])).status_code == 200
