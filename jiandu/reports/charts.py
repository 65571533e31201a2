"""Charts drawn on the server as SVG: no JavaScript, no web font, nothing fetched — government networks
are often closed, and an SVG prints, scales on a phone and can be saved with the page.

Bars are horizontal, so long Chinese labels (an agency's full name) stay readable at 360 px; a month
series is drawn as a line. Every chart is built from a report table, shown beneath it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from jiandu.reports.catalogue import ChartSpec
from jiandu.reports.tables import Table

PALETTE = ("#a3161a", "#0b4f9c", "#1f7a3d", "#9a5b00", "#5b6776")
FONT = "font-family=\"system-ui, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif\""


def _num(value: Any) -> float:
    if isinstance(value, int | float | Decimal):
        return float(value)
    return 0.0


def _legend(table: Table, spec: ChartSpec, y: float) -> list[str]:
    labels = {c.key: str(c.label) for c in table.columns}
    out, x = [], 8.0
    for i, key in enumerate(spec.values):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10" fill="{colour}"/>')
        out.append(
            f'<text x="{x + 14:.0f}" y="{y:.0f}" font-size="12" {FONT}>{escape(labels.get(key, key))}</text>'
        )
        x += 28 + 13 * len(labels.get(key, key))
    return out


def svg_bars(table: Table, spec: ChartSpec, *, width: int = 640) -> str:
    rows = table.rows
    series = spec.values
    label_w = 150
    bar_h, gap = 14, 8
    group_h = bar_h * len(series) + gap
    height = 30 + group_h * max(len(rows), 1) + 10
    top = max([_num(r.get(k)) for r in rows for k in series] or [0]) or 1.0
    plot_w = width - label_w - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(table.title)}" class="chart" data-testid="chart-svg">',
        f"<title>{escape(table.title)}</title>",
        *_legend(table, spec, 16),
    ]
    for i, r in enumerate(rows):
        y0 = 30 + i * group_h
        label = str(r.get(spec.label, ""))
        short = label if len(label) <= 11 else label[:10] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + group_h / 2:.0f}" font-size="12" text-anchor="end" {FONT}>'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
        )
        for j, key in enumerate(series):
            v = _num(r.get(key))
            w = plot_w * v / top
            y = y0 + j * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(label)}：{v:g}</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" font-size="11" {FONT}>{v:g}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def svg_lines(table: Table, spec: ChartSpec, *, width: int = 640, height: int = 260) -> str:
    rows = table.rows
    left, right, top_pad, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max([_num(r.get(k)) for r in rows for k in spec.values] or [0]) or 1.0
    n = max(len(rows), 1)
    step = plot_w / max(n - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(table.title)}" class="chart" data-testid="chart-svg">',
        f"<title>{escape(table.title)}</title>",
        *_legend(table, spec, 16),
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" stroke="#d8dee6"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" font-size="11" text-anchor="end" {FONT}>{top:g}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" font-size="11" text-anchor="end" {FONT}>0</text>',
    ]
    for j, key in enumerate(spec.values):
        colour = PALETTE[j % len(PALETTE)]
        points = []
        for i, r in enumerate(rows):
            x = left + (i * step if n > 1 else plot_w / 2)
            y = top_pad + plot_h - plot_h * _num(r.get(key)) / top
            points.append((x, y, r))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _r in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, r in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>'
                f"{escape(str(r.get(spec.label, '')))}：{_num(r.get(key)):g}</title></circle>"
            )
    every = max(1, n // 8)
    for i, r in enumerate(rows):
        if i % every == 0:
            x = left + (i * step if n > 1 else plot_w / 2)
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle" {FONT}>'
                f"{escape(str(r.get(spec.label, '')))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def chart_svg(table: Table, spec: ChartSpec) -> str:
    if not table.rows:
        return ""
    return svg_lines(table, spec) if spec.kind == "line" else svg_bars(table, spec)
