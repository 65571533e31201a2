"""Demo recruitment: an open announcement for the next Weihai 行政执法社会监督员 cohort, with two
applications (one eligible, one who declared a disqualifying record), so the portal has something
to show. Idempotent: skipped when the programme already has a round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiandu.recruitment.models import Channel, Round
from jiandu.recruitment.services import (
    application_review,
    application_submit,
    notice_publish,
    round_create,
    round_publish,
)
from jiandu.roster.demo import demo_id_number


def build(world: Any) -> None:
    _wanzhou_in_notice(world)
    _shanxi_replenishment(world)
    for key, admin_key, region, title, person in OPEN_ROUNDS:
        _open_round(world, key, admin_key, region, title, person)
    programme = world.extra.get("programmes", {}).get("weihai_admin")
    if programme is None or Round.objects.filter(programme=programme).exists():
        return
    today = timezone.localdate()
    admin = world.users.get("weihai_admin")
    r = round_create(
        actor=admin,
        programme=programme,
        title=f"{programme.name}（第二届）选聘公告",
        quota=12,
        applications_open=today - dt.timedelta(days=3),
        applications_close=today + dt.timedelta(days=27),
        recruitment_starts_on=today + dt.timedelta(days=45),
        term_start=programme.cohort_end + dt.timedelta(days=1)
        if programme.cohort_end
        else today + dt.timedelta(days=60),
        on=today - dt.timedelta(days=3),
    )
    # Announced on the day applications opened, not after (real order).
    round_publish(actor=admin, round=r, on=today - dt.timedelta(days=3))
    region = world.orgs["huancui_justice"].region_code
    for i, (name, records) in enumerate((("孙立平", []), ("钱晓东", ["criminal_penalty"]))):
        application_submit(
            actor=None,
            round=r,
            channel=Channel.SELF,
            on=today,
            data={
                "full_name": name,
                "id_number": demo_id_number(region, dt.date(1980 + i * 5, 3 + i, 9 + i), 501 + i * 2),
                "phone": f"1350631{2000 + i:04d}",
                "education": "bachelor",
                "employer": "威海某律师事务所" if i == 0 else "威海某贸易公司",
                "specialties": ["law"] if i == 0 else ["finance"],
                "records": records,
                "posts": [],
                "statement": "关注法治政府建设，愿意参与行政执法监督。",
            },
        )


# Programme key, bureau account, region code, title, one applicant: a round announced ten days ago
# with applications open for the rulebook's notice period and more, one application made yesterday.
# Weihai's people's supervisors: the next cohort (the text sets no term for a 补充选任). Not Ningxia: its
# text is a 2020–2021 activity plan, no longer in force, that sets no conditions of appointment.
OPEN_ROUNDS = (
    (
        "weihai_people",
        "weihai_admin",
        "371002",
        "（第二届）选任公告",
        ("于海燕", dt.date(1982, 6, 18), 751, "威海某会计师事务所", ["accounting"]),
    ),
)


def _open_round(
    world: Any, key: str, admin_key: str, region: str, title: str, person: tuple[Any, ...]
) -> None:
    programme = world.extra.get("programmes", {}).get(key)
    admin = world.users.get(admin_key)
    if programme is None or admin is None or Round.objects.filter(programme=programme).exists():
        return
    today = timezone.localdate()
    opened = today - dt.timedelta(days=10)
    r = round_create(
        actor=admin,
        programme=programme,
        title=f"{programme.name}{title}",
        quota=programme.supervisors.count() or 4,
        applications_open=opened,
        applications_close=today + dt.timedelta(days=30),
        recruitment_starts_on=today + dt.timedelta(days=45),
        term_start=max(programme.cohort_end + dt.timedelta(days=1), today + dt.timedelta(days=60))
        if programme.cohort_end
        else today + dt.timedelta(days=60),
        on=opened,
    )
    round_publish(actor=admin, round=r, on=opened)
    name, born, seq, employer, specialties = person
    yesterday = today - dt.timedelta(days=1)
    application_submit(
        actor=None,
        round=r,
        channel=Channel.SELF,
        on=yesterday,
        at=_at(yesterday, 11),
        data=_person(region, name, born, seq, employer, specialties),
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _person(
    region: str, name: str, born: dt.date, seq: int, employer: str, specialties: list[str]
) -> dict[str, Any]:
    return {
        "full_name": name,
        "id_number": demo_id_number(region, born, seq),
        "phone": f"1358{seq:07d}",
        "education": "bachelor",
        "employer": employer,
        "specialties": specialties,
        "records": [],
        "posts": [],
        "statement": "愿意参与执法监督工作。",
    }


def _wanzhou_in_notice(world: Any) -> None:
    """万州: a round in real order — announced a month ago, applications closed, two reviewed and
    shortlisted, the 公示 (at least five working days, 第六条（二）) running now, open to objections."""
    programme = world.extra.get("programmes", {}).get("wanzhou")
    admin = world.users.get("wanzhou_admin")
    if programme is None or admin is None or Round.objects.filter(programme=programme).exists():
        return
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    r = round_create(
        actor=admin,
        programme=programme,
        title=f"{programme.name}增补选聘公告",
        quota=2,
        applications_open=start,
        applications_close=today - dt.timedelta(days=12),
        recruitment_starts_on=today + dt.timedelta(days=20),
        term_start=today + dt.timedelta(days=30),
        on=start,
    )
    round_publish(actor=admin, round=r, on=start)
    region = world.orgs["wanzhou_justice"].region_code
    people = (
        ("周明远", dt.date(1979, 4, 12), "重庆某律师事务所", ["law"]),
        ("黄晓琳", dt.date(1986, 9, 3), "万州某中学", ["education"]),
    )
    for i, (name, born, employer, specialties) in enumerate(people):
        # Applied in the second week, reviewed the day after applications closed: each at its time.
        day = start + dt.timedelta(days=5 + i)
        app = application_submit(
            actor=None,
            round=r,
            channel=Channel.SELF,
            on=day,
            at=_at(day, 10 + i),
            data=_person(region, name, born, 611 + i * 2, employer, specialties),
        )
        application_review(
            actor=admin,
            application=app,
            approve=True,
            criteria="对照任职条件逐项审查：符合",
            at=_at(r.applications_close + dt.timedelta(days=1), 15),
        )
    notice_publish(actor=admin, round=r, on=today)


def _shanxi_replenishment(world: Any) -> None:
    """山西: a 补聘 announced more than a month before recruitment starts (第六条（二）), applications
    open, its term ending with the cohort (第六条（三）)."""
    programme = world.extra.get("programmes", {}).get("shanxi")
    admin = world.users.get("shanxi_admin")
    if programme is None or admin is None or Round.objects.filter(programme=programme).exists():
        return
    today = timezone.localdate()
    r = round_create(
        actor=admin,
        programme=programme,
        title=f"{programme.name}补聘公告",
        quota=2,
        applications_open=today - dt.timedelta(days=2),
        applications_close=today + dt.timedelta(days=20),
        recruitment_starts_on=today + dt.timedelta(days=40),
        term_start=today + dt.timedelta(days=60),
        on=today - dt.timedelta(days=2),
        replenishment=True,
    )
    round_publish(actor=admin, round=r, on=today - dt.timedelta(days=2))
    application_submit(
        actor=None,
        round=r,
        channel=Channel.SELF,
        on=today - dt.timedelta(days=1),
        at=_at(today - dt.timedelta(days=1), 16),
        data=_person("140100", "武建华", dt.date(1975, 2, 20), 733, "太原某会计师事务所", ["accounting"]),
    )
