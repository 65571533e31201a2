from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.notifications.models import Notification
from jiandu.notifications.selectors import unread_count
from jiandu.notifications.services import EMAIL, INBOX, SMS, notification_send
from jiandu.notifications.sms import ConsoleSmsBackend, MemorySmsBackend, get_sms_backend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_sms() -> None:
    MemorySmsBackend.outbox.clear()


def test_inbox_row_per_recipient_and_email_after_commit(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    a, b = world.users["weihai_admin"], world.users["wanzhou_admin"]
    a.email = "a@example.cn"
    a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            recipients=[a, b], subject="测试", body="正文", link="/findings/", channels=(INBOX, EMAIL)
        )
    assert Notification.objects.filter(subject="测试").count() == 2
    assert [m.to for m in mail.outbox] == [["a@example.cn"]]  # b has no address: inbox only
    assert "/findings/" in mail.outbox[0].body


def test_nothing_leaves_when_the_transaction_rolls_back(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    user = world.users["weihai_admin"]
    user.email = "a@example.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notification_send(
            recipients=[user], subject="回滚", channels=(INBOX, EMAIL, SMS), phones=["13800000000"]
        )
        raise RuntimeError
    assert not Notification.objects.filter(subject="回滚").exists()
    assert mail.outbox == [] and MemorySmsBackend.outbox == []


def test_sms_to_a_number_through_the_configured_backend(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert isinstance(get_sms_backend(), MemorySmsBackend)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[], subject="办结", channels=(SMS,), phones=["13800000000"])
    assert [(m.phone, m.text) for m in MemorySmsBackend.outbox] == [("13800000000", "【监督】办结")]


def test_console_backend_masks_the_number() -> None:
    import io

    out = io.StringIO()
    ConsoleSmsBackend(stream=out).send("13812345678", "你好")
    assert "138****5678" in out.getvalue() and "13812345678" not in out.getvalue()


def test_unknown_channel_is_refused(world: Any) -> None:
    with pytest.raises(ValueError, match="未知的通知渠道"):
        notification_send(recipients=[world.users["weihai_admin"]], subject="x", channels=("fax",))


def test_inbox_page_shows_only_own_messages_and_marks_read(client: Any, world: Any) -> None:
    mine, other = world.users["wanzhou_market_staff"], world.users["weihai_procurator"]
    notification_send(recipients=[mine], subject="给我的", link="/findings/")
    notification_send(recipients=[other], subject="给别人的")
    client_sign_in(client, mine)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "给我的" in page and "给别人的" not in page
    assert "1 条未读" in page
    n = Notification.objects.get(subject="给我的")
    assert client.get(reverse("notifications:open", args=[n.pk])).url == "/findings/"
    assert unread_count(mine) == 0
    foreign = Notification.objects.get(subject="给别人的")
    assert client.get(reverse("notifications:open", args=[foreign.pk])).status_code == 404


def test_open_refuses_an_offsite_link(client: Any, world: Any) -> None:
    user = world.users["wanzhou_market_staff"]
    notification_send(recipients=[user], subject="外链", link="https://evil.example/")
    client_sign_in(client, user)
    n = Notification.objects.get(subject="外链")
    assert client.get(reverse("notifications:open", args=[n.pk])).url == reverse("notifications:inbox")


def test_every_role_has_the_inbox_in_the_menu(client: Any, world: Any) -> None:
    for username in ("weihai_admin", "weihai_supervisor", "wanzhou_market_staff", "auditor"):
        client_sign_in(client, world.users[username])
        assert reverse("notifications:inbox") in client.get(reverse("core:dashboard")).content.decode()


def test_inbox_badge_tag(rf: Any, world: Any) -> None:
    from django.template import Context, Template

    user = world.users["wanzhou_market_staff"]
    request = rf.get("/")
    request.user = user
    tpl = Template("{% load inbox %}{% inbox_badge %}")
    assert tpl.render(Context({"request": request})) == ""
    notification_send(recipients=[user], subject="一条")
    assert 'data-testid="unread-badge">1<' in tpl.render(Context({"request": request}))
