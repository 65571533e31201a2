"""Demo findings: every state (submitted, forwarded, investigating, rectifying, replied, closed,
declined, merged), some confidential, some overdue, for 威海市市场监督管理局, 威海市人民检察院 and
万州区市场监督管理局; complaints against supervisors; then one deadline pass, so inboxes hold
reminders and escalations. Dates are relative to today. Idempotent: skipped once findings exist.

Adds two accounts the findings loop needs and the accounts demo does not have: agency staff at
威海市市场监督管理局 (`weihai_market_staff`) and a 行政执法社会监督员 who can sign in
(`weihai_social_supervisor`, linked to a supervisor of the weihai-admin-2022 roster).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.core.demo import DEMO_PASSWORD
from jiandu.findings import services
from jiandu.findings.models import Correction, Finding, Source, Status
from jiandu.findings.scan import findings_deadline_scan
from jiandu.roster.models import Programme, ProgrammeKind, Supervisor, SupervisorStatus

D = dt.timedelta


def _account(world: Any, username: str, role: str, org_key: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first() or user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        organisation=world.orgs[org_key],
        full_name=full_name,
    )
    world.users[username] = user
    if not any(a["username"] == username for a in world.accounts):
        world.accounts.append(
            {"username": username, "role": user.get_role_display(), "organisation": str(world.orgs[org_key])}
        )
    return user


def _programme(world: Any, rulebook_id: str, name: str, org_key: str) -> Programme:
    programme = Programme.objects.filter(rulebook_id=rulebook_id).order_by("id").first()
    return programme or Programme.objects.create(
        name=name,
        kind=ProgrammeKind.ADMINISTRATIVE,
        organisation=world.orgs[org_key],
        rulebook_id=rulebook_id,
    )


def _supervisors(programme: Programme, names: tuple[str, ...]) -> list[Supervisor]:
    found = list(programme.supervisors.filter(status=SupervisorStatus.ACTIVE).order_by("id")[: len(names)])
    for name in names[len(found) :]:  # roster demo not there: make the few we need
        found.append(Supervisor.objects.create(programme=programme, full_name=name))
    return found


def build(world: Any) -> None:  # type: ignore[no-untyped-def]
    if "weihai_admin" not in world.users or "weihai_market" not in world.orgs:
        return
    market_staff = _account(
        world, "weihai_market_staff", Role.AGENCY_STAFF, "weihai_market", "孙丽（威海市市场监管局）"
    )
    weihai = _programme(world, "weihai-admin-2022", "威海市行政执法社会监督员", "weihai_justice")
    wanzhou = _programme(world, "wanzhou-admin-2024", "万州区行政执法监督员", "wanzhou_justice")
    w_sup = _supervisors(weihai, ("赵敏", "钱坤", "孙悦"))
    social = _account(
        world, "weihai_social_supervisor", Role.SUPERVISOR, "weihai_justice", w_sup[0].full_name
    )
    if w_sup[0].user_id is None and not Supervisor.objects.filter(user=social).exists():
        w_sup[0].user = social
        w_sup[0].save(update_fields=["user"])
    if not Finding.objects.exists():
        _weihai_and_wanzhou(world, market_staff, weihai, wanzhou, w_sup)
    for key, *_ in EVERY_STATE:
        every_state(world, key)
    findings_deadline_scan(today=timezone.localdate())


# Programme key (roster demo), the bureau's account, the agency's account and organisation: each
# programme gets an opinion in every state the others do not already show. Ningxia's supervisors are
# appointed by its casework demo, which calls `every_state` for it then.
EVERY_STATE = (
    ("wanzhou", "wanzhou_admin", "wanzhou_market_staff", "wanzhou_market"),
    ("weihai_people", "weihai_admin", "weihai_procurator", "weihai_procuratorate"),
    ("shanxi", "shanxi_admin", "taiyuan_prison_staff", "taiyuan_prison"),
    ("ningxia", "ningxia_admin", "yinchuan_prison_staff", "yinchuan_prison"),
)
# (status, what the supervisor wrote): the texts fit any supervised agency, a prison or an office.
STORIES = (
    (Status.SUBMITTED, "执法记录仪存储卡未按规定归档。"),
    (Status.FORWARDED, "执法文书未载明当事人陈述、申辩情况。"),
    (Status.INVESTIGATING, "同一事项多次检查、多头执法，影响正常秩序。"),
    (Status.RECTIFYING, "执法台账登记不全，部分事项无法追溯。"),
    (Status.REPLIED, "告知书送达回证缺少签收日期。"),
    (Status.CLOSED, "公示栏信息未及时更新。"),
    (Status.DECLINED, "对工作人员个人作风的一般性看法。"),
    (Status.MERGED, "执法文书缺少陈述、申辩告知（与前一意见重复）。"),
)


def every_state(world: Any, key: str) -> None:
    """One opinion in each state the programme does not show yet, each through its services on its
    own dates (submitted, forwarded, answered, verified in that order, days before today)."""
    _key, admin_key, staff_key, agency_key = next(row for row in EVERY_STATE if row[0] == key)
    programme = world.extra.get("programmes", {}).get(key)
    admin, staff = world.users.get(admin_key), world.users.get(staff_key)
    agency = world.orgs.get(agency_key)
    if programme is None or admin is None or staff is None or agency is None:
        return
    reporters = list(
        programme.supervisors.filter(status=SupervisorStatus.ACTIVE).order_by("-user_id", "id")[:3]
    )
    if not reporters:
        return
    have = set(Finding.objects.filter(programme=programme).values_list("status", flat=True))
    today = timezone.localdate()
    texts: dict[str, str] = {str(status): text for status, text in STORIES}

    def submit(status: str, days_ago: int, n: int = 0) -> Finding:
        sup = reporters[n % len(reporters)]
        return services.finding_submit(
            actor=sup.user, supervisor=sup, agency=agency, text=texts[status], today=today - D(days=days_ago)
        )

    def forward(f: Finding, days_ago: int) -> Finding:
        # Where the rulebook sets no reply period the bureau sets one (thirty days) when forwarding.
        return services.finding_forward(
            actor=admin, finding=f, today=today - D(days=days_ago), reply_due=today - D(days=days_ago - 30)
        )

    forwarded = None
    if Status.FORWARDED not in have or Status.MERGED not in have:
        forwarded = forward(submit(Status.FORWARDED, 12), 10)
    if Status.SUBMITTED not in have:
        submit(Status.SUBMITTED, 2, 1)
    if Status.INVESTIGATING not in have:
        services.finding_investigate(
            actor=admin, finding=submit(Status.INVESTIGATING, 5, 2), note="涉及多个部门，由本局调查核实。"
        )
    if Status.RECTIFYING not in have:
        services.finding_reply(
            actor=staff,
            finding=forward(submit(Status.RECTIFYING, 30), 28),
            adopted=True,
            reply_text="情况属实，已制定整改计划。",
            correction=Correction.PLAN,
            rectification_plan="一个月内完成台账补录和核对。",
            rectify_due=today + D(days=20),
            today=today - D(days=20),
        )
    if Status.REPLIED not in have:
        services.finding_reply(
            actor=staff,
            finding=forward(submit(Status.REPLIED, 25, 1), 22),
            adopted=True,
            reply_text="已当场纠正。",
            correction=Correction.IMMEDIATE,
            today=today - D(days=5),
        )
    if Status.CLOSED not in have:
        f = services.finding_reply(
            actor=staff,
            finding=forward(submit(Status.CLOSED, 70, 2), 66),
            adopted=True,
            reply_text="已更新公示栏并建立定期检查制度。",
            correction=Correction.IMMEDIATE,
            today=today - D(days=50),
        )
        services.finding_verify(
            actor=admin, finding=f, result_text="经核查，已整改到位，予以销号。", today=today - D(days=45)
        )
    if Status.DECLINED not in have:
        services.finding_decline(
            actor=admin, finding=submit(Status.DECLINED, 6, 1), reason="不属于执法监督范围，已告知提出人。"
        )
    if Status.MERGED not in have and forwarded is not None:
        services.finding_merge(actor=admin, finding=submit(Status.MERGED, 8, 2), into=forwarded)


def _weihai_and_wanzhou(
    world: Any, market_staff: Any, weihai: Programme, wanzhou: Programme, w_sup: list[Supervisor]
) -> None:
    today = timezone.localdate()
    admin, market = world.users["weihai_admin"], world.orgs["weihai_market"]
    reporter = w_sup[0]

    def submit(sup: Supervisor, agency: Any, text: str, days_ago: int, **kw: Any) -> Finding:
        return services.finding_submit(
            actor=sup.user, supervisor=sup, agency=agency, text=text, today=today - D(days=days_ago), **kw
        )

    def forward(f: Finding, days_ago: int, who: Any = admin, due: dt.date | None = None) -> Finding:
        try:
            return services.finding_forward(
                actor=who, finding=f, today=today - D(days=days_ago), reply_due=due
            )
        except ValidationError:
            # A reply due in a year whose holiday notice is not loaded yet (late in the year): the
            # finding stays 待分办 rather than the demo guessing a date.
            return f

    def reply(*, finding: Finding, **kw: Any) -> Finding:
        if finding.status != Status.FORWARDED:
            return finding  # not forwarded (see above): the story stops there
        return services.finding_reply(finding=finding, **kw)

    def verify(*, finding: Finding, **kw: Any) -> Finding:
        finding.refresh_from_db()
        if finding.status != Status.REPLIED:
            return finding
        return services.finding_verify(finding=finding, **kw)

    # 待分办 (confidential lead, with no photo: demo data has no files)
    submit(
        reporter,
        market,
        "某农贸市场执法检查中，执法人员未出示执法证件即扣押商品。",
        2,
        source=Source.LEAD,
        confidential=True,
    )
    # 已转送 — in time, due soon (a reminder), overdue (an escalation; confidential)
    forward(submit(w_sup[1], market, "对个体商户的罚款决定未告知陈述、申辩权利。", 12), 10)
    forward(submit(reporter, market, "投诉举报处理超过法定时限仍未答复当事人。", 28), 27)
    overdue = forward(
        submit(reporter, market, "行政检查未制作现场笔录，检查结果未书面告知。", 50, confidential=True), 45
    )
    # 已合并 into a forwarded one
    services.finding_merge(
        actor=admin, finding=submit(w_sup[2], market, "同一商户重复检查、多头执法。", 8), into=overdue
    )
    # 整改中 — in time, and past its rectification deadline
    f = forward(submit(w_sup[1], market, "执法文书送达不规范。", 40), 38)
    reply(
        actor=market_staff,
        finding=f,
        adopted=True,
        reply_text="情况属实，已组织文书规范专项整改。",
        correction=Correction.PLAN,
        rectification_plan="一个月内完成全局执法文书自查。",
        rectify_due=today + D(days=25),
        today=today - D(days=20),
    )
    f = forward(submit(reporter, market, "罚没物品登记台账缺失。", 95, confidential=True), 90)
    reply(
        actor=market_staff,
        finding=f,
        adopted=True,
        reply_text="已采纳，制定整改计划。",
        correction=Correction.PLAN,
        rectification_plan="建立罚没物品台账并逐件核对。",
        rectify_due=today - D(days=12),
        today=today - D(days=70),
    )
    # 已答复待核验
    f = forward(submit(w_sup[2], market, "执法记录仪未全程开启。", 25), 22)
    reply(
        actor=market_staff,
        finding=f,
        adopted=True,
        reply_text="已当场纠正并通报批评。",
        correction=Correction.IMMEDIATE,
        today=today - D(days=5),
    )
    # 已办结销号, rated by the reporter
    f = forward(submit(reporter, market, "行政处罚决定书未载明救济途径。", 70), 66)
    reply(
        actor=market_staff,
        finding=f,
        adopted=True,
        reply_text="已补正全部文书。",
        correction=Correction.IMMEDIATE,
        today=today - D(days=50),
    )
    f = verify(
        actor=admin, finding=f, result_text="经核查，相关文书已补正，予以销号。", today=today - D(days=45)
    )
    if reporter.user_id and f.status == Status.CLOSED:
        services.finding_rate(actor=reporter.user, finding=f, rating=5, comment="答复及时")
    # 不予处理, 本局调查
    services.finding_decline(
        actor=admin,
        finding=submit(w_sup[1], market, "对商户经营价格的个人看法。", 6),
        reason="不属于行政执法监督范围。",
    )
    services.finding_investigate(
        actor=admin,
        finding=submit(w_sup[2], world.orgs["weihai_urban"], "多部门对同一违建反复执法。", 4),
        note="涉及多部门，由本局调查核实。",
    )
    services.finding_record_inspection(
        actor=admin,
        programme=weihai,
        agency=world.orgs["weihai_ecology"],
        text="案卷评查发现两份处罚决定缺少集体讨论记录。",
        today=today - D(days=3),
    )

    # 万州: the rulebook sets no reply period, so the bureau sets one when forwarding (万州 第十六条).
    if "wanzhou_admin" in world.users and "wanzhou_market_staff" in world.users:
        wz_admin, wz_staff, wz_market = (
            world.users["wanzhou_admin"],
            world.users["wanzhou_market_staff"],
            world.orgs["wanzhou_market"],
        )
        wz = _supervisors(wanzhou, ("谭明", "冉静"))
        forward(submit(wz[0], wz_market, "食品抽检结果未按规定公示。", 40), 35, wz_admin, today - D(days=5))
        f = forward(submit(wz[1], wz_market, "行政许可办理超期。", 20), 18, wz_admin, today + D(days=12))
        reply(
            actor=wz_staff,
            finding=f,
            adopted=True,
            reply_text="已立即纠正，相关人员已约谈。",
            correction=Correction.IMMEDIATE,
            today=today - D(days=2),
        )
        f = forward(
            submit(wz[0], wz_market, "执法人员着装不规范。", 60, confidential=True),
            58,
            wz_admin,
            today - D(days=40),
        )
        reply(
            actor=wz_staff,
            finding=f,
            adopted=True,
            reply_text="已整改。",
            correction=Correction.IMMEDIATE,
            today=today - D(days=45),
        )
        verify(actor=wz_admin, finding=f, result_text="已核实整改到位。", today=today - D(days=40))
        services.complaint_submit(
            actor=None,
            programme=wanzhou,
            supervisor_name=wz[1].full_name,
            text="监督检查时态度粗暴。",
            complainant_name="李先生",
            complainant_phone="13800138000",
            today=today - D(days=3),
        )

    # 人民监督员 of 威海 (weihai_supervisor) to the procuratorate (weihai_procurator answers).
    people = Programme.objects.filter(rulebook_id="weihai-people-2024").first()
    procurator = world.users.get("weihai_procurator")
    linked = Supervisor.objects.filter(user=world.users.get("weihai_supervisor")).first()
    if people and procurator and linked:
        proc = world.orgs["weihai_procuratorate"]
        forward(
            submit(linked, proc, "案件公开听证未提前公告。", 15, confidential=True),
            14,
            admin,
            today + D(days=16),
        )
        f = forward(submit(linked, proc, "不起诉决定宣告未通知被害人。", 40), 38, admin, today - D(days=8))
        services.complaint_submit(
            actor=procurator,
            programme=people,
            supervisor_name=linked.full_name,
            text="监督活动中泄露案件信息（示例）。",
            today=today - D(days=1),
        )
        del f
