"""Demo casework for 宁夏 (宁狱通〔2020〕98号): a Ningxia programme with supervisors, 银川监狱's case files at
every review level (one deferred for 较大分歧, one changed by a later level with its recorded legal
basis), a publicity, a 暂予监外执行 case with its records deadline, an isolation near its limit, a late
monthly points publication on the problem list (found by the daily pass), a problem ticked off, a
quarterly report, and the demo supervisor `ningxia_supervisor` invited to a review committee meeting.
Only through services; idempotent (a prison that already has case files is left as it is)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiandu.audit.services import audit_record
from jiandu.casework import services as sv
from jiandu.casework.checks import casework_checks_run
from jiandu.casework.models import CaseFile, CaseKind, GroundKind, Problem, ProblemSource, Vote
from jiandu.roster.models import Programme, ProgrammeKind, Specialty, Supervisor
from jiandu.roster.services import PersonData, initial_training_record, programme_create, supervisor_appoint
from jiandu.rules.calendar import CalendarUnknownYear
from jiandu.rules.identifiers import id_number_check_char

RULEBOOK = "ningxia-prison-2020"
PROGRAMME_NAME = "宁夏监狱管理局执法监督员"
SUPERVISORS = ("马文", "杨慧敏", "丁建国", "海丽娟")
MEMBERS = ("王警官", "李警官", "张警官", "刘警官", "陈警官", "赵警官", "孙警官", "周警官", "吴警官")
PRISONERS = (
    ("6401001", "张某某"),
    ("6401002", "李某某"),
    ("6401003", "王某某"),
    ("6401004", "赵某某"),
    ("6401005", "刘某某"),
    ("6401006", "陈某某"),
    ("6401007", "杨某某"),
    ("6401008", "黄某某"),
    ("6401009", "周某某"),
    ("6401010", "吴某某"),
)


def programme_ensure(world: Any) -> Programme:
    org = world.orgs["ningxia_prisons"]
    p = Programme.objects.filter(organisation=org, rulebook_id=RULEBOOK).first()
    if p is None:  # jiandu.roster.demo makes it in `jiandu demo`; the tests' world has none yet
        p = programme_create(
            actor=world.users["ningxia_admin"],
            organisation=org,
            name=PROGRAMME_NAME,
            kind=ProgrammeKind.PRISON,
            rulebook_id=RULEBOOK,
        )
    world.extra.setdefault("programmes", {})["ningxia"] = p
    return p


def supervisors_ensure(world: Any, programme: Programme) -> list[Supervisor]:
    """Four supervisors; the 宁夏 plan sets no term, so the letters of appointment give the end date."""
    existing = list(programme.supervisors.order_by("id"))
    if existing:
        return existing
    admin = world.users.get("ningxia_admin")
    start = dt.date(2025, 1, 1)
    out = []
    for i, name in enumerate(SUPERVISORS):
        born = dt.date(1970 + i * 4, 3 + i, 10 + i)
        first17 = f"640104{born:%Y%m%d}{300 + i * 2:03d}"
        s = supervisor_appoint(
            actor=admin,
            programme=programme,
            person=PersonData(
                full_name=name,
                id_number=first17 + id_number_check_char(first17),
                phone=f"1390951{1000 + i:04d}",
                education="bachelor",
                political_status="群众",
                employer=("宁夏某律师事务所", "银川市第一人民医院", "宁夏大学法学院", "银川市某社区")[i],
                position=("律师", "主任医师", "副教授", "社区干部")[i],
                specialties=[(Specialty.LAW, Specialty.MEDICINE, Specialty.LAW, Specialty.OTHER)[i]],
                source="unit",
                recommending_unit="宁夏回族自治区律师协会",
            ),
            starts_on=start,
            on=start,
            decision={"outcome": "demo", "reasons": []},
            ends_on=dt.date(2027, 12, 31),
        )
        initial_training_record(actor=admin, supervisor=s, on=start + dt.timedelta(days=20))
        out.append(s)
    user = world.users.get("ningxia_supervisor")
    if user is not None and not Supervisor.objects.filter(user=user).exists():
        out[0].user = user
        out[0].save(update_fields=["user"])
        audit_record(
            actor=None,
            actor_name="demo",
            action="supervisor.link_account",
            target=out[0],
            after={"user": user.username},
        )
    return out


def _votes(n_for: int, n_against: int = 0, n_abstain: int = 0, n_absent: int = 0) -> list[sv.VoteData]:
    kinds = (
        [Vote.FOR] * n_for
        + [Vote.AGAINST] * n_against
        + [Vote.ABSTAIN] * n_abstain
        + [Vote.ABSENT] * n_absent
    )
    out = []
    for member, vote in zip(MEMBERS, kinds, strict=False):
        opinion = {
            Vote.AGAINST: "悔改表现的证明材料来源单一，建议补充调查",
            Vote.ABSTAIN: "对立功事实的认定存疑，暂不表态",
        }.get(vote, "")
        out.append(sv.VoteData(member, vote, opinion))
    return out


def advance(case: CaseFile, actor: Any, steps: int, *, held_on: dt.date) -> None:
    """Take a case through `steps` steps, all agreeing (collective ones 7 of 9 for, 2 against)."""
    for _ in range(steps):
        case.refresh_from_db()
        step = case.steps[case.next_step]
        if step["collective"]:
            sv.review_record(
                actor=actor,
                case=case,
                opinion="经评议，同意提请",
                votes=_votes(7, 2),
                should_attend=9,
                held_on=held_on,
            )
        else:
            sv.review_record(actor=actor, case=case, opinion="同意", outcome="allowed", held_on=held_on)


def case_with_grounds(
    world: Any, programme: Programme, number: str, name: str, kind: str, **kw: Any
) -> CaseFile:
    staff = world.users["yinchuan_prison_staff"]
    prisoner = sv.prisoner_register(
        actor=staff, prison=world.orgs["yinchuan_prison"], number=number, name=name
    )
    case = sv.case_open(
        actor=staff,
        programme=programme,
        prisoner=prisoner,
        kind=kind,
        proposal=kw.pop("proposal", "建议减去有期徒刑六个月"),
        points_result=kw.pop("points_result", "考核期内累计获得表扬4次"),
        **kw,
    )
    sv.ground_add(
        actor=staff,
        case=case,
        kind=GroundKind.POINTS,
        facts="2025年1月至2026年9月计分考核累计4个表扬",
        evidence="《罪犯月考核积分一览表》21份",
        provided_by="三监区计分考核小组",
    )
    sv.ground_add(
        actor=staff,
        case=case,
        kind=GroundKind.REPENTANCE,
        facts="认罪悔罪，积极履行财产性判项",
        evidence="缴纳罚金收据、悔罪书",
        provided_by="三监区 责任警察 王警官",
    )
    return case


def build(world: Any) -> None:
    if "yinchuan_prison_staff" not in world.users or "ningxia_prisons" not in world.orgs:
        return
    programme = programme_ensure(world)
    supervisors = supervisors_ensure(world, programme)
    _past_meeting(world, programme)
    from jiandu.findings.demo import every_state

    every_state(world, "ningxia")
    prison = world.orgs["yinchuan_prison"]
    if CaseFile.objects.filter(prison=prison).exists():
        return
    staff = world.users["yinchuan_prison_staff"]
    admin = world.users["ningxia_admin"]
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=20)
    sv.publicity_policy_set(
        actor=admin,
        programme=programme,
        working_days=5,
        basis="监狱管理局确定的减刑假释公示期间（演示数据；以现行有关规定为准）",
    )

    # Case files at every level: 0 … all six steps agreed.
    cases = []
    for k, (number, name) in enumerate(PRISONERS[:7]):
        kind = CaseKind.COMMUTATION if k % 2 else CaseKind.PAROLE
        # The case before the review committee is of significant impact: supervisors are invited.
        c = case_with_grounds(world, programme, number, name, kind, significant=k == 4)
        advance(c, staff, k, held_on=earlier)
        cases.append(c)
    # All levels agreed → published inside the prison for the period.
    sv.publicity_publish(actor=staff, case=cases[6])

    # 较大分歧 at the unit meeting: 5 for, 3 against, 1 abstaining → deferred for re-investigation.
    deferred = case_with_grounds(world, programme, PRISONERS[7][0], PRISONERS[7][1], CaseKind.PAROLE)
    advance(deferred, staff, 3, held_on=earlier)
    sv.review_record(
        actor=staff,
        case=deferred,
        opinion="分歧较大，暂缓",
        votes=_votes(5, 3, 1),
        should_attend=9,
        held_on=earlier,
    )

    # Refused by the unit head, then the unit meeting changes it, recording the legal basis and reason.
    changed = case_with_grounds(world, programme, PRISONERS[8][0], PRISONERS[8][1], CaseKind.COMMUTATION)
    advance(changed, staff, 2, held_on=earlier)
    sv.review_record(
        actor=staff,
        case=changed,
        opinion="立功材料尚未核实，不同意",
        outcome="refused",
        legal_basis="《中华人民共和国刑法》第七十八条第一款",
        statutory_reason="立功表现的事实尚未查证属实",
        held_on=earlier,
    )
    sv.ground_add(
        actor=staff,
        case=changed,
        kind=GroundKind.MERIT,
        facts="2026年6月检举他人违法行为经查证属实",
        evidence="公安机关查证函、驻狱检察室检察监督意见",
        provided_by="狱内侦查科",
    )
    sv.review_record(
        actor=staff,
        case=changed,
        opinion="经补充核实立功事实，同意提请",
        votes=_votes(8, 1),
        should_attend=9,
        legal_basis="《中华人民共和国刑法》第七十八条第一款",
        statutory_reason="补充查明立功表现（检举他人违法行为经查证属实）",
        held_on=earlier,
    )

    # A significant case before the review committee: supervisors invited through the duty request
    # and the draw; the demo supervisor is drawn and accepts.
    significant = cases[4]
    try:
        with transaction.atomic():
            _invite(world, significant, supervisors[0], today)
    except (ValidationError, CalendarUnknownYear) as exc:
        world.extra.setdefault("notes", []).append(f"未生成监督员列席邀请：{exc}")

    # 暂予监外执行: a tumour without pathology, two hospitals, records due 15 days after approval.
    try:
        with transaction.atomic():
            _medical(world, programme, today)
    except (ValidationError, CalendarUnknownYear) as exc:
        world.extra.setdefault("notes", []).append(f"未生成暂予监外执行案件：{exc}")

    _compliance(world, today)
    casework_checks_run(today)

    # A problem found by the prison, rectified and ticked off by the administration.
    p = sv.problem_create(
        actor=staff,
        prison=prison,
        title="部分监区计分考核原始材料未专人保管",
        responsible="刑罚执行科 李科长",
        due_on=today + dt.timedelta(days=10),
        description="三监区2026年9月考核材料与生产考核记录混放",
    )
    sv.problem_rectify(actor=staff, problem=p, evidence="已指定专人保管并建立专门档案柜，附照片及台账")
    sv.problem_verify(actor=admin, problem=p, accept=True, note="现场核验，材料已专人专柜存档")
    late = Problem.objects.filter(
        prison=prison, source=ProblemSource.CHECK, source_ref__startswith="points:"
    ).first()
    if late is not None:
        sv.problem_assign(
            actor=staff, problem=late, responsible="狱政管理科 马科长", due_on=today + dt.timedelta(days=7)
        )
    quarter = (today.month - 1) // 3 + 1
    year, q = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    sv.quarterly_report_generate(actor=staff, prison=prison, year=year, quarter=q)


def _past_meeting(world: Any, programme: Programme) -> None:
    """Last month's review committee meeting at 银川监狱, held with two supervisors (not the demo
    supervisor, whose invitation to the next one the balance rule would otherwise put last)."""
    from jiandu.duties.demo import past_duty
    from jiandu.duties.models import Duty

    if Duty.objects.filter(programme=programme, duty_on__lt=timezone.localdate()).exists():
        return
    past_duty(
        world,
        programme,
        requester="yinchuan_prison_staff",
        admin="ningxia_admin",
        title="上月减刑假释案件评审委员会会议",
        place="宁夏回族自治区银川监狱",
        kind="review_meeting",
        days=-25,
        avoid=Supervisor.objects.filter(user=world.users.get("ningxia_supervisor")).first(),
    )


def _invite(world: Any, case: CaseFile, want: Supervisor, today: dt.date) -> None:
    from jiandu.duties import services as dsv
    from jiandu.duties.demo import _draw

    staff = world.users["yinchuan_prison_staff"]
    duty = sv.case_invite_supervisors(
        actor=staff,
        case=case,
        duty_on=today + dt.timedelta(days=10),
        place="银川监狱评审会议室",
        supervisors_needed=1,
    )
    _draw(world, duty, ("0640", "2026"), want=want, admin="ningxia_admin")
    a = duty.assignments.filter(supervisor=want).first()
    if a is not None and want.user is not None:
        dsv.assignment_respond(actor=want.user, assignment=a, accept=True)


def _medical(world: Any, programme: Programme, today: dt.date) -> None:
    staff = world.users["yinchuan_prison_staff"]
    number, name = PRISONERS[9]
    case = case_with_grounds(
        world, programme, number, name, CaseKind.MEDICAL_PAROLE, proposal="建议暂予监外执行（保外就医）"
    )
    for hospital, designated in (("宁夏医科大学总医院", True), ("银川市第一人民医院", False)):
        sv.ground_add(
            actor=staff,
            case=case,
            kind=GroundKind.MEDICAL,
            facts="肺部占位，考虑恶性肿瘤，因病情无法行病理检验",
            evidence=f"{hospital}诊断证明及CT报告",
            provided_by=hospital,
            hospital=hospital,
            designated_hospital=designated,
        )
    sv.medical_check(
        actor=staff,
        case=case,
        records_complete=False,
        explanation="外院既往病历尚在调取中",
        tumour_without_pathology=True,
        disease_category="肿瘤（呼吸系统）",
        specialty_confirmed=True,
    )
    sv.medical_approve(actor=staff, case=case, approved_on=today - dt.timedelta(days=12))


def _compliance(world: Any, today: dt.date) -> None:
    staff = world.users["yinchuan_prison_staff"]
    admin = world.users["ningxia_admin"]
    prison = world.orgs["yinchuan_prison"]
    prisoners = [sv.prisoner_register(actor=staff, prison=prison, number=n, name=m) for n, m in PRISONERS]
    # Last month's points published on the 25th: late (by the 20th).
    first = dt.date(today.year, today.month, 1)
    last_month = first - dt.timedelta(days=1)
    sv.points_publication_record(
        actor=staff,
        prison=prison,
        year=last_month.year,
        month=last_month.month,
        published_on=last_month.replace(day=25),
    )
    # Isolation begun two months ago less four days: the limit is near (an alert).
    from jiandu.rules.calendar import add_months

    sv.isolation_start(
        actor=staff, prisoner=prisoners[1], starts_on=add_months(today, -2) + dt.timedelta(days=4)
    )
    # A trusty approved 13 months ago and never evaluated: re-approval and evaluation overdue.
    sv.trusty_approve(
        actor=staff, prisoner=prisoners[2], post="监区卫生员", approved_on=add_months(today, -13)
    )
    t = sv.trusty_approve(
        actor=staff, prisoner=prisoners[3], post="图书管理员", approved_on=add_months(today, -4)
    )
    sv.trusty_evaluate(actor=staff, trusty=t, on=add_months(today, -1))
    for p in prisoners:
        sv.grading_record(actor=staff, prisoner=p, level="普管", assessed_on=add_months(today, -1))
    sv.penalty_objection_record(
        actor=staff,
        prisoner=prisoners[5],
        filed_on=add_months(today, -2),
        levels_done=1,
        concluded_on=add_months(today, -1),
    )
    del admin
