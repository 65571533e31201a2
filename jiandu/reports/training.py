"""Training reports (jiandu.training): attendance and exam results per session, and initial-training
completion per programme."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from jiandu.portal.selectors import rate
from jiandu.reports.catalogue import TOTAL, ChartSpec, Report, report_register
from jiandu.reports.scope import Scope
from jiandu.reports.tables import DATE, INT, PCT, Column, Table, sum_totals
from jiandu.roster.models import Supervisor, SupervisorStatus
from jiandu.training.models import ParticipationStatus, SessionKind, TrainingSession


def training_attendance(scope: Scope) -> Table:
    cols = [
        Column("held_on", _("培训日期"), DATE),
        Column("title", _("培训名称")),
        Column("kind", _("类别")),
        Column("invited", _("通知人数"), INT),
        Column("attended", _("参加"), INT),
        Column("absent", _("未参加"), INT),
        Column("passed", _("考核合格"), INT),
        Column("failed", _("考核不合格"), INT),
    ]
    kinds = {k: str(v) for k, v in SessionKind.choices}
    qs = (
        TrainingSession.objects.filter(
            programme__in=scope.programmes.values("pk"), held_on__range=(scope.start, scope.end)
        )
        .filter(
            Q(participations__supervisor__district__path__startswith=scope.region.path)
            if scope.region
            else Q()
        )
        .values("id", "held_on", "title", "kind")
        .annotate(
            invited=Count("participations", distinct=True),
            attended=Count(
                "participations", filter=Q(participations__status=ParticipationStatus.ATTENDED), distinct=True
            ),
            absent=Count(
                "participations", filter=Q(participations__status=ParticipationStatus.ABSENT), distinct=True
            ),
            passed=Count("participations", filter=Q(participations__passed=True), distinct=True),
            failed=Count("participations", filter=Q(participations__passed=False), distinct=True),
        )
        .order_by("held_on", "id")
    )
    rows = [{**r, "kind": kinds.get(r["kind"], r["kind"])} for r in qs]
    return Table(str(_("培训出勤与考核结果")), cols, rows, sum_totals(rows, cols, "held_on", TOTAL))


def training_completion(scope: Scope) -> Table:
    cols = [
        Column("programme", _("项目")),
        Column("active", _("在任监督员"), INT),
        Column("trained", _("已完成初任培训"), INT),
        Column("rate", _("完成率"), PCT),
    ]
    rows = []
    for r in (
        Supervisor.objects.filter(programme__in=scope.programmes.values("pk"), status=SupervisorStatus.ACTIVE)
        .filter(scope.region_q("district__"))
        .values("programme__name")
        .annotate(active=Count("id"), trained=Count("id", filter=Q(initial_training_on__isnull=False)))
        .order_by("programme__name")
    ):
        rows.append(
            {
                "programme": r["programme__name"],
                "active": r["active"],
                "trained": r["trained"],
                "rate": rate(r["trained"], r["active"]),
            }
        )
    totals = sum_totals(rows, cols, "programme", TOTAL)
    totals["rate"] = rate(totals["trained"], totals["active"])
    return Table(
        str(_("初任培训完成情况")),
        cols,
        rows,
        totals,
        notes=[str(_("按当前名册统计，不受统计期间限制。"))],
    )


TRAINING = _("培训")
report_register(Report("training_attendance", _("培训出勤与考核结果"), TRAINING, training_attendance))
report_register(
    Report(
        "training_completion",
        _("初任培训完成情况"),
        TRAINING,
        training_completion,
        chart=ChartSpec("programme", ("active", "trained")),
    )
)
