"""Allowance and assessment reports (jiandu.allowances, jiandu.assessment): money paid against the
year's budget, and the grade distribution."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from jiandu.allowances.models import ClaimStatus, ExpenseClaim, Sheet, SheetKind, SheetStatus
from jiandu.allowances.selectors import budget_for
from jiandu.portal.selectors import rate
from jiandu.reports.catalogue import TOTAL, ChartSpec, Report, report_register
from jiandu.reports.scope import Scope
from jiandu.reports.tables import INT, MONEY, PCT, Column, Table, sum_totals
from jiandu.rules.catalogue import GRADE_LABELS, GRADES

COMMITTED = (SheetStatus.APPROVED, SheetStatus.PAID)


def spend_against_budget(scope: Scope) -> Table:
    """Per programme: the budget of the period's first year (from the activity plans and rates), and
    the money on approved or paid sheets whose period starts within the report's period."""
    cols = [
        Column("programme", _("项目")),
        Column("budget", _("年度预算（元）"), MONEY),
        Column("allowance", _("履职补助（元）"), MONEY),
        Column("reimbursement", _("差旅费报销（元）"), MONEY),
        Column("adjustment", _("补助调整（元）"), MONEY),
        Column("spent", _("合计支出（元）"), MONEY),
        Column("used", _("预算执行率"), PCT),
    ]
    sums: dict[int, dict[str, Decimal]] = {}
    for r in (
        Sheet.objects.filter(
            programme__in=scope.programmes.values("pk"),
            status__in=COMMITTED,
            period_start__range=(scope.start, scope.end),
        )
        .values("programme_id", "kind")
        .annotate(s=Sum("total"))
    ):
        sums.setdefault(r["programme_id"], {})[r["kind"]] = r["s"] or Decimal(0)
    rows = []
    for p in scope.programmes.order_by("name"):
        budget, _plans = budget_for(p, scope.start.year)
        got = sums.get(p.pk, {})
        spent = sum(got.values(), Decimal(0))
        rows.append(
            {
                "programme": p.name,
                "budget": budget.total,
                "allowance": got.get(SheetKind.ALLOWANCE, Decimal(0)),
                "reimbursement": got.get(SheetKind.REIMBURSEMENT, Decimal(0)),
                "adjustment": got.get(SheetKind.ADJUSTMENT, Decimal(0)),
                "spent": spent,
                "used": rate(int(spent * 100), int(budget.total * 100)),
            }
        )
    totals = sum_totals(rows, cols, "programme", TOTAL)
    totals["used"] = rate(int(totals["spent"] * 100), int(totals["budget"] * 100))
    return Table(
        str(_("补助与报销支出（对照预算）")),
        cols,
        rows,
        totals,
        notes=[
            str(
                _(
                    "支出为已审核或已发放的发放表（按期间起始日）；预算按统计期间起始年度的活动计划和补助标准计算。"
                )
            )
        ],
    )


def claims(scope: Scope) -> Table:
    cols = [
        Column("status", _("状态")),
        Column("count", _("件数"), INT),
        Column("amount", _("金额（元）"), MONEY),
    ]
    labels = {k: str(v) for k, v in ClaimStatus.choices}
    rows = [
        {"status": labels.get(r["status"], r["status"]), "count": r["n"], "amount": r["s"] or Decimal(0)}
        for r in ExpenseClaim.objects.filter(
            programme__in=scope.programmes.values("pk"), occurred_on__range=(scope.start, scope.end)
        )
        .filter(scope.region_q("supervisor__district__"))
        .values("status")
        .annotate(n=Count("id"), s=Sum("total"))
        .order_by("status")
    ]
    return Table(str(_("差旅费报销申请（按状态）")), cols, rows, sum_totals(rows, cols, "status", TOTAL))


def grade_distribution(scope: Scope) -> Table:
    from jiandu.assessment.models import Assessment

    cols = [Column("grade", _("等次")), Column("count", _("人数"), INT), Column("share", _("占比"), PCT)]
    counts = {
        r["final_grade"]: r["n"]
        for r in Assessment.objects.filter(
            round__programme__in=scope.programmes.values("pk"),
            round__year__range=(scope.start.year, scope.end.year),
        )
        .exclude(final_grade="")
        .filter(scope.region_q("supervisor__district__"))
        .values("final_grade")
        .annotate(n=Count("id"))
    }
    whole = sum(counts.values())
    rows = [
        {"grade": GRADE_LABELS.get(g, g), "count": counts.get(g, 0), "share": rate(counts.get(g, 0), whole)}
        for g in (*GRADES, *sorted(set(counts) - set(GRADES)))
    ]
    totals = sum_totals(rows, cols, "grade", TOTAL)
    totals["share"] = rate(whole, whole)
    return Table(
        str(_("考核等次分布")),
        cols,
        rows,
        totals,
        notes=[str(_("按考核年度统计已确定的等次；文字评价的项目不计入。"))],
    )


MONEY_GROUP, ASSESSMENT = _("补助与报销"), _("考核")
report_register(
    Report(
        "spend",
        _("补助与报销支出（对照预算）"),
        MONEY_GROUP,
        spend_against_budget,
        chart=ChartSpec("programme", ("budget", "spent")),
    )
)
report_register(Report("claims", _("差旅费报销申请（按状态）"), MONEY_GROUP, claims))
report_register(
    Report("grades", _("考核等次分布"), ASSESSMENT, grade_distribution, chart=ChartSpec("grade", ("count",)))
)
