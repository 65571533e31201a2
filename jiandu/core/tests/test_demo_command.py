"""`jiandu demo` (what `make run` prints): every programme of the five rulebooks is in the demo with a
supervisor who can sign in, and the accounts are printed grouped by programme with what to try first."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from jiandu.roster.models import Programme, Supervisor

FIVE = (
    "shanxi-prison-2023",
    "weihai-admin-2022",
    "weihai-people-2024",
    "wanzhou-admin-2024",
    "ningxia-prison-2020",
)


@pytest.mark.django_db(transaction=True)
def test_make_run_prints_accounts_by_programme_and_every_programme_has_a_supervisor(
    transactional_db: Any,
) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for rulebook_id in FIVE:
        assert rulebook_id in text
        programmes = Programme.objects.filter(rulebook_id=rulebook_id)
        assert programmes.exists(), rulebook_id
        assert Supervisor.objects.filter(programme__in=programmes, user__isnull=False).exists(), rulebook_id
    for username in ("shanxi_supervisor", "wanzhou_supervisor", "weihai_supervisor", "sysadmin"):
        assert username in text
    assert text.index("平台") < text.index("山西") < text.index("宁夏")
    assert text.count("→") >= 15


@pytest.mark.django_db(transaction=True)
def test_each_roster_programme_has_a_recruitment_round_in_real_order(transactional_db: Any) -> None:
    from jiandu.core.demo import demo_build
    from jiandu.recruitment.models import Round, RoundStatus

    demo_build()
    for rulebook_id in ("shanxi-prison-2023", "weihai-admin-2022", "wanzhou-admin-2024"):
        r = Round.objects.get(programme__rulebook_id=rulebook_id)
        assert r.published_on is not None and r.published_on <= r.applications_open + dt.timedelta(days=1)
        assert r.applications.exists()
        notice = getattr(r, "notice", None)
        if r.status == RoundStatus.NOTICE:
            assert notice is not None and notice.starts_on > r.applications_close
    assert Round.objects.filter(status=RoundStatus.NOTICE).exists()


@pytest.mark.django_db(transaction=True)
def test_programmes_have_past_and_upcoming_duties(transactional_db: Any) -> None:
    from django.utils import timezone

    from jiandu.core.demo import demo_build
    from jiandu.duties.models import Duty

    world = demo_build()
    today = timezone.localdate()
    assert not world.extra.get("notes"), world.extra.get("notes")
    for rulebook_id in ("shanxi-prison-2023", "weihai-people-2024", "wanzhou-admin-2024"):
        duties = Duty.objects.filter(programme__rulebook_id=rulebook_id)
        assert duties.filter(duty_on__gte=today).exists(), rulebook_id
        assert (
            duties.filter(assignments__notified_at__isnull=False).exists()
            or rulebook_id == "weihai-people-2024"
        )
    for rulebook_id in ("weihai-people-2024", "wanzhou-admin-2024"):
        assert Duty.objects.filter(programme__rulebook_id=rulebook_id, duty_on__lt=today).exists()


@pytest.mark.django_db(transaction=True)
def test_every_programme_is_alive(transactional_db: Any) -> None:
    """Issue 12, "every programme alive": each of the five rulebooks' programmes has supervisors who
    can sign in, past and upcoming duties, opinions in every state, a recruitment round, and training,
    assessment, allowances and casework where its rulebook provides them."""
    from django.utils import timezone

    from jiandu.core.demo import demo_build
    from jiandu.duties.models import Duty
    from jiandu.findings.models import Finding, Status
    from jiandu.recruitment.models import Application, Round

    world = demo_build()
    assert not world.extra.get("notes"), world.extra.get("notes")
    today = timezone.localdate()
    missing: list[str] = []
    for rulebook_id in FIVE:
        programme = Programme.objects.filter(rulebook_id=rulebook_id).order_by("id").first()
        assert programme is not None, rulebook_id
        duties = Duty.objects.filter(programme=programme)
        checks = {
            "a supervisor who can sign in": programme.supervisors.filter(user__isnull=False).exists(),
            "a past duty": duties.filter(duty_on__lt=today).exists(),
            "an upcoming duty": duties.filter(duty_on__gte=today).exists(),
        }
        # Ningxia's text is a 2020–2021 activity plan, out of force, with no conditions of appointment:
        # a round there is refused by the rules core (RulebookNotInForce), so the demo has none.
        if rulebook_id != "ningxia-prison-2020":
            checks["a recruitment round"] = Round.objects.filter(programme=programme).exists()
        states = set(Finding.objects.filter(programme=programme).values_list("status", flat=True))
        for status in Status.values:
            checks[f"an opinion {status}"] = status in states
        missing += [f"{rulebook_id}: {what}" for what, ok in checks.items() if not ok]
    assert not missing, "\n".join(missing)
    # Applications carry the day they were made, not the moment the demo ran.
    late = Application.objects.filter(submitted_at__date=today).exclude(
        round__applications_open__lte=today, round__applications_close__gte=today
    )
    assert not late.exists(), [(a.full_name, a.submitted_at) for a in late]
