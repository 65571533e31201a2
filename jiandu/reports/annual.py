"""The annual work report (年度工作情况) drafted from the data: the figures, then a text staff edit.

The figures come from the same standard reports the office downloads, so the text and the tables
never disagree. The draft says what the data says and leaves the judgements to staff: each section
ends with a bracketed prompt for them to fill in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

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
    "year": "年度",
    "supervisors": "年末在任监督员",
    "appointed": "聘任、续聘、补聘（人次）",
    "departures": "离任（人）",
    "dismissals": "解聘或免除资格（人）",
    "resignations": "辞聘（人）",
    "duties": "开展监督活动（次）",
    "districts": "覆盖区县（个）",
    "asked": "联络监督员（人次）",
    "attended": "出席（人次）",
    "declined": "谢绝（人次）",
    "recused": "回避（人次）",
    "opinions": "收到监督意见和线索（件）",
    "forwarded": "转送（件）",
    "replied": "已答复（件）",
    "on_time": "按期答复（件）",
    "adopted": "采纳（件）",
    "rectified": "整改完成（件）",
    "adoption_rate": "采纳率",
    "on_time_rate": "按期答复率",
    "complaints": "对监督员的举报（件）",
    "fairness": "抽选均衡",
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
    title = f"{org}{year}年度{programme.name}工作情况"
    asked_line = f"全年共联络监督员{f['asked']}人次，出席{f['attended']}人次，谢绝{f['declined']}人次，回避{f['recused']}人次。"
    if f["fairness"]:
        asked_line += f"按监督员统计，被抽中并联络{f['fairness']}。"
    body = "\n\n".join(
        [
            "# 一、监督员队伍情况",
            f"截至{min(dt.date(year, 12, 31), today):%Y年%m月%d日}，{programme.name}在任监督员{f['supervisors']}名。"
            f"本年度新聘、续聘、补聘{f['appointed']}人次；离任{f['departures']}人，"
            f"其中解聘或免除资格{f['dismissals']}人、辞聘{f['resignations']}人。",
            "〔请补充：选任、培训和日常管理情况。〕",
            "# 二、履职情况",
            f"本年度共开展监督活动{f['duties']}次，覆盖{f['districts']}个区县。" + asked_line,
            "〔请补充：典型监督活动及成效。〕",
            "# 三、监督意见办理情况",
            f"本年度收到监督意见和违法线索{f['opinions']}件，转送被监督单位{f['forwarded']}件，"
            f"已答复{f['replied']}件，其中按期答复{f['on_time']}件（按期答复率{f['on_time_rate']}），"
            f"采纳{f['adopted']}件（采纳率{f['adoption_rate']}），整改完成{f['rectified']}件。",
            f"本年度受理对监督员的举报{f['complaints']}件。",
            "〔请补充：意见办理中发现的问题和改进措施。〕",
            "# 四、存在的问题和下一年度工作打算",
            "〔请填写。〕",
        ]
    )
    return title, body
