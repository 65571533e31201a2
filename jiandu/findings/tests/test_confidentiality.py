"""威海 2022 第十四条: a reporter who asks for confidentiality leaves no trace the agency can reach.

The test plays the whole loop (submit with a photo whose EXIF and file name carry the reporter's
identity → forward → reminders and escalation → reply → verify), then signs in as the agency's staff
and fetches every URL in the project the resolver knows, with this finding's, its attachment's, the
reporter's and the agency's inbox ids filled in; plus the API, the exports, the CLI scoped to that
account, the agency's e-mails and the application log. The reporter's name (in characters and
pinyin), phone and 身份证号 must appear nowhere.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import logging
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch

from jiandu.accounts.testing import client_sign_in
from jiandu.findings import services
from jiandu.findings.models import Correction, Finding
from jiandu.findings.scan import findings_deadline_scan
from jiandu.findings.tests.conftest import REPORTER_ID, REPORTER_NAME, REPORTER_PHONE
from jiandu.notifications.models import Notification

pytestmark = pytest.mark.django_db
PINYIN = "Ouyang Huimin"
SECRETS = (REPORTER_NAME, REPORTER_PHONE, REPORTER_ID, PINYIN, "ouyang")
# Public pages (the public roster) name serving supervisors by design; there a name is no link to
# the finding, so only the phone and 身份证号 are searched for.
PUBLIC_SECRETS = (REPORTER_PHONE, REPORTER_ID)
NOT_FETCHED = {"accounts:logout", "set_language"}  # would end the session or only redirect


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = PINYIN  # Artist
    exif[0x8298] = f"(c) {PINYIN} {REPORTER_PHONE}"  # Copyright
    exif[0x010E] = f"ID {REPORTER_ID}"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert PINYIN.encode() in data  # the upload really carries it
    return SimpleUploadedFile(f"{REPORTER_NAME}_{REPORTER_PHONE}.jpg", data, content_type="image/jpeg")


def _walk(resolvers: list[Any], namespace: str = "") -> list[tuple[str, list[str]]]:
    """(url name, parameter names) for every named pattern in the project."""
    found = []
    for p in resolvers:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            converters = getattr(p.pattern, "converters", {}) or {}
            params = list(converters) or list(p.pattern.regex.groupindex)
            found.append((f"{namespace}{p.name}", params))
    return found


def _candidates(name: str, ints: list[int]) -> list[Any]:
    if name in {"fmt", "format"}:
        return ["csv", "json"]
    if name in {"action", "slug"}:
        return ["reply", "forward"]
    return ints


def _leaks(text: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    low = text.lower()
    return [s for s in secrets if s.lower() in low]


def _is_public(url: str) -> bool:
    return not getattr(resolve(url).func, "login_required", True)


def _walk_as(
    client: Any, ints: list[int], secrets_for: Any = None
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Fetch every URL the resolver knows as the signed-in client; return statuses and leaks.
    `secrets_for(url)` may choose what to search for on a page (default: the reporter's identity)."""
    fetched: dict[str, int] = {}
    leaks: dict[str, list[str]] = {}
    for name, params in _walk(get_resolver().url_patterns):
        if name in NOT_FETCHED:
            continue
        for values in itertools.product(*[_candidates(p, ints) for p in params]):
            try:
                url = reverse(name, kwargs=dict(zip(params, values, strict=True)))
            except NoReverseMatch:
                continue
            if url in fetched:
                continue
            response = client.get(url)
            fetched[url] = response.status_code
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = (
                body.decode("utf-8", "replace")
                + " "
                + " ".join(f"{k}: {v}" for k, v in response.headers.items())
            )
            default = PUBLIC_SECRETS if _is_public(url) else SECRETS
            if found := _leaks(text, secrets_for(url) if secrets_for else default):
                leaks[url] = found
            if body[:2] == b"\xff\xd8":  # the photo itself: no EXIF identity left in the bytes
                assert PINYIN.encode() not in body and REPORTER_PHONE.encode() not in body
    return fetched, leaks


@pytest.fixture
def hooks(world: Any, agency_user: Any) -> Any:
    """Issue 16: the agencies' systems hear every event through a webhook (a real receiver on
    127.0.0.1); what they hear must not carry the reporter either."""
    from jiandu.integrations.models import WebhookEvent
    from jiandu.integrations.tests.receiver import receiver_serve
    from jiandu.integrations.webhooks import endpoint_create

    for receiver in receiver_serve():
        for user in (agency_user, world.users["weihai_procurator"]):
            endpoint_create(actor=user, name="业务系统", url=receiver.url, events=list(WebhookEvent.values))
        yield receiver


def _webhook_leaks(receiver: Any) -> list[str]:
    from jiandu.integrations.models import WebhookDelivery
    from jiandu.integrations.webhooks_delivery import delivery_body

    sent = [delivery_body(d.payload).decode() for d in WebhookDelivery.objects.all()]
    heard = [r.body.decode() for r in receiver.received]
    return [text for text in sent + heard if _leaks(text)]


@pytest.fixture
def loop(
    reporter: Any,
    agency: Any,
    agency_user: Any,
    bureau_user: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
    hooks: Any,
) -> Finding:
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        finding = services.finding_submit(
            actor=reporter.user,
            supervisor=reporter,
            agency=agency,
            confidential=True,
            text="3月1日在某超市检查时，执法人员未出示证件即开具罚单。",
            uploads=[_photo()],
            today=dt.date(2025, 3, 3),
        )
        finding = services.finding_forward(actor=bureau_user, finding=finding, today=dt.date(2025, 3, 3))
        findings_deadline_scan(today=dt.date(2025, 3, 28))
        findings_deadline_scan(today=dt.date(2025, 4, 3))
        finding = services.finding_reply(
            actor=agency_user,
            finding=finding,
            adopted=True,
            reply_text="情况属实，已制定整改计划",
            correction=Correction.PLAN,
            rectification_plan="全员培训",
            rectify_due=dt.date(2025, 5, 30),
            today=dt.date(2025, 4, 7),
        )
    return finding


def test_the_agency_sees_no_trace_of_a_confidential_reporter(
    client: Any, loop: Finding, reporter: Any, agency_user: Any, caplog: Any, hooks: Any
) -> None:
    attachment = loop.attachments.get()
    assert attachment.original_name.startswith(REPORTER_NAME)  # staff keep it; the agency must not see it
    inbox = list(Notification.objects.filter(recipient=agency_user).values_list("pk", flat=True))
    assert len(inbox) >= 3  # forwarded, reminder, escalation
    ints = sorted({loop.pk, attachment.pk, reporter.pk, reporter.user_id, *inbox})

    # Another part's page that crashes must not stop the search; it is reported, not hidden.
    client.raise_request_exception = False
    client_sign_in(client, agency_user)
    with time_machine.travel(
        dt.datetime(2025, 4, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False
    ):
        fetched, leaks = _walk_as(client, ints)
        # The agency really reached the finding, its photo, its inbox, the exports and the API.
        for url in (
            reverse("findings:detail", args=[loop.pk]),
            reverse("findings:attachment", args=[loop.pk, attachment.pk]),
            reverse("notifications:inbox"),
            reverse("findings:export", args=["csv"]),
            reverse("findings:export", args=["json"]),
            "/api/findings/",
            f"/api/findings/{loop.pk}",
            "/api/notifications/",
            "/api/v1/findings/",
            f"/api/v1/findings/{loop.pk}",
        ):
            assert fetched.get(url) == 200, (url, fetched.get(url))
        detail = client.get(reverse("findings:detail", args=[loop.pk])).content.decode()
        assert "提出人要求保密" in detail and loop.title in detail  # still signed in, still the real page
        assert fetched[reverse("findings:attachment", args=[loop.pk, attachment.pk])] == 200

        out = io.StringIO()
        call_command("findings", "list", "--json", "--as", agency_user.username, stdout=out)
        assert str(loop.pk) in out.getvalue()
        assert not _leaks(out.getvalue())

    assert leaks == {}, leaks
    # The agency's system heard the forwarding and the overdue reply by webhook, and nothing more.
    heard = {r.headers["X-Jiandu-Event"] for r in hooks.received}
    assert {"opinion.forwarded", "reply.overdue"} <= heard, heard
    assert _webhook_leaks(hooks) == []
    assert len(fetched) > 40  # the walk really covered the project, not just this app
    broken = sorted(url for url, status in fetched.items() if status >= 500)
    print(f"fetched {len(fetched)} URLs as agency staff; server errors (other parts): {broken}")
    agency_mail = [m for m in mail.outbox if agency_user.email in m.to]
    assert agency_mail and not any(_leaks(f"{m.subject} {m.body}") for m in agency_mail)
    logged = " ".join(r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when))
    assert logged and not _leaks(logged)


@pytest.fixture
def duty_loop(world: Any, django_capture_on_commit_callbacks: Any, hooks: Any) -> dict[str, Any]:
    """A people's-supervisor duty where the reporter attended and gave an opinion, which the bureau
    forwarded as confidential (the path where a finding is born from a duty record)."""
    from jiandu.duties import services as dsv
    from jiandu.duties.tests.conftest import MONDAY, open_and_draw, request_data
    from jiandu.roster.models import Programme, ProgrammeKind, SupervisorStatus

    programme = Programme.objects.create(
        name="威海市人民监督员",
        kind=ProgrammeKind.PEOPLE,
        organisation=world.orgs["weihai_justice"],
        rulebook_id="weihai-people-2024",
    )
    from jiandu.roster.models import Supervisor

    supervisor = Supervisor.objects.create(
        programme=programme,
        full_name=REPORTER_NAME,
        birth_date=dt.date(1980, 3, 15),
        id_number=REPORTER_ID,
        phone=REPORTER_PHONE,
        initial_training_on=dt.date(2025, 1, 10),
        status=SupervisorStatus.ACTIVE,
        district=world.orgs["huancui_justice"],
    )
    admin, procurator = world.users["weihai_admin"], world.users["weihai_procurator"]
    tz = dt.timezone(dt.timedelta(hours=8))
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, tzinfo=tz), tick=False) as clock:
        duty = dsv.duty_request(actor=procurator, data=request_data(programme, supervisors_needed=1))
        open_and_draw(world, duty)
        assignment = duty.assignments.get()
        assert assignment.supervisor_id == supervisor.pk
        dsv.assignment_respond(actor=admin, assignment=assignment, accept=True)
        clock.move_to(dt.datetime.combine(MONDAY + dt.timedelta(days=14), dt.time(10), tzinfo=tz))
        dsv.attendance_record(actor=procurator, duty=duty, present={assignment.pk})
        record = dsv.record_save(
            actor=procurator,
            duty=duty,
            summary="听证会按程序进行",
            opinions=[dsv.OpinionData(supervisor.pk, "建议对听证笔录补充当事人陈述", "pending")],
        )
        with django_capture_on_commit_callbacks(execute=True):
            opinion = dsv.opinion_send_to_findings(
                actor=admin, opinion=record.opinions.get(), confidential=True
            )
            finding = Finding.objects.get(pk=int(opinion.finding_ref))
            services.finding_forward(actor=admin, finding=finding, reply_due=dt.date(2026, 4, 30))
    return {"duty": duty, "finding": finding, "supervisor": supervisor, "agency_user": procurator}


def test_a_confidential_opinion_from_a_duty_leaves_no_trace_for_the_agency(
    client: Any, duty_loop: dict[str, Any], hooks: Any
) -> None:
    """The probe's path: forwarded as confidential from the duty record, then read back on the duty
    page (“<name>：… 已转办 #<finding>”), the finding, the inbox and everything else."""
    duty, finding, agency_user = duty_loop["duty"], duty_loop["finding"], duty_loop["agency_user"]
    inbox = list(Notification.objects.filter(recipient=agency_user).values_list("pk", flat=True))
    ints = sorted({duty.pk, finding.pk, duty_loop["supervisor"].pk, *inbox})
    # The agency hosts the duty and meets who attends, so its duty pages name them: there the secret is
    # the link from a person's opinion to the finding. Everywhere else, the reporter's identity.
    # The API's duty (issue 16) carries what the duty pages do: its participants list names who came.
    duty_pages = (f"/duties/{duty.pk}/", f"/api/v1/duties/{duty.pk}")
    finding_marks = (finding.number, reverse("findings:detail", args=[finding.pk]), "已转办", "转办编号")

    def secrets_for(url: str) -> tuple[str, ...]:
        if url.startswith(duty_pages):
            return finding_marks
        return PUBLIC_SECRETS if _is_public(url) else SECRETS

    tz = dt.timezone(dt.timedelta(hours=8))
    client.raise_request_exception = False
    client_sign_in(client, agency_user)
    with time_machine.travel(dt.datetime(2026, 3, 24, 9, tzinfo=tz), tick=False):
        page = client.get(reverse("duties:detail", args=[duty.pk])).content.decode()
        assert "建议对听证笔录补充当事人陈述" in page or "履职情况反馈表" in page  # the real duty page
        assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 200
        fetched, leaks = _walk_as(client, ints, secrets_for)
    assert fetched[reverse("duties:detail", args=[duty.pk])] == 200
    assert leaks == {}, leaks
    # Webhooks (issue 16): the procuratorate's system hears the draw and the forwarded opinion; neither
    # the finding's events nor the duty's name the reporter, and no duty event points at the finding.
    from jiandu.integrations.models import WebhookDelivery

    assert {"duty.drawn", "participant.confirmed", "opinion.forwarded"} <= set(
        WebhookDelivery.objects.values_list("event", flat=True)
    )
    assert hooks.events("opinion.forwarded") and _webhook_leaks(hooks) == []
    for d in WebhookDelivery.objects.exclude(event="opinion.forwarded"):
        assert not [m for m in finding_marks if m in json.dumps(d.payload, ensure_ascii=False)], d.payload
    # The finding itself does not point back at the duty (its title, its date).
    detail = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert duty.title not in detail


def test_the_agencys_system_reads_and_replies_through_the_api_without_a_trace(
    client: Any,
    reporter: Any,
    agency: Any,
    agency_user: Any,
    bureau_user: Any,
    hooks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Issue 16: the same confidentiality through /api/v1/ with the agency's token — the list, the
    detail, the reply with a plan and the rectification report never carry the reporter."""
    from jiandu.integrations.models import Scope
    from jiandu.integrations.services import token_issue

    finding = services.finding_submit(
        actor=reporter.user,
        supervisor=reporter,
        agency=agency,
        confidential=True,
        text="3月1日在某超市检查时，执法人员未出示证件即开具罚单。",
        uploads=[_photo()],
    )
    finding = services.finding_forward(actor=bureau_user, finding=finding)
    _token, raw = token_issue(
        actor=agency_user,
        name="市场监管执法办案系统",
        scopes=[Scope.FINDINGS_READ, Scope.FINDINGS_REPLY],
        expires_on=dt.date(2027, 1, 1),
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    answers = [client.get("/api/v1/findings/", **auth), client.get(f"/api/v1/findings/{finding.pk}", **auth)]
    assert answers[0].json()[0]["reporter_label"] == "提出人要求保密"
    reply = {
        "adopted": True,
        "reply_text": "情况属实，已制定整改计划",
        "correction": Correction.PLAN,
        "rectification_plan": "全员培训",
        "rectify_due": "2026-12-30",
    }
    answers.append(
        client.post(f"/api/v1/findings/{finding.pk}/reply", reply, content_type="application/json", **auth)
    )
    assert answers[-1].status_code == 200 and answers[-1].json()["status"] == "rectifying"
    answers.append(
        client.post(
            f"/api/v1/findings/{finding.pk}/rectified",
            {"report": "已完成培训"},
            content_type="application/json",
            **auth,
        )
    )
    for response in answers:
        assert response.status_code == 200, response.content
        assert not _leaks(response.content.decode()), response.content
    finding.refresh_from_db()
    assert finding.rectified_on is not None and finding.rectification_plan == "全员培训"
    # Replying twice is refused by the service, in the API's error shape.
    again = client.post(
        f"/api/v1/findings/{finding.pk}/reply", reply, content_type="application/json", **auth
    )
    assert again.status_code == 400 and again.json()["code"] == "refused"
    # The bureau ticks it off; the agency's system hears it by webhook, without the reporter.
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_verify(actor=bureau_user, finding=finding, result_text=f"已告知{REPORTER_NAME}")
    assert hooks.events("rectification.verified") and _webhook_leaks(hooks) == []


def test_staff_still_see_who_reported(client: Any, loop: Finding, bureau_user: Any) -> None:
    client_sign_in(client, bureau_user)
    page = client.get(reverse("findings:detail", args=[loop.pk])).content.decode()
    assert REPORTER_NAME in page and "提出人要求保密" in page  # confidentiality is towards the agency
    assert REPORTER_ID not in page


def test_a_non_confidential_reporter_is_named_to_the_agency(
    client: Any, reporter: Any, agency: Any, agency_user: Any, bureau_user: Any
) -> None:
    finding = services.finding_submit(
        actor=reporter.user, supervisor=reporter, agency=agency, text="公开提出的意见"
    )
    services.finding_forward(actor=bureau_user, finding=finding)
    client_sign_in(client, agency_user)
    page = client.get(reverse("findings:detail", args=[finding.pk])).content.decode()
    assert f"监督员 {REPORTER_NAME}" in page
    assert REPORTER_PHONE not in page and REPORTER_ID not in page


def test_the_agency_cannot_reach_unforwarded_or_foreign_findings(
    client: Any, reporter: Any, agency: Any, agency_user: Any, other_agency_user: Any, bureau_user: Any
) -> None:
    pending = services.finding_submit(
        actor=reporter.user, supervisor=reporter, agency=agency, text="尚未分办"
    )
    client_sign_in(client, agency_user)
    assert client.get(reverse("findings:detail", args=[pending.pk])).status_code == 404
    services.finding_forward(actor=bureau_user, finding=pending)
    assert client.get(reverse("findings:detail", args=[pending.pk])).status_code == 200
    client_sign_in(client, other_agency_user)
    assert client.get(reverse("findings:detail", args=[pending.pk])).status_code == 404
    assert client.get(f"/api/findings/{pending.pk}").status_code == 404
