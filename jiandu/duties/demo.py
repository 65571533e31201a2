"""Demo duties for the Weihai people's-supervisor programme (and missed duties in the Weihai
administrative programme): past duties with draws, records and reports — one report overdue — and an
upcoming duty the demo supervisor "weihai_supervisor" is invited to. Every draw goes through the real
services, so `jiandu draw verify --all` passes on the demo data. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiandu.duties import services as sv
from jiandu.duties.models import AssignmentStatus, DrawRecord, Duty
from jiandu.duties.pool import candidate_id
from jiandu.roster.models import Programme, Supervisor
from jiandu.rules.calendar import CalendarUnknownYear

WITNESSES = (
    {"name": "吴静", "role": "检察院承办检察官", "value": ""},
    {"name": "王芳", "role": "司法局工作人员", "value": ""},
)


def _programme(world: Any, rulebook_id: str) -> Programme | None:
    org = world.orgs.get("weihai_justice")
    return Programme.objects.filter(rulebook_id=rulebook_id, organisation=org).first() if org else None


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _request(world: Any, programme: Programme, *, requester: str, days: int, **kw: Any) -> Duty:
    today = timezone.localdate()
    duty_on = today + dt.timedelta(days=days)
    data = sv.DutyRequestData(programme=programme, duty_on=duty_on, **kw)
    # Requested three weeks ahead of the day, as the agency would have (第十条).
    return sv.duty_request(actor=world.users[requester], data=data, today=duty_on - dt.timedelta(days=21))


def _draw(
    world: Any,
    duty: Duty,
    values: tuple[str, str],
    *,
    want: Supervisor | None = None,
    avoid: Supervisor | None = None,
    admin: str = "weihai_admin",
) -> DrawRecord:
    actor = world.users[admin]
    # The ceremony two weeks before the day, as the bureau would hold it: the commitment published in
    # the morning, the draw in the afternoon (never in the future; the draw must follow the commitment).
    # A duty requested later than that is drawn on the day of its request.
    now = timezone.now()
    day = max(duty.duty_on - dt.timedelta(days=14), duty.requested_on)
    drawn_at = min(_at(day, 15), now)
    opened_at = max(min(_at(day, 9), drawn_at - dt.timedelta(hours=1)), _at(duty.requested_on, 0))
    drawn_at = max(drawn_at, opened_at)
    commitment = sv.draw_open(actor=actor, duty=duty, at=opened_at)
    witnesses = [dict(w, value=v) for w, v in zip(WITNESSES, values, strict=True)]
    if want is not None or avoid is not None:
        # Demo only: so that the demo account has an invitation to show (and no earlier duty that would
        # put it behind everyone else under the balance rule, 第十一条), the second witness value is the
        # first of "<value>", "<value>-1", … that draws `want` / keeps `avoid` out of the first k + 2 in
        # contact order. At a real draw the values come from the people present and nobody can try them
        # out against the seed, which stays secret until the draw.
        # In a pool too small to keep `avoid` out of the first k + 2, keeping it off the panel will do.
        base, fallback = values[1], None
        for i in range(500):
            value = base if i == 0 else f"{base}-{i}"
            witnesses[1]["value"] = value
            selected, order = sv.draw_preview(commitment, [w["value"] for w in witnesses])
            wanted = want is None or candidate_id(want.pk) in selected
            off_panel = avoid is None or candidate_id(avoid.pk) not in selected
            avoided = avoid is None or candidate_id(avoid.pk) not in order[: len(selected) + 2]
            if wanted and avoided:
                break
            if wanted and off_panel and fallback is None:
                fallback = value
        else:
            if fallback is not None:
                witnesses[1]["value"] = fallback
    return sv.draw_perform(actor=actor, commitment=commitment, witnesses=witnesses, at=drawn_at)


def _answer_all(world: Any, duty: Duty, *, decline_first: bool = False, admin: str = "weihai_admin") -> None:
    actor = world.users[admin]
    first = True
    while True:
        pending = list(duty.assignments.filter(status=AssignmentStatus.INVITED).order_by("position"))
        if not pending:
            return
        for a in pending:
            if decline_first and first:
                sv.assignment_respond(actor=actor, assignment=a, accept=False, reason="出差在外，无法参加")
                first = False
            else:
                sv.assignment_respond(actor=actor, assignment=a, accept=True)


def _hold(world: Any, duty: Duty, *, absent: int | None = None, summary: str, opinion: str) -> None:
    agency = world.users["weihai_procurator"]
    accepted = list(duty.assignments.filter(status=AssignmentStatus.ACCEPTED).order_by("position"))
    present = {a.pk for a in accepted if a.supervisor_id != absent}
    sv.attendance_record(actor=agency, duty=duty, present=present)
    attended = [a for a in accepted if a.pk in present]
    opinions = [sv.OpinionData(attended[0].supervisor_id, opinion, "adopted")] if attended else []
    if len(attended) > 1:
        opinions.append(
            sv.OpinionData(
                attended[1].supervisor_id, "建议加强释法说理", "partly", "已在答复中补充说理，其余不予采纳"
            )
        )
    sv.record_save(actor=agency, duty=duty, summary=summary, opinions=opinions)
    for a in attended:
        a.refresh_from_db()
        sv.record_confirm(actor=agency, assignment=a, via="paper")


def build(world: Any) -> None:
    programme = _programme(world, "weihai-people-2024")
    if programme is None or "weihai_procurator" not in world.users:
        return
    _missed_duties(world)
    _past_elsewhere(world)
    _upcoming_elsewhere(world)
    if Duty.objects.filter(programme=programme).exists():
        return
    demo_supervisor = Supervisor.objects.filter(user=world.users.get("weihai_supervisor")).first()
    common = {"place": "威海市人民检察院听证室", "district": world.orgs.get("huancui_justice")}

    # 1. Five weeks ago: a public hearing, one decline and the next in order, held, reported in time.
    past = _request(
        world,
        programme,
        requester="weihai_procurator",
        days=-35,
        kind="hearing",
        title="王某某故意伤害案拟不起诉公开听证",
        supervisors_needed=3,
        specialty_minimums={"law": 1},
        parties=("王某某", "李某某"),
        **common,
    )
    _draw(world, past, ("7316", "2025"), avoid=demo_supervisor)
    _answer_all(world, past, decline_first=True)
    _hold(world, past, summary="听证会按程序进行，听取了双方意见。", opinion="同意拟不起诉决定")
    sv.duty_report(actor=world.users["weihai_procurator"], duty=past, on=past.duty_on + dt.timedelta(days=1))

    # 2. Ten days ago: a 减刑/假释 review meeting, held, report not sent → flagged overdue (第二十条).
    review = _request(
        world,
        programme,
        requester="weihai_procurator",
        days=-10,
        kind="review_meeting",
        title="第三季度减刑假释案件评审会",
        supervisors_needed=2,
        parties=("威海市某监狱",),
        **common,
    )
    _draw(world, review, ("0930", "8848"), avoid=demo_supervisor)
    _answer_all(world, review)
    _hold(world, review, summary="评审会审议减刑假释案件12件。", opinion="建议对两起案件补充财产刑执行材料")

    # 3. In ten days: a hearing the demo supervisor is invited to (accept or decline on the phone).
    # Near the turn of a year whose holiday notice is not loaded yet, the lead time cannot be computed;
    # the demo then says so instead of failing `make run`.
    try:
        with transaction.atomic():
            upcoming_pk: int | None = _upcoming(world, programme, common, demo_supervisor)
    except (sv.DutyError, CalendarUnknownYear) as exc:
        upcoming_pk = None
        world.extra.setdefault("notes", []).append(f"未生成即将举行的监督活动：{exc}")

    world.extra["duties"] = {"past": past.pk, "review": review.pk, "upcoming": upcoming_pk}


def _upcoming(world: Any, programme: Programme, common: dict[str, Any], demo_supervisor: Any) -> int:
    upcoming = _request(
        world,
        programme,
        requester="weihai_procurator",
        days=10,
        kind="hearing",
        title="张某某诈骗案羁押必要性审查听证",
        supervisors_needed=3,
        parties=("张某某",),
        starts_at=dt.time(9, 30),
        **common,
    )
    _draw(world, upcoming, ("5521", "6604"), want=demo_supervisor)
    return upcoming.pk


def _missed_duties(world: Any) -> None:
    """万州区 行政执法监督员: one supervisor missing two activities within a year without a recorded
    excuse, so the bureau sees a proposed dismissal under 第十八条第（三）项."""
    org = world.orgs.get("wanzhou_justice")
    programme = Programme.objects.filter(rulebook_id="wanzhou-admin-2024", organisation=org).first()
    if programme is None or "wanzhou_market_staff" not in world.users or "wanzhou_admin" not in world.users:
        return
    if Duty.objects.filter(programme=programme).exists():
        return
    absent: int | None = None
    # The second is a joint inspection every supervisor in the pool is asked to, so the same person
    # is called twice (the balance rule would otherwise spread two small duties over different people).
    for days, title, needed in ((-60, "食品安全专项执法检查", 2), (-25, "全体监督员集中执法检查", 0)):
        duty = _request(
            world,
            programme,
            requester="wanzhou_market_staff",
            days=days,
            kind="inspection",
            title=title,
            supervisors_needed=needed or programme.supervisors.filter(status="active").count(),
            place="重庆市万州区市场监督管理局",
        )
        _draw(world, duty, ("1234", title), admin="wanzhou_admin")
        _answer_all(world, duty, admin="wanzhou_admin")
        if absent is None:
            first = duty.assignments.filter(status=AssignmentStatus.ACCEPTED).order_by("position").first()
            absent = first.supervisor_id if first else None
        accepted = duty.assignments.filter(status=AssignmentStatus.ACCEPTED)
        sv.attendance_record(
            actor=world.users["wanzhou_market_staff"],
            duty=duty,
            present={a.pk for a in accepted if a.supervisor_id != absent},
        )


# programme key (roster demo), requesting account, bureau account, title, place
ELSEWHERE = (
    (
        "shanxi",
        "taiyuan_prison_staff",
        "shanxi_admin",
        "第四季度减刑假释案件评审会",
        "山西省太原第一监狱会议室",
    ),
    (
        "wanzhou",
        "wanzhou_market_staff",
        "wanzhou_admin",
        "校园周边食品安全执法检查",
        "重庆市万州区市场监督管理局",
    ),
    (
        "weihai_admin",
        "weihai_market_staff",
        "weihai_admin",
        "农贸市场价格执法检查",
        "威海市市场监督管理局",
    ),
)
# Programmes whose past is not made elsewhere in the demo: a duty held three weeks ago, in real order
# (requested, drawn, answered, attendance, the record signed on paper, reported). Shanxi's past duty
# comes with its allowances (jiandu.allowances.demo), Ningxia's with its casework (after its roster).
PAST_ELSEWHERE = (
    (
        "weihai_admin",
        "weihai_market_staff",
        "weihai_admin",
        "餐饮服务单位食品安全执法检查",
        "威海市市场监督管理局",
        "inspection",
    ),
)


def past_duty(
    world: Any,
    programme: Programme,
    *,
    requester: str,
    admin: str,
    title: str,
    place: str,
    kind: str,
    days: int = -21,
    needed: int = 2,
    avoid: Supervisor | None = None,
) -> Duty:
    """A duty held `-days` days ago: requested, drawn, answered, attendance recorded, the record
    filled in and signed on paper by those present, and reported — each through its service."""
    duty = _request(
        world,
        programme,
        requester=requester,
        days=days,
        kind=kind,
        title=title,
        supervisors_needed=needed,
        place=place,
    )
    _draw(world, duty, ("2468", title), admin=admin, avoid=avoid)
    _answer_all(world, duty, admin=admin)
    agency = world.users[requester]
    accepted = list(duty.assignments.filter(status=AssignmentStatus.ACCEPTED).order_by("position"))
    sv.attendance_record(actor=agency, duty=duty, present={a.pk for a in accepted})
    sv.record_save(actor=agency, duty=duty, summary="活动按程序进行，监督员现场查看并提出意见。", opinions=[])
    for a in accepted:
        a.refresh_from_db()
        sv.record_confirm(actor=agency, assignment=a, via="paper")
    sv.duty_report(actor=agency, duty=duty, on=duty.duty_on + dt.timedelta(days=1))
    return duty


def _past_elsewhere(world: Any) -> None:
    for key, requester, admin, title, place, kind in PAST_ELSEWHERE:
        programme = world.extra.get("programmes", {}).get(key)
        if programme is None or requester not in world.users or admin not in world.users:
            continue
        if Duty.objects.filter(programme=programme, duty_on__lt=timezone.localdate()).exists():
            continue
        try:
            with transaction.atomic():
                past_duty(
                    world, programme, requester=requester, admin=admin, title=title, place=place, kind=kind
                )
        except (sv.DutyError, CalendarUnknownYear) as exc:
            world.extra.setdefault("notes", []).append(f"未生成{programme.name}已举行的监督活动：{exc}")


def _upcoming_elsewhere(world: Any) -> None:
    """An upcoming duty in the Shanxi and Wanzhou programmes too, drawn, with invitations out and an
    answer deadline, so their bureau, agency and supervisor accounts each have something to do."""
    from jiandu.duties.contact import duty_set_answer_window, invitations_send

    for key, requester, admin, title, place in ELSEWHERE:
        programme = world.extra.get("programmes", {}).get(key)
        if programme is None or requester not in world.users or admin not in world.users:
            continue
        if Duty.objects.filter(programme=programme, duty_on__gte=timezone.localdate()).exists():
            continue
        try:
            with transaction.atomic():
                duty = _request(
                    world,
                    programme,
                    requester=requester,
                    days=12,
                    kind="inspection",
                    title=title,
                    supervisors_needed=2,
                    place=place,
                )
                duty_set_answer_window(actor=world.users[admin], duty=duty, hours=48)
                _draw(world, duty, ("8080", title), admin=admin)
                invitations_send(actor=world.users[admin], duty=duty)
        except (sv.DutyError, CalendarUnknownYear) as exc:
            world.extra.setdefault("notes", []).append(f"未生成{programme.name}即将举行的监督活动：{exc}")
