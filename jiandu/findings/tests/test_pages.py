"""The pages, per role, through the test client: submit from the phone, triage, reply, verify, rate;
bad input shows a Chinese message and changes nothing; complaints from an agency and the public."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiandu.accounts.testing import client_sign_in
from jiandu.findings import services
from jiandu.findings.models import Complaint, ComplaintStatus, Finding, Status
from jiandu.notifications.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db


def _jpeg() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 90, 0)).save(out, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def test_supervisor_submits_with_a_photo(client: Any, reporter: Any, agency: Any) -> None:
    client_sign_in(client, reporter.user)
    page = client.get(reverse("findings:new")).content.decode()
    assert "威海市市场监督管理局" in page and "第十四条" in page
    response = client.post(
        reverse("findings:new"),
        {
            "source": "lead",
            "agency": agency.pk,
            "text": "执法人员未出示证件",
            "confidential": "on",
            "attachments": [_jpeg()],
        },
    )
    finding = Finding.objects.get()
    assert response.url == reverse("findings:detail", args=[finding.pk])
    assert finding.confidential and finding.attachments.count() == 1 and finding.reporter == reporter
    stored = str(finding.attachments.get().file.name)
    assert stored.startswith("findings/") and "IMG_0001" not in stored
    assert (
        reverse("findings:detail", args=[finding.pk]) in client.get(reverse("findings:list")).content.decode()
    )


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_saved(
    client: Any, reporter: Any, agency: Any
) -> None:
    client_sign_in(client, reporter.user)
    bad = SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("findings:new"),
        {"source": "opinion", "agency": agency.pk, "text": "x", "attachments": [bad]},
        follow=True,
    )
    assert "不是可识别的图片" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_loop_through_the_pages(
    client: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    finding = services.finding_submit(
        actor=reporter.user, supervisor=reporter, agency=agency, text="罚没物品未登记"
    )
    client_sign_in(client, bureau_user)
    assert "分办" in client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    client.post(reverse("findings:action", args=[finding.pk, "forward"]), {"note": "请核查"})
    finding.refresh_from_db()
    assert finding.status == Status.FORWARDED and finding.reply_due is not None

    client_sign_in(client, agency_user)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert "第十二条" in page and "提交答复" in page
    due = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    response = client.post(
        reverse("findings:action", args=[finding.pk, "reply"]),
        {
            "adopted": "1",
            "correction": "plan",
            "reply_text": "属实",
            "rectification_plan": "整改",
            "rectify_due": due,
        },
        follow=True,
    )
    assert "答复已报送" in response.content.decode()
    client.post(reverse("findings:action", args=[finding.pk, "rectified"]), {"report": "已整改"})
    # The agency may not verify its own answer.
    assert (
        client.post(reverse("findings:action", args=[finding.pk, "verify"]), {"result_text": "x"}).status_code
        == 403
    )

    client_sign_in(client, bureau_user)
    client.post(
        reverse("findings:action", args=[finding.pk, "verify"]), {"result_text": "已整改到位，予以销号"}
    )
    finding.refresh_from_db()
    assert finding.status == Status.CLOSED

    client_sign_in(client, reporter.user)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert "已整改到位，予以销号" in page and "第十五条" in page
    client.post(reverse("findings:action", args=[finding.pk, "rate"]), {"rating": "4", "comment": "及时"})
    finding.refresh_from_db()
    assert finding.rating == 4


def test_bad_reply_shows_a_message_and_changes_nothing(
    client: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    finding = services.finding_forward(
        actor=bureau_user,
        finding=services.finding_submit(actor=reporter.user, supervisor=reporter, agency=agency, text="x"),
    )
    client_sign_in(client, agency_user)
    response = client.post(
        reverse("findings:action", args=[finding.pk, "reply"]),
        {"adopted": "1", "correction": "plan", "reply_text": "将整改", "rectification_plan": "培训"},
        follow=True,
    )
    assert "整改期限" in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).status == Status.FORWARDED


def test_roles_without_findings_are_refused(client: Any, world: Any) -> None:
    client_sign_in(client, world.users["auditor"])
    assert client.get(reverse("findings:list")).status_code == 403


def test_exports_per_audience(
    client: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    finding = services.finding_forward(
        actor=bureau_user,
        finding=services.finding_submit(actor=reporter.user, supervisor=reporter, agency=agency, text="x"),
    )
    client_sign_in(client, bureau_user)
    csv_text = client.get(reverse("findings:export", args=["csv"])).content.decode("utf-8-sig")
    assert "答复截止日" in csv_text and finding.number in csv_text and reporter.full_name in csv_text
    client_sign_in(client, agency_user)
    rows = client.get(reverse("findings:export", args=["json"])).json()
    assert [r["id"] for r in rows] == [finding.pk] and "reporter" not in rows[0]
    assert client.get("/findings/export.xml").status_code == 404


def test_agency_complaint_is_investigated_and_answered(
    client: Any, reporter: Any, agency_user: Any, bureau_user: Any, weihai: Any
) -> None:
    client_sign_in(client, agency_user)
    client.post(
        reverse("findings:complaint_new"),
        {"programme": weihai.pk, "supervisor_name": reporter.full_name, "text": "检查时索要财物"},
    )
    complaint = Complaint.objects.get()
    assert complaint.supervisor == reporter and complaint.complainant_org == agency_user.organisation
    client_sign_in(client, bureau_user)
    assert complaint.tracking_code in client.get(reverse("findings:complaints")).content.decode()
    page = client.get(reverse("findings:complaint_detail", args=[complaint.pk])).content.decode()
    assert "第十六条第（三）项" in page  # the rulebook's dismissal grounds are offered (威海 2022 第十六条)
    client.post(reverse("findings:complaint_action", args=[complaint.pk, "start"]))
    client.post(
        reverse("findings:complaint_action", args=[complaint.pk, "conclude"]),
        {
            "substantiated": "1",
            "outcome": "查证属实，启动解聘程序",
            "dismissal_ground": "accepted_property|第十六条第（三）项",
            "referred_to": "市纪委监委",
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SUBSTANTIATED and complaint.referred_to == "市纪委监委"
    assert (complaint.dismissal_ground, complaint.dismissal_article) == (
        "accepted_property",
        "第十六条第（三）项",
    )
    client_sign_in(client, agency_user)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert complaint.tracking_code in inbox and "查证属实" in inbox


def test_a_proven_complaint_names_the_dismissal_ground(reporter: Any, bureau_user: Any, weihai: Any) -> None:
    complaint = services.complaint_submit(
        actor=None,
        programme=weihai,
        supervisor_name=reporter.full_name,
        text="收受财物",
        complainant_phone="13700000000",
    )
    services.complaint_conclude(
        actor=bureau_user,
        complaint=complaint,
        substantiated=True,
        outcome="属实",
        dismissal_ground="weihai.accepts_property",
        dismissal_article="第十六条第（三）项",
    )
    complaint.refresh_from_db()
    assert (complaint.dismissal_ground, complaint.dismissal_article) == (
        "weihai.accepts_property",
        "第十六条第（三）项",
    )


def test_public_complaint_and_tracking(
    client: Any, reporter: Any, bureau_user: Any, weihai: Any, django_capture_on_commit_callbacks: Any
) -> None:
    MemorySmsBackend.outbox.clear()
    client.logout()
    page = client.post(
        reverse("findings:complaint_public"),
        {"programme": weihai.pk, "supervisor_name": "某某", "text": "态度恶劣", "complainant_phone": "123"},
    ).content.decode()
    assert "手机号码应为11位数字" in page and not Complaint.objects.exists()
    page = client.post(
        reverse("findings:complaint_public"),
        {
            "programme": weihai.pk,
            "supervisor_name": "某某",
            "text": "态度恶劣",
            "complainant_phone": "13700000000",
        },
    ).content.decode()
    complaint = Complaint.objects.get()
    assert complaint.tracking_code in page and complaint.supervisor is None
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_conclude(
            actor=bureau_user, complaint=complaint, substantiated=False, outcome="查无实据"
        )
    assert [m.phone for m in MemorySmsBackend.outbox] == ["13700000000"]
    wrong = client.post(
        reverse("findings:complaint_track"), {"code": complaint.tracking_code, "phone": "13700000001"}
    )
    assert "查无实据" not in wrong.content.decode()
    right = client.post(
        reverse("findings:complaint_track"), {"code": complaint.tracking_code, "phone": "13700000000"}
    )
    assert "查无实据" in right.content.decode()


def test_the_csv_export_neutralises_formulas(
    client: Any, reporter: Any, agency: Any, bureau_user: Any
) -> None:
    """Issue 11 #4: a title saved as "=…" became a live formula in the findings CSV."""
    services.finding_submit(
        actor=reporter.user,
        supervisor=reporter,
        agency=agency,
        title='=HYPERLINK("http://evil.example","点击")',
        text="@SUM(1+1)\n正文",
    )
    client_sign_in(client, bureau_user)
    csv_text = client.get(reverse("findings:export", args=["csv"])).content.decode("utf-8-sig")
    import csv as csv_module

    cells = [c for row in csv_module.reader(io.StringIO(csv_text)) for c in row]
    assert '\'=HYPERLINK("http://evil.example","点击")' in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
