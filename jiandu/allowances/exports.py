"""Sheets as Excel and PDF: the rows, page subtotals and the total, the rates with their source documents,
and the signature block (制表人 / 审核人 / 领导审批 / 发放日期).

Every Excel row goes through jiandu.core.untrusted.xlsx_row, so a name or note starting with = + - @
is stored as text and can never run as a formula in the cashier's spreadsheet (formula injection).

In the PDF, Chinese text uses the embedded TrueType font (jiandu.roster.certificates); amounts are
drawn in Helvetica, so they stay plain text that anyone (and the tests) can read back from the file.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from jiandu.allowances.models import Sheet, SheetLine
from jiandu.core.untrusted import xlsx_row
from jiandu.roster.certificates import FONT, INK, qr_image, register_font
from jiandu.rules.allowances import total

HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("姓名"),
    gettext_lazy("次数/天数"),
    gettext_lazy("日期"),
    gettext_lazy("金额（元）"),
    gettext_lazy("说明"),
    gettext_lazy("领取人签字"),
)
ROWS_PER_PAGE = 24


def title_of(sheet: Sheet) -> str:
    return f"{sheet.programme.name}{sheet.get_kind_display()}"


def period_of(sheet: Sheet) -> str:
    return gettext("{period_start:%Y年%m月%d日}至{period_end:%Y年%m月%d日}").format(
        period_start=sheet.period_start, period_end=sheet.period_end
    )


def rate_lines(sheet: Sheet) -> list[str]:
    from jiandu.allowances.models import Item, Unit

    out = []
    for r in sheet.rates:
        until = gettext("至{valid_to}").format(valid_to=r["valid_to"]) if r.get("valid_to") else gettext("起")
        out.append(
            gettext(
                "{label}：{amount}元/{label2}（{valid_from}{until}），依据《{source_name}》（{source_number}，{source_effective_from}施行）"
            ).format(
                label=Item(r["item"]).label,
                amount=r["amount"],
                label2=Unit(r["unit"]).label,
                valid_from=r["valid_from"],
                until=until,
                source_name=r["source_name"],
                source_number=r["source_number"],
                source_effective_from=r["source_effective_from"],
            )
        )
    return out


def signatures(sheet: Sheet) -> list[tuple[str, str]]:
    def who(user: Any) -> str:
        return (user.full_name or user.username) if user else ""

    return [
        (gettext("制表人"), who(sheet.prepared_by)),
        (gettext("审核人"), who(sheet.approved_by)),
        (gettext("单位负责人"), ""),
        (gettext("发放日期"), f"{sheet.paid_on:%Y-%m-%d}" if sheet.paid_on else ""),
    ]


def _lines(sheet: Sheet) -> list[SheetLine]:
    return list(sheet.lines.order_by("position"))


def sheet_xlsx(sheet: Sheet) -> bytes:
    lines = _lines(sheet)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = gettext("发放表")
    ws.append(xlsx_row(ws, [title_of(sheet)]))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        xlsx_row(
            ws,
            [
                gettext("编号：{number}").format(number=sheet.number),
                None,
                None,
                gettext("期间：{period_of}").format(period_of=period_of(sheet)),
            ],
        )
    )
    ws.append(xlsx_row(ws, HEADERS))
    for line in lines:
        ws.append(
            xlsx_row(
                ws, [line.position, line.full_name, line.units, line.dates, line.amount, line.note, None]
            )
        )
        ws.cell(row=ws.max_row, column=5).number_format = "0.00"
    grand = total(line.amount for line in lines)
    ws.append(xlsx_row(ws, [None, gettext("合计"), total(line.units for line in lines), None, grand]))
    ws.cell(row=ws.max_row, column=5).number_format = "0.00"
    ws.cell(row=ws.max_row, column=2).font = Font(bold=True)
    ws.append([])
    for text in rate_lines(sheet):
        ws.append(xlsx_row(ws, [gettext("标准"), text]))
    ws.append([])
    ws.append(xlsx_row(ws, [f"{label}：{name}" for label, name in signatures(sheet)]))
    for col, width in zip("ABCDEFG", (6, 14, 10, 30, 14, 30, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws["D2"].alignment = Alignment(horizontal="left")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pages(lines: list[SheetLine]) -> list[list[SheetLine]]:
    return [lines[i : i + ROWS_PER_PAGE] for i in range(0, len(lines), ROWS_PER_PAGE)] or [[]]


COLS = (12, 28, 20, 50, 28, 42)  # mm: 序号 姓名 次数 日期 金额 签字


def _row(c: canvas.Canvas, y: float, values: list[str], *, amount_col: int = 4, bold: bool = False) -> None:
    x = 15 * mm
    for i, (value, width) in enumerate(zip(values, COLS, strict=False)):
        if i == amount_col and value:
            c.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
            c.drawRightString(x + width * mm - 2 * mm, y, value)
        else:
            c.setFont(FONT, 9)
            c.drawString(x + 1.5 * mm, y, str(value)[: int(width / 2.6)])
        x += width * mm


def sheet_pdf(sheet: Sheet, verify_url: str = "") -> bytes:
    register_font()
    lines = _lines(sheet)
    pages = _pages(lines)
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{title_of(sheet)} {sheet.number}")
    c.setAuthor(sheet.programme.organisation.name)
    for n, page in enumerate(pages, start=1):
        c.setFillColor(INK)
        c.setFont(FONT, 15)
        c.drawCentredString(width / 2, height - 20 * mm, title_of(sheet))
        c.setFont(FONT, 9)
        c.drawString(
            15 * mm,
            height - 28 * mm,
            gettext("编号：{number}　期间：{period_of}　状态：{get_status_display}").format(
                number=sheet.number, period_of=period_of(sheet), get_status_display=sheet.get_status_display()
            ),
        )
        c.drawRightString(
            width - 15 * mm,
            height - 28 * mm,
            gettext("第 {n} 页 / 共 {count} 页").format(n=n, count=len(pages)),
        )
        y = height - 38 * mm
        _row(
            c,
            y,
            [*(str(h) for h in HEADERS[:4]), gettext("金额（元）"), gettext("领取人签字")],
            amount_col=-1,
        )
        c.line(15 * mm, y - 2 * mm, width - 15 * mm, y - 2 * mm)
        y -= 7 * mm
        for line in page:
            _row(
                c,
                y,
                [
                    str(line.position),
                    line.full_name,
                    f"{line.units}",
                    line.dates,
                    f"{line.amount:.2f}",
                    line.note,
                ],
            )
            y -= 7 * mm
        c.line(15 * mm, y + 4 * mm, width - 15 * mm, y + 4 * mm)
        _row(c, y, ["", gettext("本页小计"), "", "", f"{total(line.amount for line in page):.2f}"], bold=True)
        y -= 7 * mm
        if n == len(pages):
            _row(
                c, y, ["", gettext("合计"), "", "", f"{total(line.amount for line in lines):.2f}"], bold=True
            )
            y -= 10 * mm
            c.setFont(FONT, 8)
            for text in rate_lines(sheet):
                for i in range(0, len(text), 62):
                    c.drawString(15 * mm, y, text[i : i + 62])
                    y -= 4.5 * mm
            y -= 6 * mm
            x = 15 * mm
            c.setFont(FONT, 10)
            for label, name in signatures(sheet):
                c.drawString(x, y, f"{label}：{name}")
                x += 45 * mm
            if verify_url:
                c.drawImage(qr_image(verify_url), width - 40 * mm, 12 * mm, 25 * mm, 25 * mm)
        c.showPage()
    c.save()
    return buf.getvalue()


def sheet_total(sheet: Sheet) -> Decimal:
    return total(sheet.lines.values_list("amount", flat=True))


def proof_pdf(proof: Any, verify_url: str) -> bytes:
    """履职证明 on the bureau's letterhead: who, the period, each duty / training / meeting, a QR code to
    the public verification page (山西 第十五条)."""
    from reportlab.lib.colors import HexColor

    register_font()
    s = proof.supervisor
    org = s.programme.organisation
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(gettext("履职证明 {number}").format(number=proof.number))
    c.setAuthor(org.name)
    red = HexColor("#a3161a")
    c.setFillColor(red)
    c.setFont(FONT, 20)
    c.drawCentredString(width / 2, height - 25 * mm, org.name)
    c.setStrokeColor(red)
    c.setLineWidth(2)
    c.line(20 * mm, height - 30 * mm, width - 20 * mm, height - 30 * mm)
    c.setFillColor(INK)
    c.setFont(FONT, 18)
    c.drawCentredString(width / 2, height - 45 * mm, gettext("履 职 证 明"))
    c.setFont(FONT, 11)
    c.drawString(20 * mm, height - 58 * mm, f"{proof.addressee}：")
    body = gettext(
        "　　兹证明 {full_name} 同志系{name}，{period_start:%Y年%m月%d日}至{period_end:%Y年%m月%d日}期间参加下列监督活动、培训和会议共 {count} 次，特此证明。"
    ).format(
        full_name=s.full_name,
        name=s.programme.name,
        period_start=proof.period_start,
        period_end=proof.period_end,
        count=len(proof.entries),
    )
    y = height - 68 * mm
    for i in range(0, len(body), 38):
        c.drawString(20 * mm, y, body[i : i + 38])
        y -= 7 * mm
    y -= 3 * mm
    c.setFont(FONT, 10)
    for e in proof.entries[:40]:
        c.drawString(25 * mm, y, f"{e['date']}　{e['kind']}　{e['title']}"[:60])
        y -= 6 * mm
        if y < 60 * mm:
            c.drawString(25 * mm, y, gettext("（其余见查验页面）"))
            break
    c.setFont(FONT, 11)
    c.drawRightString(width - 25 * mm, 45 * mm, org.name)
    c.drawRightString(width - 25 * mm, 38 * mm, proof.issued_on.strftime(gettext("%Y年%m月%d日")))
    c.setFont(FONT, 8)
    c.drawString(
        20 * mm, 18 * mm, gettext("编号：{number}　扫描二维码查验本证明是否有效").format(number=proof.number)
    )
    c.drawImage(qr_image(verify_url), 20 * mm, 22 * mm, 28 * mm, 28 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()
