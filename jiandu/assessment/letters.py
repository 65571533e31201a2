"""The result letter (考核结果通知书, 威海 人民监督员 第三十九条) and the commendation certificate
(通报表扬, 第三十八条): PDFs with the bureau's name and a QR code that opens the public check page.
Drawn with the roster certificate machinery (font, QR, CJK wrapping)."""

from __future__ import annotations

import io

from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from jiandu.assessment import rules
from jiandu.assessment.models import Assessment
from jiandu.roster.certificates import FONT, RED, _centred, _wrapped, qr_image, register_font


def result_text(a: Assessment) -> str:
    if a.final_grade:
        return gettext("{final_grade}等次").format(
            final_grade=rules.GRADE_LABELS.get(a.final_grade, a.final_grade)
        )
    return gettext("综合评价：") + a.evaluation


def recipients(a: Assessment) -> list[str]:
    """Who the rulebook says is told of the result (第三十九条; 山西 第十四条); names filled in where known."""
    c = rules.cited(
        rules.rulebook_for(a.round.programme),
        "assessment.results_notify",
        a.round.completed_on or a.round.opened_on,
    )
    if c is None:
        return [a.supervisor.full_name]
    names = {
        "supervisor": a.supervisor.full_name,
        "employer": a.supervisor.employer,
        "recommending_unit": a.supervisor.recommending_unit,
    }
    out = []
    for item in c.value:
        name = names.get(str(item["code"]), "")
        out.append(f"{item['text']}（{name}）" if name else str(item["text"]))
    return out


def letter_pdf(a: Assessment, verify_url: str) -> bytes:
    register_font()
    r = a.round
    org = r.programme.organisation.name
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(
        gettext("{year}年度考核结果通知书 {full_name}").format(year=r.year, full_name=a.supervisor.full_name)
    )
    c.setAuthor(org)
    _centred(
        c,
        width / 2,
        height - 35 * mm,
        gettext("{year}年度{name}考核结果通知书").format(year=r.year, name=r.programme.name),
        18,
        RED,
    )
    y = height - 55 * mm
    y = _wrapped(
        c,
        25 * mm,
        y,
        gettext("{full_name}同志：").format(full_name=a.supervisor.full_name),
        13,
        width - 50 * mm,
    )
    body = gettext("　　经考核，您{year}年度考核结果为：{result_text}。").format(
        year=r.year, result_text=result_text(a)
    )
    y = _wrapped(c, 25 * mm, y, body, 13, width - 50 * mm)
    if a.final_grade == "excellent" or a.commended:
        y = _wrapped(c, 25 * mm, y, gettext("　　对您予以通报表扬，望再接再厉。"), 13, width - 50 * mm)
    y = _wrapped(c, 25 * mm, y - 4 * mm, gettext("抄送：") + "、".join(recipients(a)), 11, width - 50 * mm)
    _centred(c, width - 60 * mm, 70 * mm, org, 13)
    if r.completed_on:
        _centred(c, width - 60 * mm, 62 * mm, r.completed_on.strftime(gettext("%Y年%m月%d日")), 12)
    c.drawImage(qr_image(verify_url), 25 * mm, 35 * mm, 30 * mm, 30 * mm)
    c.setFont(FONT, 9)
    c.drawString(25 * mm, 30 * mm, gettext("扫描二维码核验本通知书"))
    c.showPage()
    c.save()
    return buf.getvalue()


def commendation_pdf(a: Assessment, verify_url: str) -> bytes:
    register_font()
    r = a.round
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(gettext("表扬证书 {full_name}").format(full_name=a.supervisor.full_name))
    c.setAuthor(r.programme.organisation.name)
    c.setStrokeColor(RED)
    c.setLineWidth(4)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    _centred(c, width / 2, height - 52 * mm, gettext("荣誉证书"), 36, RED)
    body = gettext("{full_name}同志在{year}年度{name}考核中表现优秀，特予通报表扬。").format(
        full_name=a.supervisor.full_name, year=r.year, name=r.programme.name
    )
    _wrapped(c, 40 * mm, height - 85 * mm, "　　" + body, 18, width - 80 * mm)
    _centred(c, width - 80 * mm, 50 * mm, r.programme.organisation.name, 16)
    if r.completed_on:
        _centred(c, width - 80 * mm, 40 * mm, r.completed_on.strftime(gettext("%Y年%m月%d日")), 14)
    c.drawImage(qr_image(verify_url), 30 * mm, 30 * mm, 32 * mm, 32 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
