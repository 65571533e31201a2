"""A report table as an Excel workbook or a PDF (A4, the embedded Chinese font of the certificates).

Cells that a spreadsheet would run as a formula (text starting with = + - @, a tab or a carriage
return — CSV/formula injection) go through the shared jiandu.core.untrusted helper."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from jiandu.core.untrusted import xlsx_cell
from jiandu.reports.tables import Table, show
from jiandu.roster.certificates import register_font


def table_xlsx(table: Table, *, scope_label: str, progress: Any = None) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=table.title[:31].replace("/", "-").replace("（", "(").replace("）", ")"))
    bold = Font(bold=True)

    def row(values: list[Any], *, strong: bool = False) -> list[Any]:
        cells = []
        for v in values:
            c = xlsx_cell(ws, v)
            if strong:
                c = c if isinstance(c, Cell) else WriteOnlyCell(ws, value=c)
                c.font = bold
            cells.append(c)
        return cells

    ws.append(row([table.title], strong=True))
    ws.append(row([scope_label]))
    ws.append(row([str(c.label) for c in table.columns], strong=True))
    total = len(table.rows)
    for i, r in enumerate(table.rows, 1):
        ws.append(row(table.cells(r)))
        if progress is not None and (i % 500 == 0 or i == total):
            progress(i, total)
    if table.totals is not None:
        ws.append(row(table.total_cells(), strong=True))
    for note in table.notes:
        ws.append(row([note]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    font = register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4)
    muted = ParagraphStyle(
        "muted", fontName=font, fontSize=9, leading=12, textColor=colors.grey, wordWrap="CJK"
    )
    return body, title, muted


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table_pdf(table: Table, *, scope_label: str, author: str = "") -> bytes:
    body, title, muted = _styles()
    buf = io.BytesIO()
    wide = len(table.columns) > 6
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=table.title,
        author=author,
    )
    data = [[Paragraph(_esc(str(c.label)), body) for c in table.columns]]
    for r in table.rows:
        data.append(
            [
                Paragraph(_esc(show(v, c.kind)), body)
                for v, c in zip(table.cells(r), table.columns, strict=True)
            ]
        )
    if table.totals is not None:
        data.append(
            [
                Paragraph(_esc(show(v, c.kind)), body)
                for v, c in zip(table.total_cells(), table.columns, strict=True)
            ]
        )
    grid = PdfTable(data, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if table.totals is not None:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f6f7f9")))
    grid.setStyle(TableStyle(style))
    story: list[Any] = [
        Paragraph(_esc(table.title), title),
        Paragraph(_esc(scope_label), muted),
        Spacer(1, 4 * mm),
        grid,
    ]
    for note in table.notes:
        story += [Spacer(1, 2 * mm), Paragraph(_esc(note), muted)]
    doc.build(story)
    return buf.getvalue()


def text_pdf(*, title: str, subtitle: str, body: str, author: str = "") -> bytes:
    """A drafted document (the annual work report) as PDF: paragraphs split on blank lines, headings on
    lines starting with '#'."""
    text_style, title_style, muted = _styles()
    para = ParagraphStyle(
        "para", parent=text_style, fontSize=11, leading=19, firstLineIndent=22, spaceAfter=6
    )
    head = ParagraphStyle("head", parent=text_style, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=4)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=title,
        author=author,
    )
    story: list[Any] = [
        Paragraph(_esc(title), title_style),
        Paragraph(_esc(subtitle), muted),
        Spacer(1, 6 * mm),
    ]
    for block in body.replace("\r\n", "\n").split("\n"):
        line = block.strip()
        if not line:
            continue
        if line.startswith("#"):
            story.append(Paragraph(_esc(line.lstrip("# ")), head))
        else:
            story.append(Paragraph(_esc(line), para))
    doc.build(story)
    return buf.getvalue()
