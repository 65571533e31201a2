"""The annual work report (年度工作情况) drafted from the data: the figures, then a text staff edit.

The figures come from the same standard reports the office downloads, so the text and the tables
never disagree. The draft says what the data says and leaves the judgements to staff: each section
ends with a bracketed prompt for them to fill in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext, gettext_lazy

from jiandu.portal.selectors import open_statistics, rate
from jiandu.reports import catalogue
from jiandu.reports.scope import Scope
from jiandu.roster.models import Departure, Programme


def _scope(programme: Programme, year: int, today: dt.date) -> Scope:
    return Scope(
        user=None,
        programmes=Programme.objects.filter(pk=programme.pk),
        region=None,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        today=today,
        programme=programme,
    )


# What each drafted figure is, for the page that shows them beside the editable text.
FIGURE_LABELS = {
    "year": gettext_lazy("年度"),
    "supervisors": gettext_lazy("年末在任监督员"),
    "appointed": gettext_lazy("聘任、续聘、补聘（人次）"),
    "departures": gettext_lazy("离任（人）"),
    "dismissals": gettext_lazy("解聘或免除资格（人）"),
    "resignations": gettext_lazy("辞聘（人）"),
    "duties": gettext_lazy("开展监督活动（次）"),
    "districts": gettext_lazy("覆盖区县（个）"),
    "asked": gettext_lazy("联络监督员（人次）"),
    "attended": gettext_lazy("出席（人次）"),
    "declined": gettext_lazy("谢绝（人次）"),
    "recused": gettext_lazy("回避（人次）"),
    "opinions": gettext_lazy("收到监督意见和线索（件）"),
    "forwarded": gettext_lazy("转送（件）"),
    "replied": gettext_lazy("已答复（件）"),
    "on_time": gettext_lazy("按期答复（件）"),
    "adopted": gettext_lazy("采纳（件）"),
    "rectified": gettext_lazy("整改完成（件）"),
    "adoption_rate": gettext_lazy("采纳率"),
    "on_time_rate": gettext_lazy("按期答复率"),
    "complaints": gettext_lazy("对监督员的举报（件）"),
    "fairness": gettext_lazy("抽选均衡"),
}


def annual_figures(programme: Programme, *, year: int, today: dt.date) -> dict[str, Any]:
    scope = _scope(programme, year, today)
    stats = open_statistics(programme, year=year, today=today)
    attendance = catalogue.attendance(scope).totals or {}
    findings = catalogue.findings_by_agency(scope).totals or {}
    departures = catalogue.departures(scope)
    appointments = catalogue.appointments(scope).totals or {}
    fairness = catalogue.draw_fairness(scope)
    complaints = catalogue.complaints(scope)
    districts = catalogue.duties_by_district(scope)
    kinds = {
        r["kind"]: r["n"]
        for r in Departure.objects.filter(
            supervisor__programme=programme, decided_on__range=(scope.start, scope.end)
        )
        .values("kind")
        .annotate(n=Count("id"))
    }
    return {
        "year": year,
        "supervisors": stats.supervisors,
        "appointed": int(appointments.get("total", 0) or 0),
        "departures": len(departures.rows),
        "dismissals": kinds.get("dismissal", 0) + kinds.get("disqualification", 0),
        "resignations": kinds.get("resignation", 0),
        "duties": stats.duties,
        "districts": len(districts.rows),
        "asked": int(attendance.get("asked", 0) or 0),
        "attended": int(attendance.get("attended", 0) or 0),
        "declined": int(attendance.get("declined", 0) or 0),
        "recused": int(attendance.get("recused", 0) or 0),
        "opinions": int(findings.get("received", 0) or 0),
        "forwarded": int(findings.get("forwarded", 0) or 0),
        "replied": int(findings.get("replied", 0) or 0),
        "on_time": int(findings.get("on_time", 0) or 0),
        "adopted": int(findings.get("adopted", 0) or 0),
        "rectified": int(findings.get("rectified", 0) or 0),
        "adoption_rate": rate(int(findings.get("adopted", 0) or 0), int(findings.get("replied", 0) or 0)),
        "on_time_rate": rate(int(findings.get("on_time", 0) or 0), int(findings.get("replied", 0) or 0)),
        "complaints": len(complaints.rows),
        "fairness": fairness.notes[0] if fairness.notes else "",
    }


def annual_text(
    programme: Programme, *, year: int, figures: dict[str, Any], today: dt.date
) -> tuple[str, str]:
    f = figures
    org = programme.organisation.name
    title = gettext("{org}{year}年度{name}工作情况").format(org=org, year=year, name=programme.name)
    asked_line = gettext(
        "全年共联络监督员{asked}人次，出席{attended}人次，谢绝{declined}人次，回避{recused}人次。"
    ).format(asked=f["asked"], attended=f["attended"], declined=f["declined"], recused=f["recused"])
    if f["fairness"]:
        asked_line += gettext("按监督员统计，被抽中并联络{fairness}。").format(fairness=f["fairness"])
    body = "\n\n".join(
        [
            gettext("# 一、监督员队伍情况"),
            gettext(
                "截至{min:%Y年%m月%d日}，{name}在任监督员{supervisors}名。本年度新聘、续聘、补聘{appointed}人次；离任{departures}人，其中解聘或免除资格{dismissals}人、辞聘{resignations}人。"
            ).format(
                min=min(dt.date(year, 12, 31), today),
                name=programme.name,
                supervisors=f["supervisors"],
                appointed=f["appointed"],
                departures=f["departures"],
                dismissals=f["dismissals"],
                resignations=f["resignations"],
            ),
            gettext("〔请补充：选任、培训和日常管理情况。〕"),
            gettext("# 二、履职情况"),
            gettext("本年度共开展监督活动{duties}次，覆盖{districts}个区县。").format(
                duties=f["duties"], districts=f["districts"]
            )
            + asked_line,
            gettext("〔请补充：典型监督活动及成效。〕"),
            gettext("# 三、监督意见办理情况"),
            gettext(
                "本年度收到监督意见和违法线索{opinions}件，转送被监督单位{forwarded}件，已答复{replied}件，其中按期答复{on_time}件（按期答复率{on_time_rate}），采纳{adopted}件（采纳率{adoption_rate}），整改完成{rectified}件。"
            ).format(
                opinions=f["opinions"],
                forwarded=f["forwarded"],
                replied=f["replied"],
                on_time=f["on_time"],
                on_time_rate=f["on_time_rate"],
                adopted=f["adopted"],
                adoption_rate=f["adoption_rate"],
                rectified=f["rectified"],
            ),
            gettext("本年度受理对监督员的举报{complaints}件。").format(complaints=f["complaints"]),
            gettext("〔请补充：意见办理中发现的问题和改进措施。〕"),
            gettext("# 四、存在的问题和下一年度工作打算"),
            gettext("〔请填写。〕"),
        ]
    )
    return title, body
