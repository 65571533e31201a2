"""A 假释 case in the browser (issue 15): 银川监狱's handler opens it, records the facts, takes it
through the five levels (the unit meeting decides by two thirds of those who should attend, with one
dissent recorded in full), asks for a supervisor to attend the review committee; the Ningxia
administration draws; the supervisor, on a 360-px phone, sees the masked file with the votes and
sends an observation that becomes a finding; the case is published with its frozen, hashed text; a
problem is recorded, rectified and ticked off by the administration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _step(
    page: Any, *, opinion: str, outcome: str = "", votes: tuple[tuple[str, str, str], ...] = ()
) -> None:
    form = page.get_by_test_id("review-form")
    form.locator("textarea[name=opinion]").fill(opinion)
    if votes:
        form.locator("input[name=should_attend]").fill(str(len(votes)))
        for i, (member, vote, text) in enumerate(votes):
            form.locator(f"input[name=member_{i}]").fill(member)
            form.locator(f"select[name=vote_{i}]").select_option(vote)
            form.locator(f"input[name=opinion_{i}]").fill(text)
    else:
        form.locator("select[name=outcome]").select_option(outcome)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_parole_case_walk(page: Any, phone: Any, demo_world: Any, sign_in: Any) -> None:
    from jiandu.casework.models import CaseFile
    from jiandu.duties import services as dsv
    from jiandu.duties.models import Duty
    from jiandu.findings.models import Finding
    from jiandu.roster.models import Supervisor

    # 1. The prison's handler opens the file and records a fact with its evidence and provider.
    sign_in(page, "yinchuan_prison_staff")
    page.goto("/casework/new/")
    page.fill("input[name=number]", "6409999")
    page.fill("input[name=name]", "浏览器测试人")
    page.select_option("select[name=kind]", "parole")
    page.fill("textarea[name=proposal]", "建议假释")
    page.check("input[name=significant]")
    page.locator("[data-testid=case-new-form] button[type=submit]").click()
    page.wait_for_load_state()
    case = CaseFile.objects.get(prisoner__number="6409999")
    expect(page.get_by_test_id("prisoner-name")).to_have_text("浏览器测试人")
    page.locator("summary", has_text="登记事实及证据").click()
    ground = page.get_by_test_id("ground-form")
    ground.locator("select[name=kind]").select_option("repentance")
    ground.locator("textarea[name=facts]").fill("认罪悔罪，积极改造")
    ground.locator("textarea[name=evidence]").fill("悔罪书、改造表现鉴定")
    ground.locator("input[name=provided_by]").fill("五监区 责任警察 张警官")
    ground.locator("button[type=submit]").click()
    page.wait_for_load_state()

    # 2. Three individual levels, then the unit meeting: 3 should attend, 2 for, 1 against (recorded).
    for opinion in ("提名", "审核同意", "审定同意"):
        _step(page, opinion=opinion, outcome="allowed")
    _step(
        page,
        opinion="评议同意",
        votes=(("甲警官", "for", ""), ("乙警官", "for", ""), ("丙警官", "against", "立功材料来源需再核实")),
    )
    expect(page.get_by_test_id("review-unit_meeting").get_by_test_id("outcome")).to_have_text("同意")
    expect(page.get_by_test_id("dissent")).to_contain_text("立功材料来源需再核实")

    # 3. Supervisors asked to attend the review committee through the duty request.
    page.locator("summary", has_text="邀请监督员").click()
    invite = page.get_by_test_id("invite-form")
    invite.locator("input[name=duty_on]").fill((dt.date(2026, 11, 16) + dt.timedelta(days=12)).isoformat())
    invite.locator("input[name=place]").fill("银川监狱评审会议室")
    invite.locator("button[type=submit]").click()
    page.wait_for_load_state()
    duty = Duty.objects.get(case_files=case)
    # The administration's draw (the duties pages are walked in test_duty_loop); the demo supervisor is
    # the only one in the pool asked here, so the draw is a formality.
    admin = demo_world.users["ningxia_admin"]
    supervisor = Supervisor.objects.get(user=demo_world.users["ningxia_supervisor"])
    duty.supervisors_needed = duty.programme.supervisors.count()
    duty.save(update_fields=["supervisors_needed"])
    commitment = dsv.draw_open(actor=admin, duty=duty)
    dsv.draw_perform(
        actor=admin, commitment=commitment, witnesses=[{"name": "甲", "role": "检察官", "value": "9"}]
    )
    dsv.assignment_respond(
        actor=supervisor.user, assignment=duty.assignments.get(supervisor=supervisor), accept=True
    )

    # 4. The committee and the warden's meeting.
    for opinion in ("评审委员会评审同意", "监狱长办公会同意"):
        _step(page, opinion=opinion, votes=(("甲", "for", ""), ("乙", "for", ""), ("丙", "for", "")))
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("publicity")).to_contain_text("sha256")
    expect(page.get_by_test_id("status")).to_have_text("公示中")

    # 5. The supervisor on a phone: masked name, the votes, an observation that becomes a finding.
    sign_in(phone, "ningxia_supervisor")
    phone.goto(f"/casework/{case.pk}/")
    expect(phone.get_by_test_id("prisoner-name")).to_have_text("浏**")
    expect(phone.get_by_test_id("dissent")).to_contain_text("立功材料来源需再核实")
    assert phone.locator("[data-testid=grounds]").count() == 0
    phone.get_by_test_id("observe-form").locator("textarea").fill("评审会未当场核对立功证据原件")
    phone.get_by_test_id("observe-form").locator("button[type=submit]").click()
    phone.wait_for_load_state()
    finding = Finding.objects.get(text="评审会未当场核对立功证据原件")
    assert finding.agency == case.prison and finding.reporter == supervisor
    expect(phone.locator(".messages")).to_contain_text(str(finding.pk))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360 + 1

    # 6. A problem recorded by the prison, rectified, ticked off by the administration.
    page.goto("/casework/problems/")
    form = page.get_by_test_id("problem-form")
    form.locator("input[name=title]").fill("浏览器测试：评审会立功证据未当场核对")
    form.locator("input[name=responsible]").fill("刑罚执行科 张科长")
    form.locator("input[name=due_on]").fill("2026-11-30")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    item = page.locator("li", has_text="浏览器测试：评审会立功证据未当场核对")
    item.locator("summary", has_text="报告整改").click()
    item.get_by_test_id("rectify-form").locator("textarea").fill("已建立评审会证据原件核对清单")
    item.get_by_test_id("rectify-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.context.clear_cookies()
    sign_in(page, "ningxia_admin")
    page.goto("/casework/problems/")
    item = page.locator("li", has_text="浏览器测试：评审会立功证据未当场核对")
    item.get_by_test_id("verify-form").locator("textarea").fill("核验属实")
    item.get_by_test_id("verify-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(
        page.locator("li", has_text="浏览器测试：评审会立功证据未当场核对").get_by_test_id("problem-status")
    ).to_have_text("已对账销号")

    # 7. The handler's pages fit a 360-px phone too (the file with its forms, the lists).
    phone.context.clear_cookies()
    sign_in(phone, "yinchuan_prison_staff")
    other = CaseFile.objects.filter(prison=case.prison, status="in_review").exclude(pk=case.pk).first()
    for url in (f"/casework/{case.pk}/", f"/casework/{other.pk}/" if other else "/casework/", "/casework/",
                "/casework/problems/", "/casework/records/", "/casework/figures/"):  # fmt: skip
        phone.goto(url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 361, (url, width)
