"""Draw v2 through the services (docs/draw.md part II): quotas from the duty and the supervisors'
categories, a refusal before anything is committed when the pool cannot meet them (citing 威海
人民监督员 第十一条 via `duty.random_draw`), the pool file on the public page, replacement that keeps
the quotas, and v1 still available and verifying."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import override_settings

from jiandu.audit.models import AuditEvent
from jiandu.duties import services as sv
from jiandu.duties.models import AssignmentStatus, DrawCommitment, DrawRecord, Duty, DutyStatus
from jiandu.duties.pool import candidate_id
from jiandu.duties.verify import record_problems
from jiandu.rules import draw_v2

from .conftest import act_as, open_and_draw, request_data


def _genders(roster: dict[str, Any]) -> None:
    for key, gender in (
        ("liu", "男"),
        ("chen", "女"),
        ("zhao", "女"),
        ("sun", "女"),
        ("zhou", "男"),
        ("wu", "男"),
    ):
        roster[key].gender = gender
        roster[key].ethnicity = "回族" if key == "sun" else "汉族"
        roster[key].save(update_fields=["gender", "ethnicity"])


def _duty(world: Any, programme: Any, **kw: Any) -> Duty:
    return sv.duty_request(actor=world.users["weihai_procurator"], data=request_data(programme, **kw))


def test_quotas_on_gender_and_ethnicity_are_met(world: Any, programme: Any, roster: Any, frozen: Any) -> None:
    _genders(roster)
    duty = _duty(
        world,
        programme,
        quotas=(
            {"category": "gender", "value": "女", "min": 2, "max": 2},
            {"category": "ethnicity", "value": "回族", "min": 1, "max": None},
        ),
        specialty_minimums={"law": 1},
    )
    drawn = open_and_draw(world, duty)
    assert drawn.record["algorithm"] == draw_v2.ALGORITHM
    assert drawn.record["requirements"]["quotas"] == [
        {"category": "ethnicity", "value": "回族", "min": 1, "max": None},
        {"category": "gender", "value": "女", "min": 2, "max": 2},
        {"category": "specialty", "value": "law", "min": 1, "max": None},
    ]
    chosen = {k for k, s in roster.items() if candidate_id(s.pk) in drawn.record["result"]["selected"]}
    assert "sun" in chosen  # the only 回族
    assert sum(roster[k].gender == "女" for k in chosen) == 2
    assert chosen & {"liu", "zhao"}  # a lawyer
    assert record_problems(drawn) == []


def test_an_impossible_quota_is_refused_before_anything_is_written(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    _genders(roster)
    duty = _duty(
        world, programme, quotas=({"category": "ethnicity", "value": "回族", "min": 2, "max": None},)
    )
    events = AuditEvent.objects.count()
    with pytest.raises(sv.DutyError) as refused:
        sv.draw_open(actor=world.users["weihai_admin"], duty=duty)
    message = str(refused.value)
    assert "第十一条第一款" in message  # the programme's duty.random_draw
    assert "民族“回族”至少 2 人" in message and "只有 1 人" in message
    assert not DrawCommitment.objects.exists() and AuditEvent.objects.count() == events
    duty.refresh_from_db()
    assert duty.status == DutyStatus.REQUESTED


def test_quotas_that_cannot_hold_together_are_named(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    _genders(roster)
    duty = _duty(
        world,
        programme,
        supervisors_needed=2,
        quotas=(
            {"category": "gender", "value": "男", "min": 0, "max": 0},
            {"category": "specialty", "value": "law", "min": 2, "max": None},
        ),
    )
    with pytest.raises(sv.DutyError, match="不能在 2 人中同时满足"):
        sv.draw_open(actor=world.users["weihai_admin"], duty=duty)


def test_the_public_page_serves_the_pool_file_by_its_hash(client: Any, world: Any, duty: Duty) -> None:
    drawn = open_and_draw(world, duty)
    page = client.get(f"/duties/draws/{drawn.pk}/")
    assert page.status_code == 200 and "jiandu-draw-v2" in page.content.decode()
    assert 'data-testid="verify-ok"' in page.content.decode()
    pool = client.get(f"/duties/draws/{drawn.pk}/pool.json")
    assert pool.status_code == 200
    assert hashlib.sha256(pool.content).hexdigest() == drawn.record["pool_hash"]
    record = client.get(f"/duties/draws/{drawn.pk}.json").json()
    record.pop("id")
    assert draw_v2.record_verify(record, json.loads(pool.content)) == []
    assert len(json.dumps(record)) < 3000  # the pool is not in the record


def test_a_decline_is_replaced_within_the_quotas(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    _genders(roster)
    duty = _duty(world, programme, quotas=({"category": "gender", "value": "女", "min": 2, "max": 2},))
    drawn = open_and_draw(world, duty)
    women = [a for a in duty.assignments.select_related("supervisor") if a.supervisor.gender == "女"]
    declining = women[0]
    sv.assignment_respond(
        actor=act_as(world, declining.supervisor), assignment=declining, accept=False, reason="出差"
    )
    duty.refresh_from_db()
    engaged = list(duty.assignments.filter(status=AssignmentStatus.INVITED).select_related("supervisor"))
    if duty.status == DutyStatus.REDRAW_NEEDED:  # no woman left among the reserves
        assert all(a.supervisor.gender != "女" for a in engaged if a.position > 3)
    else:
        assert sum(a.supervisor.gender == "女" for a in engaged) == 2
    assert record_problems(drawn) == []


@override_settings(JIANDU_DRAW_ALGORITHM="jiandu-draw-v1")
def test_v1_can_still_be_chosen_and_verifies(world: Any, duty: Duty) -> None:
    drawn = open_and_draw(world, duty)
    assert drawn.commitment.algorithm == "jiandu-draw-v1" and drawn.record["algorithm"] == "jiandu-draw-v1"
    assert len(drawn.record["pool"]["candidates"]) == drawn.commitment.pool["counts"]["candidates"]
    assert "categories" not in drawn.record["pool"]["candidates"][0]  # v1 records are as before
    assert record_problems(drawn) == []


def test_v1_and_v2_records_verify_side_by_side(world: Any, programme: Any, roster: Any, frozen: Any) -> None:
    with override_settings(JIANDU_DRAW_ALGORITHM="jiandu-draw-v1"):
        old = open_and_draw(world, _duty(world, programme))
    new = open_and_draw(world, _duty(world, programme, title="另一案听证"))
    assert [r.record["algorithm"] for r in DrawRecord.objects.order_by("id")] == [
        "jiandu-draw-v1",
        "jiandu-draw-v2",
    ]
    assert record_problems(old) == [] and record_problems(new) == []


def test_the_request_form_takes_quotas_in_words_and_the_draw_page_shows_them(
    world: Any, programme: Any, roster: Any, frozen: Any
) -> None:
    from django.test import Client
    from django.urls import reverse

    from jiandu.accounts.testing import client_sign_in

    _genders(roster)
    client = Client()
    client_sign_in(client, world.users["weihai_procurator"])
    form = {
        "programme": programme.pk,
        "kind": "hearing",
        "title": "某某案听证",
        "duty_on": "2026-03-23",
        "place": "听证室",
        "supervisors_needed": "3",
        "local_min": "0",
        "cross_min": "0",
        "quotas": "性别 女 2 2\n民族 回族 1\n专业 法律 0 1\n区县 文登区 1",
    }
    bad = client.post(reverse("duties:new"), {**form, "quotas": "星座 狮子 1"})
    assert bad.status_code == 200 and "第1行" in bad.content.decode()
    page = client.post(reverse("duties:new"), form)
    duty = Duty.objects.get()
    assert page.status_code == 302
    assert duty.quotas == [
        {"category": "gender", "value": "女", "min": 2, "max": 2},
        {"category": "ethnicity", "value": "回族", "min": 1, "max": None},
        {"category": "specialty", "value": "law", "min": 0, "max": 1},
        {"category": "district", "value": str(world.orgs["wendeng_justice"].pk), "min": 1, "max": None},
    ]
    drawn = open_and_draw(world, duty)
    assert record_problems(drawn) == []
    shown = client.get(f"/duties/draws/{drawn.pk}/").content.decode()
    assert "性别“女”" in shown and "区县“威海市文登区司法局”" in shown
