"""Writes for money and proof. Each is one transaction with one audit event; refusals of permission are
audited (`deny`), refusals of substance raise ValidationError with a Chinese message citing the
programme's rulebook. Bank account numbers never enter an audit event, only their mask."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.allowances import bulk
from jiandu.allowances.models import (
    ActivityPlan,
    ClaimLine,
    ClaimPurpose,
    ClaimReceipt,
    ClaimStatus,
    ExpenseClaim,
    Item,
    Rate,
    ServiceProof,
    Sheet,
    SheetKind,
    SheetLine,
    SheetStatus,
    Unit,
    on_a_sheet,
)
from jiandu.audit.services import audit_record
from jiandu.core.permissions import capability_require, deny
from jiandu.core.personal import mask_for
from jiandu.core.untrusted import CleanUpload
from jiandu.duties.models import Assignment, AssignmentStatus
from jiandu.roster.models import Programme, Supervisor
from jiandu.roster.rules import cited, rulebook_for
from jiandu.rules import allowances as law
from jiandu.rules.decision import REFUSED, Decision

# --- helpers ---------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _refusal(decision: Decision, title: str) -> str:
    parts = []
    for r in decision.reasons:
        where = f"（《{title}》{r.article}）" if r.article else f"（《{title}》）"
        parts.append(r.message + where)
    return "；".join(parts)


def _require_staff(actor: Any, programme: Programme, action: str, target: Any = None) -> None:
    capability_require(actor, Capability.MANAGE_PROGRAMMES, action=action, target=target or programme)
    scope = getattr(actor, "organisation", None)
    if scope is None or not programme.organisation.is_within(scope):
        raise deny(
            actor, action=action, reason=gettext("不是本单位主管的监督项目"), target=target or programme
        )


def _own_supervisor(actor: Any, action: str) -> Supervisor:
    capability_require(actor, Capability.ACT_AS_SUPERVISOR, action=action)
    supervisor = Supervisor.objects.select_related("programme__organisation").filter(user=actor).first()
    if supervisor is None:
        raise deny(actor, action=action, reason=gettext("该账号未关联监督员"))
    return supervisor


def rate_entries(programme: Programme) -> list[law.RateEntry]:
    return [
        law.RateEntry(r.item, r.amount, r.valid_from, r.valid_to, r.source, r.pk)
        for r in Rate.objects.filter(programme=programme)
    ]


def _rate_dict(r: Rate) -> dict[str, Any]:
    return {
        "id": r.pk,
        "item": r.item,
        "unit": r.unit,
        "amount": str(r.amount),
        "valid_from": r.valid_from.isoformat(),
        "valid_to": r.valid_to.isoformat() if r.valid_to else None,
        "source_name": r.source_name,
        "source_number": r.source_number,
        "source_effective_from": r.source_effective_from.isoformat(),
    }


def _amount(value: Any, label: str) -> Decimal:
    try:
        amount = law.money(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError(gettext("{label}不是有效的金额").format(label=label)) from exc
    if amount < 0:
        raise ValidationError(gettext("{label}不能为负数").format(label=label))
    return amount


# --- rates -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateData:
    item: str
    unit: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source_name: str
    source_number: str
    source_effective_from: dt.date


def rate_create(*, actor: Any, programme: Programme, data: RateData) -> Rate:
    """Record a dated rate from a finance document. A rulebook that says unpaid refuses a duty rate."""
    _require_staff(actor, programme, "allowances.rate_create")
    if data.item not in Item.values or data.unit not in Unit.values:
        raise ValidationError(gettext("项目或计发单位无效"))
    amount = _amount(data.amount, gettext("金额"))
    if amount <= 0:
        raise ValidationError(gettext("金额须大于零"))
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise ValidationError(gettext("执行截止日不能早于起始日"))
    if not data.source_name.strip() or not data.source_number.strip():
        raise ValidationError(gettext("请填写依据文件名称和文号"))
    rb = rulebook_for(programme)
    decision = law.rate_permitted(rb, data.item, data.valid_from)
    if decision.outcome == REFUSED:
        raise ValidationError(_refusal(decision, rb.title))
    new = law.RateEntry(data.item, amount, data.valid_from, data.valid_to)
    with transaction.atomic():
        # Serialise rate changes per programme so two overlapping brackets cannot both pass the check.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        clash = law.rate_overlap(rate_entries(programme), new)
        if clash is not None:
            raise ValidationError(
                gettext(
                    "与已有标准（{valid_from:%Y-%m-%d}起，{amount}元）的执行期间重叠；请先为原标准设定截止日"
                ).format(valid_from=clash.valid_from, amount=clash.amount)
            )
        rate = Rate(
            programme=programme,
            item=data.item,
            unit=data.unit,
            amount=amount,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            source_name=data.source_name.strip(),
            source_number=data.source_number.strip(),
            source_effective_from=data.source_effective_from,
            decision=decision.to_dict(),
            created_by=actor,
        )
        rate.full_clean()
        rate.save()
        audit_record(actor=actor, action="allowances.rate_create", target=rate, after=_rate_dict(rate))
    return rate


def rate_close(*, actor: Any, rate: Rate, valid_to: dt.date) -> Rate:
    """Give an open bracket its last day (a new finance document replaces it)."""
    _require_staff(actor, rate.programme, "allowances.rate_close", rate)
    with transaction.atomic():
        rate = Rate.objects.select_for_update().get(pk=rate.pk)
        if valid_to < rate.valid_from:
            raise ValidationError(gettext("执行截止日不能早于起始日"))
        later = Sheet.objects.filter(programme=rate.programme, period_end__gt=valid_to).exclude(
            status=SheetStatus.DRAFT
        )
        if any(r.get("id") == rate.pk for rates in later.values_list("rates", flat=True) for r in rates):
            raise ValidationError(gettext("该标准已用于此日期之后的已制表发放表，不能提前截止"))
        before = _rate_dict(rate)
        rate.valid_to = valid_to
        rate.save(update_fields=["valid_to"])
        audit_record(
            actor=actor, action="allowances.rate_close", target=rate, before=before, after=_rate_dict(rate)
        )
    return rate


# --- allowance sheets (第四十二条) -------------------------------------------------------------------


PERIOD_MONTHS = (1, 3)  # 月度 or 季度: the period a programme draws its sheets up for


def month_bounds(year: int, month: int, months: int = 1) -> tuple[dt.date, dt.date]:
    """The first and last day of a period of `months` months starting with `month` (a quarter starts in
    January, April, July or October)."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100) or months not in PERIOD_MONTHS:
        raise ValidationError(gettext("年月无效"))
    if months == 3 and month % 3 != 1:
        raise ValidationError(gettext("季度应从1月、4月、7月或10月开始"))
    start = dt.date(year, month, 1)
    last = month + months - 1
    nxt = dt.date(year + (last == 12), last % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def _sheet_number(kind: str, programme: Programme, start: dt.date) -> str:
    prefix = {"allowance": "BZ", "reimbursement": "BX", "adjustment": "TZ"}[kind]
    base = f"{prefix}{programme.pk}-{start:%Y%m}"
    n = Sheet.objects.filter(number__startswith=base).count()
    return base if n == 0 else f"{base}-{n + 1}"


def _lock_sheet(sheet: Sheet) -> Sheet:
    return (
        Sheet.objects.select_for_update(of=("self",))
        .select_related("programme__organisation")
        .get(pk=sheet.pk)
    )


def _require_status(sheet: Sheet, *allowed: str) -> None:
    if sheet.status not in allowed:
        labels = "、".join(SheetStatus(s).label for s in allowed)
        raise ValidationError(
            gettext("发放表当前状态为“{get_status_display}”，此操作仅适用于：{labels}").format(
                get_status_display=sheet.get_status_display(), labels=labels
            )
        )


def _sheet_state(sheet: Sheet) -> dict[str, Any]:
    return {"status": sheet.status, "total": str(sheet.total), "number": sheet.number}


def _open_draft(programme: Programme, kind: str, start: dt.date, end: dt.date) -> Sheet | None:
    """The period's sheet of this kind; refuses when it is already past draft."""
    existing = Sheet.objects.filter(
        programme=programme, kind=kind, period_start=start, period_end=end
    ).first()
    if existing is not None and existing.status != SheetStatus.DRAFT:
        raise ValidationError(
            gettext("{start:%Y年%m月}的{get_kind_display}已制表（{number}），不能重新生成").format(
                start=start, get_kind_display=existing.get_kind_display(), number=existing.number
            )
        )
    return existing


def _hash_joins_only() -> str | None:
    """No nested-loop joins until `_joins_restore` (PostgreSQL only; returns the setting it replaced).
    The sheet reads every attended duty of the programme up to the month's end, for which hash joins
    are right at any size; but on tables not yet ANALYZEd (a month's duties loaded in bulk, autovacuum
    behind or off) the planner guesses a few dozen rows and joins duties to assignments by a nested
    loop that compares every pair: 60,000 duties took 264 s instead of 1 s (docs/allowances.md,
    "Performance"). SET LOCAL: a rollback undoes it too."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('enable_nestloop')")
        (old,) = cur.fetchone()
        cur.execute("SET LOCAL enable_nestloop = off")
    return str(old)


def _joins_restore(old: str | None) -> None:
    """Once the read is done (its plan was fixed when its cursor opened), the rest of the caller's
    transaction plans as before."""
    if old is not None:
        with connection.cursor() as cur:
            cur.execute("SELECT set_config('enable_nestloop', %s, true)", [old])


# Lines are written in batches of this many while the duties stream in (bounded memory at any size).
LINE_BATCH = 2000


def sheet_generate(*, actor: Any, programme: Programme, year: int, month: int, months: int = 1) -> Sheet:
    """The month's 履职补助发放表: one line per supervisor from every attended duty up to the month's end
    whose record the supervisor confirmed and whose agency feedback is in, and not yet on a sheet.
    Duties missing either are listed as 待核实 with what is missing. Regenerating a draft replaces it.

    Streamed: one read of the attended duties in supervisor order (a server-side cursor on PostgreSQL),
    each supervisor's line written as soon as the next supervisor starts, in batches of LINE_BATCH;
    only the counted (line, assignment) pairs are kept, as two integer arrays, and written after the
    read, so the read never sees its own writes (SQLite has no isolation inside a connection)."""
    _require_staff(actor, programme, "allowances.sheet_generate")
    start, end = month_bounds(year, month, months)
    rb = rulebook_for(programme)
    decision = law.rate_permitted(rb, law.DUTY, end)
    if decision.outcome == REFUSED:
        raise ValidationError(_refusal(decision, rb.title))
    evidence = law.evidence_required(rb, end)
    entries = rate_entries(programme)
    rates_by_id = {r.pk: r for r in Rate.objects.filter(programme=programme, item=Item.DUTY)}
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        sheet = _open_draft(programme, SheetKind.ALLOWANCE, start, end)
        if sheet is not None:
            bulk.draft_clear(sheet.pk)
        else:
            # Created first so lines can be written while reading; the figures are set at the end.
            sheet = Sheet.objects.create(
                programme=programme,
                kind=SheetKind.ALLOWANCE,
                number=_sheet_number(SheetKind.ALLOWANCE, programme, start),
                period_start=start,
                period_end=end,
                generated_by=actor,
                generated_at=_now(),
            )
        joins = _hash_joins_only()
        rows = (
            Assignment.objects.filter(
                duty__programme=programme, status=AssignmentStatus.ATTENDED, duty__duty_on__lte=end
            )
            .filter(~on_a_sheet())
            .annotate(
                confirmed=ExpressionWrapper(Q(confirmed_at__isnull=False), output_field=BooleanField()),
                feedback_in=ExpressionWrapper(
                    Q(duty__reported_on__isnull=False), output_field=BooleanField()
                ),
            )
            .order_by("supervisor_id", "duty__duty_on", "duty_id")
            .values_list(
                "pk",
                "supervisor_id",
                "supervisor__full_name",
                "duty_id",
                "duty__duty_on",
                "duty__title",
                "confirmed",
                "feedback_in",
            )
        )
        pending: list[dict[str, Any]] = []
        used: set[int] = set()
        # What is missing, by (confirmed, feedback in); the rate and one duty's amount, by date.
        missing_for: dict[tuple[bool, bool], list[str]] = {}
        rate_on: dict[dt.date, tuple[law.RateEntry, Decimal] | None] = {}
        batch: list[bulk.NewLine] = []
        batch_assignments: list[list[int]] = []
        counted_lines, counted_assignments = array("q"), array("q")
        n_lines, grand = 0, Decimal("0")

        def flush() -> None:
            for line_id, assignments in zip(bulk.lines_insert(batch), batch_assignments, strict=True):
                counted_lines.extend([line_id] * len(assignments))
                counted_assignments.extend(assignments)
            batch.clear()
            batch_assignments.clear()

        def close(
            sup_id: int,
            name: str,
            duties: list[dict[str, Any]],
            assignments: list[int],
            amounts: list[Decimal],
        ) -> None:
            nonlocal n_lines, grand
            n_lines += 1
            amount = law.total(amounts)
            grand += amount
            dates = "、".join(d["date"][5:] for d in duties)[:500]
            batch.append(
                bulk.NewLine(sheet.pk, n_lines, sup_id, name, Decimal(len(duties)), dates, duties, amount)
            )
            batch_assignments.append(assignments)
            if len(batch) >= LINE_BATCH:
                flush()

        current: int | None = None
        name, duties, assignments, amounts = "", list[dict[str, Any]](), list[int](), list[Decimal]()
        for pk, sup_id, full_name, duty_id, duty_on, title, confirmed, feedback_in in rows.iterator(
            chunk_size=5000
        ):
            missing_msgs = missing_for.get((confirmed, feedback_in))
            if missing_msgs is None:
                missing = law.duty_missing(evidence, confirmed=confirmed, feedback_in=feedback_in)
                missing_msgs = [r.message + (f"（{r.article}）" if r.article else "") for r in missing]
                missing_for[confirmed, feedback_in] = missing_msgs
            if duty_on not in rate_on:
                found = law.rate_in_force(entries, law.DUTY, duty_on)
                rate_on[duty_on] = None if found is None else (found, law.line_amount(found, 1))
            rate = rate_on[duty_on]
            item = {"duty": duty_id, "date": duty_on.isoformat(), "title": title}
            if rate is None and not missing_msgs:
                missing_msgs = [gettext("该日期没有登记的履职补助标准")]
            if missing_msgs:
                pending.append(
                    {**item, "supervisor": sup_id, "full_name": full_name, "missing": list(missing_msgs)}
                )
                continue
            assert rate is not None and rate[0].key is not None
            used.add(rate[0].key)
            if sup_id != current:
                if current is not None:
                    close(current, name, duties, assignments, amounts)
                current, name, duties, assignments, amounts = sup_id, full_name, [], [], []
            duties.append(item)
            assignments.append(pk)
            amounts.append(rate[1])
        if current is not None:
            close(current, name, duties, assignments, amounts)
        _joins_restore(joins)
        flush()
        # After the read, in batches: the read never sees its own writes (SQLite has no isolation
        # between statements of one connection).
        for i in range(0, len(counted_lines), 10_000):
            bulk.counted_insert(counted_lines[i : i + 10_000], counted_assignments[i : i + 10_000])
        sheet.total = law.total([grand])
        sheet.rates = [_rate_dict(rates_by_id[k]) for k in sorted(used)]
        sheet.pending = pending
        sheet.decision = decision.to_dict()
        sheet.generated_by = actor
        sheet.generated_at = _now()
        sheet.save()
        audit_record(
            actor=actor,
            action="allowances.sheet_generate",
            target=sheet,
            after={
                **_sheet_state(sheet),
                "lines": n_lines,
                "duties": len(counted_assignments),
                "pending": len(pending),
            },
        )
    return sheet


def sheet_prepare(*, actor: Any, sheet: Sheet) -> Sheet:
    """制表: the preparer signs the draft and sends it for approval by someone else."""
    _require_staff(actor, sheet.programme, "allowances.sheet_prepare", sheet)
    with transaction.atomic():
        sheet = _lock_sheet(sheet)
        _require_status(sheet, SheetStatus.DRAFT)
        if not sheet.lines.exists():
            raise ValidationError(gettext("发放表没有可发放的明细"))
        before = _sheet_state(sheet)
        sheet.status, sheet.prepared_by, sheet.prepared_at = SheetStatus.PREPARED, actor, _now()
        sheet.save(update_fields=["status", "prepared_by", "prepared_at"])
        audit_record(
            actor=actor,
            action="allowances.sheet_prepare",
            target=sheet,
            before=before,
            after=_sheet_state(sheet),
        )
    return sheet


def sheet_approve(*, actor: Any, sheet: Sheet) -> Sheet:
    """审核 by a second person: the preparer can never approve their own sheet. From here it is frozen."""
    _require_staff(actor, sheet.programme, "allowances.sheet_approve", sheet)
    # Checked before the transaction too, so the audited refusal is not rolled back with it.
    if Sheet.objects.filter(pk=sheet.pk, prepared_by=actor).exists():
        raise deny(
            actor,
            action="allowances.sheet_approve",
            reason=gettext("制表人不能审核本人制作的发放表"),
            target=sheet,
        )
    with transaction.atomic():
        sheet = _lock_sheet(sheet)
        _require_status(sheet, SheetStatus.PREPARED)
        if sheet.prepared_by_id == actor.pk:
            raise deny(
                actor,
                action="allowances.sheet_approve",
                reason=gettext("制表人不能审核本人制作的发放表"),
                target=sheet,
            )
        before = _sheet_state(sheet)
        sheet.status, sheet.approved_by, sheet.approved_at = SheetStatus.APPROVED, actor, _now()
        sheet.save(update_fields=["status", "approved_by", "approved_at"])
        if sheet.kind == SheetKind.REIMBURSEMENT:
            ExpenseClaim.objects.filter(sheet_lines__sheet=sheet).update(status=ClaimStatus.ON_SHEET)
        audit_record(
            actor=actor,
            action="allowances.sheet_approve",
            target=sheet,
            before=before,
            after=_sheet_state(sheet),
        )
    return sheet


def sheet_pay(*, actor: Any, sheet: Sheet, paid_on: dt.date, reference: str) -> Sheet:
    _require_staff(actor, sheet.programme, "allowances.sheet_pay", sheet)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(gettext("请填写支付凭证号"))
    if paid_on > timezone.localdate():
        raise ValidationError(gettext("发放日期不能晚于今天"))
    with transaction.atomic():
        sheet = _lock_sheet(sheet)
        _require_status(sheet, SheetStatus.APPROVED)
        if sheet.approved_at and paid_on < timezone.localtime(sheet.approved_at).date():
            raise ValidationError(gettext("发放日期不能早于审核日期"))
        before = _sheet_state(sheet)
        sheet.status, sheet.paid_on, sheet.payment_reference = SheetStatus.PAID, paid_on, reference[:80]
        sheet.save(update_fields=["status", "paid_on", "payment_reference"])
        if sheet.kind == SheetKind.REIMBURSEMENT:
            ExpenseClaim.objects.filter(sheet_lines__sheet=sheet).update(status=ClaimStatus.PAID)
        audit_record(
            actor=actor,
            action="allowances.sheet_pay",
            target=sheet,
            before=before,
            after={
                **_sheet_state(sheet),
                "paid_on": paid_on.isoformat(),
                "reference": sheet.payment_reference,
            },
        )
    return sheet


def sheet_adjust(*, actor: Any, line: SheetLine, amount: Any, reason: str) -> Sheet:
    """A correction to an approved sheet: a new adjusting line (补发 positive, 扣回 negative) on the
    programme's open adjustment sheet for the line's period, which goes through prepare/approve/pay."""
    original = Sheet.objects.select_related("programme__organisation").get(pk=line.sheet_id)
    _require_staff(actor, original.programme, "allowances.sheet_adjust", original)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("请填写调整原因"))
    try:
        value = law.money(str(amount).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError(gettext("调整金额不是有效的金额")) from exc
    if value == 0:
        raise ValidationError(gettext("调整金额不能为零"))
    if not original.frozen:
        raise ValidationError(gettext("未审核的发放表直接重新生成即可，无需调整"))
    if line.amount + value + sum(a.amount for a in line.adjustments.all()) < 0:
        raise ValidationError(gettext("扣回金额超过该行已发金额"))
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=original.programme_id).first()
        sheet = Sheet.objects.filter(
            programme=original.programme,
            kind=SheetKind.ADJUSTMENT,
            status=SheetStatus.DRAFT,
            period_start=original.period_start,
            period_end=original.period_end,
        ).first()
        if sheet is None:
            sheet = Sheet.objects.create(
                programme=original.programme,
                kind=SheetKind.ADJUSTMENT,
                number=_sheet_number(SheetKind.ADJUSTMENT, original.programme, original.period_start),
                period_start=original.period_start,
                period_end=original.period_end,
                rates=original.rates,
                generated_by=actor,
                generated_at=_now(),
            )
        position = (sheet.lines.aggregate(m=Max("position"))["m"] or 0) + 1
        SheetLine.objects.create(
            sheet=sheet,
            position=position,
            supervisor=line.supervisor,
            full_name=line.full_name,
            units=Decimal(0),
            dates=line.dates,
            duties=line.duties,
            amount=value,
            adjusts=line,
            note=gettext("调整{number}第{position}行：{reason}").format(
                number=original.number, position=line.position, reason=reason
            )[:255],
        )
        sheet.total = law.total(sheet.lines.values_list("amount", flat=True))
        sheet.save(update_fields=["total"])
        audit_record(
            actor=actor,
            action="allowances.sheet_adjust",
            target=sheet,
            after={"adjusts": line.pk, "sheet": original.number, "amount": str(value), "reason": reason},
        )
    return sheet


def sheet_export_record(*, actor: Any, sheet: Sheet, fmt: str, total: Decimal) -> None:
    """Exports leave a trace: who took the payment list out, in which format, with which total."""
    _require_staff(actor, sheet.programme, "allowances.sheet_export", sheet)
    audit_record(
        actor=actor,
        action="allowances.sheet_export",
        target=sheet,
        after={"format": fmt, "total": str(total)},
    )


# --- expense claims (第四十三条; 山西 第十五条) ---------------------------------------------------------


@dataclass(frozen=True)
class ClaimLineData:
    item: str
    amount: Any
    quantity: Any = 1
    reason: str = ""


def _bank_account(value: str) -> str:
    digits = "".join(ch for ch in (value or "") if not ch.isspace())
    if not digits.isdigit() or not 12 <= len(digits) <= 30:
        raise ValidationError(gettext("银行账号应为12至30位数字"))
    return digits


def claim_submit(
    *,
    actor: Any,
    purpose: str,
    description: str,
    occurred_on: dt.date,
    bank_name: str,
    bank_account: str,
    lines: Sequence[ClaimLineData],
    receipts: Sequence[CleanUpload],
    duty_id: int | None = None,
) -> ExpenseClaim:
    """A supervisor's claim from the phone. Each line is checked against the limit in force on the day;
    a line over it needs a reason (and later a second approver)."""
    supervisor = _own_supervisor(actor, "allowances.claim_submit")
    programme = supervisor.programme
    rb = rulebook_for(programme)
    permitted = law.rate_permitted(rb, law.TRAVEL, occurred_on)
    if permitted.outcome == REFUSED:
        raise ValidationError(_refusal(permitted, rb.title))
    if purpose not in ClaimPurpose.values:
        raise ValidationError(gettext("事由类型无效"))
    description = (description or "").strip()
    if not description:
        raise ValidationError(gettext("请填写事由"))
    if occurred_on > timezone.localdate():
        raise ValidationError(gettext("发生日期不能晚于今天"))
    if not (bank_name or "").strip():
        raise ValidationError(gettext("请填写开户行"))
    account = _bank_account(bank_account)
    if not lines:
        raise ValidationError(gettext("请至少填写一项费用"))
    if not receipts:
        raise ValidationError(gettext("请上传票据照片"))
    duty = None
    if duty_id is not None:
        duty = (
            Assignment.objects.filter(
                supervisor=supervisor, duty_id=duty_id, status=AssignmentStatus.ATTENDED
            )
            .values_list("duty_id", flat=True)
            .first()
        )
        if duty is None:
            raise ValidationError(gettext("只能为本人出席的监督活动报销"))
    entries = rate_entries(programme)
    checked: list[tuple[ClaimLineData, law.LimitCheck]] = []
    for n, ln in enumerate(lines, start=1):
        if ln.item not in law.EXPENSE_ITEMS:
            raise ValidationError(gettext("第{n}项：费用项目无效").format(n=n))
        amount = _amount(ln.amount, gettext("第{n}项金额").format(n=n))
        if amount <= 0:
            raise ValidationError(gettext("第{n}项金额须大于零").format(n=n))
        try:
            quantity = Decimal(str(ln.quantity))
        except InvalidOperation as exc:
            raise ValidationError(gettext("第{n}项数量无效").format(n=n)) from exc
        if quantity <= 0 or quantity > 60:
            raise ValidationError(gettext("第{n}项数量应在1至60之间").format(n=n))
        check = law.expense_check(entries, item=ln.item, amount=amount, quantity=quantity, on=occurred_on)
        if check.over and not ln.reason.strip():
            raise ValidationError(
                gettext("第{n}项超过报销标准（限额{limit}元），请说明理由").format(n=n, limit=check.limit)
            )
        checked.append((ln, check))
    reasons = [law.expense_reason(rb, c, occurred_on).to_dict() for _, c in checked]
    with transaction.atomic():
        claim = ExpenseClaim(
            programme=programme,
            supervisor=supervisor,
            purpose=purpose,
            duty_id=duty,
            description=description[:200],
            occurred_on=occurred_on,
            bank_name=bank_name.strip()[:80],
            bank_account=account,
            total=law.total(c.amount for _, c in checked),
            over_limit=any(c.over for _, c in checked),
            decision={"rulebook": rb.id, "rulebook_version": rb.version, "reasons": reasons},
            submitted_at=_now(),
        )
        claim.full_clean()
        claim.save()
        ClaimLine.objects.bulk_create(
            [
                ClaimLine(
                    claim=claim,
                    item=ln.item,
                    quantity=c.quantity,
                    amount=c.amount,
                    limit=c.limit,
                    over_limit=c.over,
                    reason=ln.reason.strip()[:255] if c.over else "",
                )
                for ln, c in checked
            ]
        )
        for f in receipts:
            ClaimReceipt.objects.create(
                claim=claim,
                token=f.token,
                extension=f.extension,
                file=f.content,
                content_type=f.content_type,
                size=f.size,
            )
        audit_record(
            actor=actor,
            action="allowances.claim_submit",
            target=claim,
            after={
                "total": str(claim.total),
                "lines": len(checked),
                "over_limit": claim.over_limit,
                "receipts": len(receipts),
                "bank_account": mask_for("bank_account", account),
            },
        )
    return claim


def _lock_claim(claim: ExpenseClaim) -> ExpenseClaim:
    return (
        ExpenseClaim.objects.select_for_update(of=("self",))
        .select_related("programme__organisation")
        .get(pk=claim.pk)
    )


def claim_approve(*, actor: Any, claim: ExpenseClaim) -> ExpenseClaim:
    """First check; a claim with an over-limit line then needs a second, different approver."""
    _require_staff(actor, claim.programme, "allowances.claim_approve", claim)
    if ExpenseClaim.objects.filter(pk=claim.pk, status=ClaimStatus.SECOND, checked_by=actor).exists():
        raise deny(
            actor,
            action="allowances.claim_approve",
            reason=gettext("超标准的报销须由另一人复审"),
            target=claim,
        )
    with transaction.atomic():
        claim = _lock_claim(claim)
        before = {"status": claim.status}
        if claim.status == ClaimStatus.SUBMITTED:
            claim.checked_by, claim.checked_at = actor, _now()
            claim.status = ClaimStatus.SECOND if claim.over_limit else ClaimStatus.APPROVED
        elif claim.status == ClaimStatus.SECOND:
            if claim.checked_by_id == actor.pk:
                raise deny(
                    actor,
                    action="allowances.claim_approve",
                    reason=gettext("超标准的报销须由另一人复审"),
                    target=claim,
                )
            claim.second_by, claim.second_at, claim.status = actor, _now(), ClaimStatus.APPROVED
        else:
            raise ValidationError(
                gettext("报销申请当前状态为“{get_status_display}”，不能审核").format(
                    get_status_display=claim.get_status_display()
                )
            )
        claim.save(update_fields=["status", "checked_by", "checked_at", "second_by", "second_at"])
        audit_record(
            actor=actor,
            action="allowances.claim_approve",
            target=claim,
            before=before,
            after={"status": claim.status},
        )
    return claim


def claim_return(*, actor: Any, claim: ExpenseClaim, reason: str) -> ExpenseClaim:
    _require_staff(actor, claim.programme, "allowances.claim_return", claim)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("请填写退回理由"))
    with transaction.atomic():
        claim = _lock_claim(claim)
        if claim.status not in (ClaimStatus.SUBMITTED, ClaimStatus.SECOND):
            raise ValidationError(
                gettext("报销申请当前状态为“{get_status_display}”，不能退回").format(
                    get_status_display=claim.get_status_display()
                )
            )
        before = {"status": claim.status}
        claim.status, claim.return_reason = ClaimStatus.RETURNED, reason[:255]
        claim.save(update_fields=["status", "return_reason"])
        audit_record(
            actor=actor,
            action="allowances.claim_return",
            target=claim,
            before=before,
            after={"status": claim.status, "reason": reason},
        )
    return claim


def reimbursement_sheet_generate(
    *, actor: Any, programme: Programme, year: int, month: int, months: int = 1
) -> Sheet:
    """The month's reimbursement sheet: every approved claim up to the month's end not yet on a sheet."""
    _require_staff(actor, programme, "allowances.reimbursement_generate")
    start, end = month_bounds(year, month, months)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        sheet = _open_draft(programme, SheetKind.REIMBURSEMENT, start, end)
        if sheet is not None:
            SheetLine.objects.filter(sheet=sheet).delete()
        claims = list(
            ExpenseClaim.objects.filter(
                programme=programme, status=ClaimStatus.APPROVED, occurred_on__lte=end
            )
            # On no other sheet, draft or not: a claim is reimbursed once (this draft's lines are gone).
            .exclude(sheet_lines__isnull=False)
            .select_related("supervisor")
            .order_by("occurred_on", "id")
        )
        fields = {
            "total": law.total(c.total for c in claims),
            "rates": [
                _rate_dict(r) for r in Rate.objects.filter(programme=programme).exclude(item=Item.DUTY)
            ],
            "decision": {},
            "generated_by": actor,
            "generated_at": _now(),
        }
        if sheet is None:
            sheet = Sheet.objects.create(
                programme=programme,
                kind=SheetKind.REIMBURSEMENT,
                number=_sheet_number(SheetKind.REIMBURSEMENT, programme, start),
                period_start=start,
                period_end=end,
                **fields,
            )
        else:
            for k, v in fields.items():
                setattr(sheet, k, v)
            sheet.save()
        SheetLine.objects.bulk_create(
            [
                SheetLine(
                    sheet=sheet,
                    position=i,
                    supervisor=c.supervisor,
                    full_name=c.supervisor.full_name,
                    units=Decimal(1),
                    dates=c.occurred_on.isoformat()[5:],
                    duties=[{"claim": c.pk, "date": c.occurred_on.isoformat(), "title": c.description}],
                    amount=c.total,
                    claim=c,
                    note=c.get_purpose_display(),
                )
                for i, c in enumerate(claims, start=1)
            ]
        )
        audit_record(
            actor=actor,
            action="allowances.reimbursement_generate",
            target=sheet,
            after={**_sheet_state(sheet), "claims": len(claims)},
        )
    return sheet


# --- budget (第四十一条第二款) ------------------------------------------------------------------------


def plan_submit(
    *, actor: Any, programme: Programme, year: int, items: Sequence[law.PlanItem], note: str = ""
) -> ActivityPlan:
    """The agency's next-year activity plan (one per agency and year; a resubmission replaces it)."""
    capability_require(actor, Capability.REQUEST_DUTIES, action="allowances.plan_submit", target=programme)
    agency = actor.organisation
    if year <= timezone.localdate().year - 1:
        raise ValidationError(gettext("只能提交本年度或以后年度的活动计划"))
    clean = []
    for it in items:
        if it.count < 0 or it.supervisors_each < 0 or it.count > 1000 or it.supervisors_each > 50:
            raise ValidationError(gettext("活动次数或每次人数超出范围"))
        if it.count:
            clean.append({"kind": it.kind, "count": it.count, "supervisors_each": it.supervisors_each})
    if not clean:
        raise ValidationError(gettext("请至少填写一类活动"))
    with transaction.atomic():
        plan = (
            ActivityPlan.objects.select_for_update()
            .filter(programme=programme, agency=agency, year=year)
            .first()
        )
        before = {"items": plan.items} if plan else None
        if plan is None:
            plan = ActivityPlan(programme=programme, agency=agency, year=year)
        plan.items, plan.note, plan.submitted_by, plan.submitted_at = clean, note.strip()[:255], actor, _now()
        plan.save()
        audit_record(
            actor=actor,
            action="allowances.plan_submit",
            target=plan,
            before=before,
            after={"year": year, "items": clean},
        )
    return plan


# --- proof of service (山西 第十五条) ---------------------------------------------------------------


def proof_entries(supervisor: Supervisor, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Duties attended with a confirmed record, and approved claims for training and meetings."""
    duties = [
        {"date": d.isoformat(), "kind": gettext("履职"), "title": t}
        for d, t in Assignment.objects.filter(
            supervisor=supervisor,
            status=AssignmentStatus.ATTENDED,
            confirmed_at__isnull=False,
            duty__duty_on__range=(start, end),
        )
        .order_by("duty__duty_on")
        .values_list("duty__duty_on", "duty__title")
    ]
    others = [
        {"date": c.occurred_on.isoformat(), "kind": c.get_purpose_display(), "title": c.description}
        for c in ExpenseClaim.objects.filter(
            supervisor=supervisor,
            purpose__in=(ClaimPurpose.TRAINING, ClaimPurpose.MEETING),
            status__in=(ClaimStatus.APPROVED, ClaimStatus.ON_SHEET, ClaimStatus.PAID),
            occurred_on__range=(start, end),
        )
    ]
    return sorted(duties + others, key=lambda e: e["date"])


def proof_issue(
    *, actor: Any, supervisor: Supervisor, period_start: dt.date, period_end: dt.date, addressee: str = ""
) -> ServiceProof:
    """履职证明 for the supervisor's employer, by the supervisor themself or the bureau."""
    action = "allowances.proof_issue"
    own = getattr(getattr(actor, "supervisor", None), "pk", None) == supervisor.pk
    if not own:
        _require_staff(actor, supervisor.programme, action, supervisor)
    rb = rulebook_for(supervisor.programme)
    today = timezone.localdate()
    basis = cited(rb, "allowance.performance_certificate", today)
    if basis is None or basis.value is not True:
        raise ValidationError(gettext("《{title}》未规定出具履职证明").format(title=rb.title))
    if period_end < period_start:
        raise ValidationError(gettext("期间止不能早于期间起"))
    if period_end > today:
        raise ValidationError(gettext("期间止不能晚于今天"))
    addressee = (addressee or supervisor.employer or "").strip()
    if not addressee:
        raise ValidationError(gettext("请填写出具对象（所在单位）"))
    entries = proof_entries(supervisor, period_start, period_end)
    with transaction.atomic():
        n = ServiceProof.objects.filter(issued_on__year=today.year).count() + 1
        proof = ServiceProof.objects.create(
            supervisor=supervisor,
            number=f"LZ{today:%Y}-{supervisor.programme_id}-{n:05d}",
            period_start=period_start,
            period_end=period_end,
            addressee=addressee[:120],
            entries=entries,
            decision={"basis": basis.to_dict(), "rulebook_version": rb.version},
            issued_on=today,
            issued_by=actor,
        )
        audit_record(
            actor=actor, action=action, target=proof, after={"number": proof.number, "entries": len(entries)}
        )
    return proof


def proof_revoke(*, actor: Any, proof: ServiceProof, reason: str) -> ServiceProof:
    _require_staff(actor, proof.supervisor.programme, "allowances.proof_revoke", proof)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("请填写撤销原因"))
    with transaction.atomic():
        proof = ServiceProof.objects.select_for_update().get(pk=proof.pk)
        if proof.revoked_on is not None:
            raise ValidationError(gettext("该证明已撤销"))
        proof.revoked_on, proof.revoked_reason = timezone.localdate(), reason[:255]
        proof.save(update_fields=["revoked_on", "revoked_reason"])
        audit_record(actor=actor, action="allowances.proof_revoke", target=proof, after={"reason": reason})
    return proof
