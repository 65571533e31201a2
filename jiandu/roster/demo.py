"""Demo programmes: one per supervisor rulebook, each with an appointed roster (valid generated
身份证号, phones, specialties, districts, declared relationships, most with initial training done).
Idempotent: a programme that already has supervisors is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiandu.audit.services import audit_record
from jiandu.roster.models import (
    Appointment,
    AppointmentKind,
    Programme,
    ProgrammeKind,
    RelationshipKind,
    Specialty,
    TermEnd,
)
from jiandu.roster.services import (
    PersonData,
    programme_create,
    programme_set_cohort,
    relationship_add,
    supervisor_appoint,
)
from jiandu.rules.calendar import add_years
from jiandu.rules.identifiers import id_number_check_char

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    "建国",
    "秀英",
    "志强",
    "丽娟",
    "海涛",
    "晓燕",
    "文博",
    "静怡",
    "明辉",
    "雪梅",
    "国庆",
    "春华",
    "立新",
    "玉兰",
    "子涵",
    "振宇",
    "慧敏",
    "德明",
    "淑芬",
    "俊杰",
    "晨曦",
    "红霞",
    "永康",
    "佳琪",
    "宏伟",
    "桂英",
    "思远",
    "美玲",
    "长青",
    "若曦",
)
EMPLOYERS = (
    "山东威海律师事务所",
    "威海市第二中学",
    "威海市立医院",
    "威海商业银行",
    "某会计师事务所",
    "某科技有限公司",
    "市人大代表联络站",
    "某社区居民委员会",
    "某大学法学院",
    "某报社",
)
EDUCATION = ("bachelor", "master", "associate", "bachelor", "doctorate", "bachelor")
SPECIALTY_SETS = (
    [Specialty.LAW],
    [Specialty.FINANCE, Specialty.ACCOUNTING],
    [Specialty.MEDICINE],
    [Specialty.IT],
    [Specialty.LAW, Specialty.ENVIRONMENT],
    [Specialty.EDUCATION],
    [Specialty.CONSTRUCTION],
    [Specialty.FOOD_SAFETY, Specialty.MEDICINE],
    [Specialty.MEDIA],
    [Specialty.ACCOUNTING],
)

# key, name, kind, organisation key, rulebook, size, cohort start, district keys, employer prefix
PROGRAMMES: tuple[tuple[str, str, str, str, str, int, dt.date, tuple[str, ...], str], ...] = (
    (
        "shanxi",
        "山西省监狱管理局执法监督员",
        ProgrammeKind.PRISON,
        "shanxi_prisons",
        "shanxi-prison-2023",
        8,
        dt.date(2025, 1, 1),
        (),
        "太原",
    ),
    (
        "weihai_admin",
        "威海市行政执法社会监督员",
        ProgrammeKind.ADMINISTRATIVE,
        "weihai_justice",
        "weihai-admin-2022",
        12,
        dt.date(2025, 6, 1),
        ("huancui_justice", "wendeng_justice", "rongcheng_justice", "rushan_justice"),
        "威海",
    ),
    (
        "weihai_people",
        "威海市人民监督员",
        ProgrammeKind.PEOPLE,
        "weihai_justice",
        "weihai-people-2024",
        24,
        dt.date(2024, 12, 1),
        ("huancui_justice", "wendeng_justice", "rongcheng_justice", "rushan_justice"),
        "威海",
    ),
    (
        "wanzhou",
        "万州区行政执法监督员",
        ProgrammeKind.ADMINISTRATIVE,
        "wanzhou_justice",
        "wanzhou-admin-2024",
        15,
        dt.date(2024, 11, 1),
        ("wanzhou_justice",),
        "万州",
    ),
)
ADMINS = {
    "shanxi_prisons": "shanxi_admin",
    "weihai_justice": "weihai_admin",
    "wanzhou_justice": "wanzhou_admin",
    "ningxia_prisons": "ningxia_admin",
}
# The demo supervisor account that signs in as each programme's first supervisor.
LINKED = {
    "weihai_people": "weihai_supervisor",
    "shanxi": "shanxi_supervisor",
    "wanzhou": "wanzhou_supervisor",
}
# The Ningxia administration's programme: its rulebook is the casework text (执法规范化), which sets no
# supervisor terms, so the programme starts without a roster; its admin lands on it, not on nothing.
NINGXIA = (
    "ningxia",
    "宁夏回族自治区监狱执法监督",
    ProgrammeKind.PRISON,
    "ningxia_prisons",
    "ningxia-prison-2020",
)


def demo_id_number(region: str, born: dt.date, seq: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def demo_person(index: int, salt: int, region: str, *, employer_prefix: str) -> PersonData:
    name = SURNAMES[(index * 7 + salt) % len(SURNAMES)] + GIVEN[(index * 11 + salt * 3) % len(GIVEN)]
    born = dt.date(1965 + (index * 3 + salt) % 32, 1 + (index * 5) % 12, 1 + (index * 13 + salt) % 28)
    employer = EMPLOYERS[(index + salt) % len(EMPLOYERS)]
    if employer.startswith("某"):
        employer = employer_prefix + employer[1:]
    return PersonData(
        full_name=name,
        id_number=demo_id_number(region, born, 100 + index * 2 + salt),
        phone=f"13{(index + salt) % 10}{(salt * 10_000_000 + index * 7919) % 100_000_000:08d}",
        education=EDUCATION[index % len(EDUCATION)],
        political_status=("中共党员", "群众", "民盟盟员", "无党派人士")[index % 4],
        employer=employer,
        position=("律师", "教师", "主治医师", "会计师", "工程师", "退休干部")[index % 6],
        specialties=list(SPECIALTY_SETS[(index + salt) % len(SPECIALTY_SETS)]),
        source="unit" if index % 3 == 0 else "self",
        recommending_unit=f"{employer_prefix}市律师协会" if index % 3 == 0 else "",
    )


def build(world: Any) -> None:
    _ningxia(world)
    for salt, (key, name, kind, org_key, rulebook_id, size, start, districts, prefix) in enumerate(
        PROGRAMMES
    ):
        org = world.orgs[org_key]
        programme = Programme.objects.filter(organisation=org, rulebook_id=rulebook_id).first()
        if programme is None:
            programme = programme_create(
                actor=world.users[ADMINS[org_key]],
                organisation=org,
                name=name,
                kind=kind,
                rulebook_id=rulebook_id,
            )
        world.extra.setdefault("programmes", {})[key] = programme
        if programme.supervisors.exists():
            continue
        admin = world.users.get(ADMINS.get(org_key, ""))
        district_orgs = [world.orgs[k] for k in districts]
        end = add_years(start, _years(programme, start))
        programme_set_cohort(actor=admin, programme=programme, start=start, end=end)
        for i in range(size):
            district = district_orgs[i % len(district_orgs)] if district_orgs else None
            region = district.region_code if district else org.region_code
            person = demo_person(i, salt, region, employer_prefix=prefix)
            person.district_id = district.pk if district else None
            if key == "weihai_people" and i == 0:
                person.full_name = "刘洋"
            s = supervisor_appoint(
                actor=admin,
                programme=programme,
                person=person,
                starts_on=start,
                on=start,
                kind=AppointmentKind.INITIAL,
                decision={"outcome": "demo", "reasons": []},
            )
            if i % 7 != 5:  # most, not all, have had their initial training
                s.initial_training_on = start + dt.timedelta(days=20 + i)
                s.save(update_fields=["initial_training_on"])
            if i % 4 == 1:
                _second_term_history(s, start)
            relationship_add(
                actor=admin, supervisor=s, kind=RelationshipKind.OWN_EMPLOYER, name=s.employer, on=start
            )
            agency = _agency(world, org_key) if i % 5 == 2 else None
            if agency is not None:
                relationship_add(
                    actor=admin,
                    supervisor=s,
                    kind=RelationshipKind.RELATIVE_EMPLOYER,
                    organisation=agency,
                    name=agency.name,
                    note="配偶在该单位工作",
                    on=start,
                )
            if i == 0 and LINKED.get(key) in world.users:
                user = world.users[LINKED[key]]
                s.user = user
                s.save(update_fields=["user"])
                audit_record(
                    actor=None,
                    actor_name="demo",
                    action="supervisor.link_account",
                    target=s,
                    after={"user": user.username},
                )


def _years(programme: Programme, on: dt.date) -> int:
    from jiandu.roster.rules import rulebook_for

    return int(rulebook_for(programme).param("term.years", on).value)


def _second_term_history(s: Any, start: dt.date) -> None:
    """A supervisor now in a second consecutive term: the earlier term on record, so a renewal
    under a two-term cap (威海 2022 第五条) is refused with its article."""
    years = _years(s.programme, start)
    earlier_start = add_years(start, -years)
    Appointment.objects.create(
        supervisor=s,
        kind=AppointmentKind.INITIAL,
        term_no=1,
        starts_on=earlier_start,
        ends_on=start - dt.timedelta(days=1),
        ended_on=start - dt.timedelta(days=1),
        end_kind=TermEnd.RENEWED,
        decision={"outcome": "demo", "reasons": []},
    )
    appointment = s.appointments.filter(ended_on__isnull=True).first()
    if appointment is not None:
        appointment.kind, appointment.term_no = AppointmentKind.RENEWAL, 2
        appointment.save(update_fields=["kind", "term_no"])
    s.consecutive_terms = 2
    s.save(update_fields=["consecutive_terms"])


def _agency(world: Any, org_key: str) -> Any:
    key = {"weihai_justice": "weihai_market", "wanzhou_justice": "wanzhou_market"}.get(
        org_key, "taiyuan_prison"
    )
    return world.orgs.get(key)


def _ningxia(world: Any) -> None:
    key, name, kind, org_key, rulebook_id = NINGXIA
    org, admin = world.orgs.get(org_key), world.users.get(ADMINS[org_key])
    if org is None or admin is None:
        return
    programme = Programme.objects.filter(organisation=org, rulebook_id=rulebook_id).first()
    if programme is None:
        programme = programme_create(
            actor=admin, organisation=org, name=name, kind=kind, rulebook_id=rulebook_id
        )
    world.extra.setdefault("programmes", {})[key] = programme
