"""Demo recruitment: an open announcement for the next Weihai 行政执法社会监督员 cohort, with two
applications (one eligible, one who declared a disqualifying record), so the portal has something
to show. Idempotent: skipped when the programme already has a round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jiandu.recruitment.models import Channel, Round
from jiandu.recruitment.services import application_submit, round_create, round_publish
from jiandu.roster.demo import demo_id_number


def build(world: Any) -> None:
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
        on=today,
    )
    round_publish(actor=admin, round=r, on=today)
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
