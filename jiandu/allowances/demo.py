"""Demo money and proof, all through the services and in the real order:

- 威海市人民监督员: rates (marked 演示 — the real amounts are in a local finance document we do not
  have), two more past duties held, confirmed and reported through the duty services, then a paid sheet,
  an approved sheet and a prepared sheet awaiting its second signature; the current month's draft lists
  the duty whose 反馈函 has not come as 待核实. Claims from the demo supervisor 刘洋: paid (on a paid
  reimbursement sheet), approved, waiting for the second approver (one line over the limit), submitted.
  Next year's activity plan from 威海市人民检察院.
- 山西省监狱管理局: a duty at 太原第一监狱 held and confirmed, and a 履职证明 for one supervisor.

Adds `weihai_finance`, a second programme admin at 威海市司法局: a sheet is approved by someone other
than who prepared it. Idempotent: skipped once the Weihai programme has a sheet.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiandu.accounts.demo import demo_totp_enrol
from jiandu.accounts.models import User
from jiandu.accounts.roles import Role
from jiandu.accounts.services import user_create
from jiandu.allowances import services as money
from jiandu.allowances.models import ExpenseClaim, Rate, ServiceProof, Sheet
from jiandu.core.demo import DEMO_PASSWORD
from jiandu.core.untrusted import image_reencode
from jiandu.duties import demo as duties_demo
from jiandu.duties import services as dsv
from jiandu.duties.models import AssignmentStatus, Duty
from jiandu.roster.models import Programme, Supervisor
from jiandu.rules.allowances import PlanItem

DEMO_SOURCE = "威海市人民监督员履职补助及差旅费标准（演示数据，以当地财政文件为准）"
DEMO_NUMBER = "演示〔2024〕1号"
WEIHAI_RATES = (
    ("duty", "per_duty", "200.00"),
    ("travel", "per_trip", "100.00"),
    ("lodging", "per_night", "350.00"),
    ("meal", "per_day", "100.00"),
)
SHANXI_RATES = (("lodging", "per_night", "380.00"), ("meal", "per_day", "100.00"))


def _account(world: Any, username: str, role: str, org_key: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first() or user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        organisation=world.orgs[org_key],
        full_name=full_name,
    )
    demo_totp_enrol(user)
    world.users[username] = user
    if not any(a["username"] == username for a in world.accounts):
        world.accounts.append(
            {
                "username": username,
                "role": user.get_role_display(),
                "organisation": str(world.orgs[org_key]),
                "totp": "yes",
            }
        )
    return user


def _rates(
    admin: Any, programme: Programme, rates: tuple[tuple[str, str, str], ...], source: str, number: str
) -> None:
    for item, unit, amount in rates:
        if Rate.objects.filter(programme=programme, item=item).exists():
            continue
        money.rate_create(
            actor=admin,
            programme=programme,
            data=money.RateData(
                item=item,
                unit=unit,
                amount=Decimal(amount),
                valid_from=dt.date(2024, 12, 1),
                valid_to=None,
                source_name=source,
                source_number=number,
                source_effective_from=dt.date(2024, 12, 1),
            ),
        )


def _hold(world: Any, duty: Duty, agency_username: str, summary: str) -> None:
    agency = world.users[agency_username]
    accepted = list(duty.assignments.filter(status=AssignmentStatus.ACCEPTED).order_by("position"))
    dsv.attendance_record(actor=agency, duty=duty, present={a.pk for a in accepted})
    dsv.record_save(actor=agency, duty=duty, summary=summary, opinions=[])
    for a in accepted:
        a.refresh_from_db()
        dsv.record_confirm(actor=agency, assignment=a, via="paper")
    dsv.duty_report(actor=agency, duty=duty, on=duty.duty_on)


def _past_duty(
    world: Any,
    programme: Programme,
    *,
    days: int,
    title: str,
    requester: str,
    admin: str,
    values: tuple[str, str],
    want: Supervisor | None = None,
    **kw: Any,
) -> Duty:
    duty = duties_demo._request(world, programme, requester=requester, days=days, title=title, **kw)
    # `want`: the demo supervisor, so the phone view has paid and approved allowances to show.
    duties_demo._draw(world, duty, values, admin=admin, want=want)
    duties_demo._answer_all(world, duty, admin=admin)
    _hold(world, duty, requester, "活动按程序进行，监督员现场签字确认反馈表。")
    return duty


def _pool_size(programme: Programme) -> int:
    """How many the draw can call on now (trained, active, no recusal): the duties demo's past duty's pool."""
    from jiandu.duties.pool import pool_build

    duty = Duty.objects.filter(programme=programme).order_by("duty_on").first()
    return max(len(pool_build(duty)["candidates"]), 1) if duty else 3


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _receipt(label: str) -> Any:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (250, 250, 245)).save(out, "PNG")
    return image_reencode(SimpleUploadedFile(f"{label}.png", out.getvalue(), content_type="image/png"))


def build(world: Any) -> None:
    programmes = world.extra.get("programmes", {})
    weihai: Programme | None = programmes.get("weihai_people")
    if weihai is None or "weihai_admin" not in world.users or "weihai_procurator" not in world.users:
        return
    admin = world.users["weihai_admin"]
    finance = _account(
        world, "weihai_finance", Role.PROGRAMME_ADMIN, "weihai_justice", "赵敏（威海市司法局计财科）"
    )
    _shanxi(world, programmes.get("shanxi"))
    if Sheet.objects.filter(programme=weihai).exists():
        return
    _rates(admin, weihai, WEIHAI_RATES, DEMO_SOURCE, DEMO_NUMBER)
    today = timezone.localdate()
    liu = Supervisor.objects.filter(user=world.users.get("weihai_supervisor"), programme=weihai).first()
    common: dict[str, Any] = {"kind": "hearing", "place": "威海市人民检察院听证室", "want": liu}
    # Two all-hands sessions (集中旁听庭审), so the demo supervisor — kept out of the duties demo's
    # past draws — has paid and approved allowances on the phone: the balance rule (第十一条) would put
    # them behind everyone never yet asked in a small draw.
    everyone = _pool_size(weihai)
    older = _past_duty(world, weihai, days=-100, title="全体人民监督员集中旁听庭审（刘某某盗窃案）", requester="weihai_procurator",
                       admin="weihai_admin", values=("1101", "2202"), supervisors_needed=everyone, **common)  # fmt: skip
    middle = _past_duty(world, weihai, days=-70, title="全体人民监督员集中旁听庭审（羁押必要性审查）", requester="weihai_procurator",
                        admin="weihai_admin", values=("3303", "4404"), supervisors_needed=everyone, **common)  # fmt: skip
    reported = Duty.objects.filter(programme=weihai, reported_on__isnull=False).exclude(
        pk__in=[older.pk, middle.pk]
    )
    recent = reported.order_by("-duty_on").first()

    # Paid: the oldest month.
    paid = money.sheet_generate(
        actor=admin, programme=weihai, year=older.duty_on.year, month=older.duty_on.month
    )
    money.sheet_prepare(actor=admin, sheet=paid)
    money.sheet_approve(actor=finance, sheet=paid)
    money.sheet_pay(actor=finance, sheet=paid, paid_on=today, reference="威海市司法局国库集中支付 演示-0001")
    # Approved, not yet paid.
    if _month(middle.duty_on) != _month(older.duty_on):
        approved = money.sheet_generate(
            actor=admin, programme=weihai, year=middle.duty_on.year, month=middle.duty_on.month
        )
        money.sheet_prepare(actor=admin, sheet=approved)
        money.sheet_approve(actor=finance, sheet=approved)
    # Prepared, waiting for the second person; the current month's draft shows what is still 待核实.
    if recent is not None and _month(recent.duty_on) not in (_month(older.duty_on), _month(middle.duty_on)):
        pending = money.sheet_generate(
            actor=admin, programme=weihai, year=recent.duty_on.year, month=recent.duty_on.month
        )
        if pending.lines.exists():
            money.sheet_prepare(actor=admin, sheet=pending)
    if not Sheet.objects.filter(programme=weihai, period_start=today.replace(day=1)).exists():
        money.sheet_generate(actor=admin, programme=weihai, year=today.year, month=today.month)

    _claims(world, weihai, admin, finance, older, today)
    money.plan_submit(
        actor=world.users["weihai_procurator"],
        programme=weihai,
        year=today.year + 1,
        items=[PlanItem("hearing", 24, 3), PlanItem("review_meeting", 4, 2), PlanItem("training", 2, 0)],
        note="2027年度人民监督员监督办案活动计划（演示）",
    )


def _claims(world: Any, programme: Programme, admin: Any, finance: Any, duty: Duty, today: dt.date) -> None:
    user = world.users.get("weihai_supervisor")
    if user is None or not Supervisor.objects.filter(user=user, programme=programme).exists():
        return
    if ExpenseClaim.objects.filter(programme=programme).exists():
        return

    def submit(purpose: str, description: str, on: dt.date, *lines: money.ClaimLineData) -> ExpenseClaim:
        return money.claim_submit(
            actor=user,
            purpose=purpose,
            description=description,
            occurred_on=on,
            bank_name="中国工商银行威海分行",
            bank_account="6222020200112233445",
            lines=list(lines),
            receipts=[_receipt(description)],
        )

    L = money.ClaimLineData
    early = today - dt.timedelta(days=40)
    paid = submit(
        "training", "参加市司法局任期培训", early, L("travel", Decimal("64.00")), L("meal", Decimal("45.00"))
    )
    money.claim_approve(actor=admin, claim=paid)
    sheet = money.reimbursement_sheet_generate(
        actor=admin, programme=programme, year=early.year, month=early.month
    )
    money.sheet_prepare(actor=admin, sheet=sheet)
    money.sheet_approve(actor=finance, sheet=sheet)
    money.sheet_pay(actor=finance, sheet=sheet, paid_on=today, reference="报销 演示-0002")
    approved = submit(
        "meeting", "参加全市人民监督员工作会议", today - dt.timedelta(days=12), L("travel", Decimal("88.00"))
    )
    money.claim_approve(actor=admin, claim=approved)
    second = submit(
        "duty",
        "赴荣成参加公开听证",
        today - dt.timedelta(days=6),
        L("travel", Decimal("96.50")),
        L("lodging", Decimal("420.00"), 1, "听证次日上午继续，当地协议酒店已满"),
    )
    money.claim_approve(actor=admin, claim=second)  # over the limit: waits for a second approver
    submit(
        "training",
        "参加市司法局集中业务培训（午餐）",
        today - dt.timedelta(days=2),
        L("meal", Decimal("30.00")),
    )


def _shanxi(world: Any, programme: Programme | None) -> None:
    """A prison duty at 太原第一监狱, held and confirmed, and a 履职证明 for one who attended."""
    if programme is None or "shanxi_admin" not in world.users or "taiyuan_prison_staff" not in world.users:
        return
    admin = world.users["shanxi_admin"]
    _rates(
        admin,
        programme,
        SHANXI_RATES,
        "《山西省财政厅关于省直机关行政性经费支出有关问题解释的通知》（限额为演示数据）",
        "晋财行〔2020〕25号",
    )
    if ServiceProof.objects.filter(supervisor__programme=programme).exists():
        return
    # The supervisor who can sign in (shanxi_supervisor) attends, so the phone shows the proof.
    own = Supervisor.objects.filter(user=world.users.get("shanxi_supervisor"), programme=programme).first()
    duty = Duty.objects.filter(programme=programme, reported_on__isnull=False).order_by("-duty_on").first()
    if duty is None:
        duty = _past_duty(
            world,
            programme,
            days=-30,
            title="第三季度减刑假释案件评审会",
            requester="taiyuan_prison_staff",
            admin="shanxi_admin",
            values=("5150", "6160"),
            kind="review_meeting",
            # Every serving supervisor is asked (an all-hands review meeting): the demo supervisor may
            # already have upcoming invitations, which the balance rule would otherwise put behind the rest.
            supervisors_needed=_pool_size(programme),
            place="山西省太原第一监狱",
            want=own,
        )
    present = duty.assignments.filter(status=AssignmentStatus.ATTENDED).select_related("supervisor")
    attended = present.filter(supervisor=own).first() or present.first()
    if attended is None:
        return
    today = timezone.localdate()
    money.proof_issue(
        actor=admin,
        supervisor=attended.supervisor,
        period_start=today.replace(month=1, day=1),
        period_end=today,
    )
