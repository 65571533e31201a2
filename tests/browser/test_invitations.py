"""Reaching the drawn supervisors in the browser (issue 12): the bureau sets an answer deadline, draws,
sends the invitations (SMS and in-app); one supervisor opens the SMS link on a 360-px phone and accepts;
the others answer nothing, the deadline passes, the recurring scan records the time-out and the next in
draw order is invited — live on the staff page, where a phone number is revealed with one click."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TITLE = "浏览器测试：赵某某危险驾驶案不起诉听证"


def test_invitations_accept_by_link_time_out_and_the_next_in_order(
    page: Any, phone: Any, demo_world: Any, sign_in: Any
) -> None:
    from jiandu.duties import contact
    from jiandu.duties import services as sv
    from jiandu.duties.models import Assignment, AssignmentStatus
    from jiandu.notifications.models import Notification
    from jiandu.notifications.sms import MemorySmsBackend
    from jiandu.roster.models import Programme, Supervisor

    MemorySmsBackend.outbox.clear()
    programme = Programme.objects.get(rulebook_id="weihai-people-2024")
    duty = sv.duty_request(
        actor=demo_world.users["weihai_procurator"],
        data=sv.DutyRequestData(
            programme=programme,
            kind="hearing",
            title=TITLE,
            duty_on=timezone.localdate() + dt.timedelta(days=21),
            place="威海市人民检察院第二听证室",
            supervisors_needed=2,
        ),
    )

    # 1. The bureau sets the answer deadline, publishes the commitment and draws.
    sign_in(page, "weihai_admin")
    page.goto(f"/duties/{duty.pk}/")
    page.fill("input[name=hours]", "24")
    page.get_by_test_id("answer-window-save").click()
    expect(page.get_by_test_id("answer-window")).to_contain_text("24 小时")
    page.get_by_test_id("open-draw-button").click()
    page.fill("input[name=name_0]", "吴静")
    page.fill("input[name=role_0]", "承办检察官")
    page.fill("input[name=value_0]", "2718")
    page.get_by_test_id("perform-draw").click()
    expect(page.get_by_test_id("contact-row")).to_have_count(2)
    first, second = list(Assignment.objects.filter(duty=duty).order_by("position"))

    # 2. Invitations out: one SMS per drawn supervisor with the link, and an in-app message.
    page.get_by_test_id("send-invitations").click()
    expect(page.locator(".messages")).to_contain_text("2位监督员")
    expect(page.get_by_test_id("answer-due")).to_have_count(2)
    assert len(MemorySmsBackend.outbox) == 2
    texts = {m.phone: m.text for m in MemorySmsBackend.outbox}
    first_text = texts[first.supervisor.phone]
    link = re.search(r"(/duties/invite/[\w-]+/)", first_text)
    assert link is not None and "前答复" in first_text

    # 3. The first accepts on the phone through the SMS link.
    account = demo_world.users["weihai_supervisor"]
    Supervisor.objects.filter(user=account).update(user=None)
    Supervisor.objects.filter(pk=first.supervisor_id).update(user=account)
    sign_in(phone, "weihai_supervisor")
    phone.goto(link.group(1))
    expect(phone.get_by_test_id("my-answer-due")).to_contain_text("前答复")
    phone.get_by_test_id("accept").click()
    expect(phone.get_by_test_id("my-status")).to_have_text("已接受")
    assert bool(phone.evaluate("document.documentElement.scrollWidth <= 360"))

    # 4. The second answers nothing; after the deadline the recurring scan moves on (run here as the
    # worker would run it, at a moment past the deadline).
    second.refresh_from_db()
    assert second.answer_due_at is not None
    past = second.answer_due_at + dt.timedelta(minutes=5)
    assert contact.invitations_scan(now=past)["timed_out"] == 1
    second.refresh_from_db()
    assert second.status == AssignmentStatus.TIMED_OUT and second.responded_at == past
    nxt = Assignment.objects.filter(duty=duty, status=AssignmentStatus.INVITED).get()
    assert nxt.position > second.position and nxt.notified_at == past

    # 5. The staff page shows the time-out with its time and the next in order invited.
    page.goto(f"/duties/{duty.pk}/")
    timed_out = page.locator(f"[data-testid=contact-row][data-position='{second.position}']")
    expect(timed_out.get_by_test_id("contact-status")).to_have_text("逾期未答复")
    expect(timed_out.get_by_test_id("timed-out-at")).to_contain_text(
        f"{timezone.localtime(past):%Y-%m-%d %H:%M}"
    )
    invited = page.locator(f"[data-testid=contact-row][data-position='{nxt.position}']")
    expect(invited.get_by_test_id("contact-status")).to_have_text("待答复")
    expect(invited.get_by_test_id("answer-due")).to_be_visible()
    assert len(MemorySmsBackend.outbox) == 3
    if nxt.supervisor.user_id:
        assert Notification.objects.filter(
            recipient=nxt.supervisor.user, kind=contact.INVITATION_KIND
        ).exists()

    # 6. One click reveals the next one's phone (audited).
    from jiandu.audit.models import AuditEvent

    invited.get_by_test_id("reveal-phone").click()
    expect(page.get_by_test_id("phone-full")).to_have_text(nxt.supervisor.phone)
    assert AuditEvent.objects.filter(action="personal.reveal", target_id=str(nxt.supervisor_id)).exists()
