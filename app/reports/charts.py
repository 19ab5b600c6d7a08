"""Server-side SVG charts: no JavaScript, readable without colour.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``; series are told
apart by fill patterns (solid, hatching, dots) and a text legend, bars carry their values as
text where there is room, and the page shows the same numbers in a table next to the chart.
Only presentation attributes are used (the CSP forbids inline styles).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "Arial, Helvetica, sans-serif"
INK = "#1a1a1a"
GRID = "#cccccc"
# (fill colour, pattern kind): distinct in colour *and* in texture.
STYLES = [("#0000bf", "solid"), ("#0072c6", "hatch"), ("#007a64", "dots"), ("#b01038", "cross")]


@dataclass
class Series:
    """One set of values drawn with one pattern."""

    label: str
    values: list[float]


def _fmt(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u00a0") if float(value).is_integer() else f"{value:.2f}"


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A 1-2-5 step giving about ``ticks`` grid lines up to ``maximum``."""
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(factor * magnitude, 1 if maximum >= 1 else factor * magnitude)
    return 10 * magnitude


def _defs(chart_id: str) -> str:
    parts = []
    for index, (colour, kind) in enumerate(STYLES):
        pid = f"{chart_id}-p{index}"
        if kind == "solid":
            body = f'<rect width="8" height="8" fill="{colour}"/>'
        elif kind == "hatch":
            body = (f'<rect width="8" height="8" fill="#ffffff"/>'
                    f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{colour}" stroke-width="2.5"/>')
        elif kind == "dots":
            body = (f'<rect width="8" height="8" fill="#ffffff"/>'
                    f'<circle cx="4" cy="4" r="2.2" fill="{colour}"/>')
        else:
            body = (f'<rect width="8" height="8" fill="#ffffff"/>'
                    f'<path d="M0,4 h8 M4,0 v8" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="8" height="8">{body}</pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(chart_id: str, index: int) -> str:
    colour = STYLES[index % len(STYLES)][0]
    return f'fill="url(#{chart_id}-p{index % len(STYLES)})" stroke="{colour}" stroke-width="1"'


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="{chart_id}" '
            f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'font-family="{FONT}" font-size="12" fill="{INK}">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{_defs(chart_id)}')


def _legend(chart_id: str, series: list[Series], x: float, y: float) -> str:
    parts = []
    for index, item in enumerate(series):
        parts.append(f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" {_fill(chart_id, index)}/>'
                     f'<text x="{x + 20:.1f}" y="{y:.1f}">{escape(item.label)}</text>')
        x += 34 + 7 * len(item.label)
    return "".join(parts)


def column_chart(chart_id: str, title: str, desc: str, categories: list[str], series: list[Series]) -> Markup:
    """Grouped vertical bars: one group per category (e.g. month), one patterned bar per series."""
    width, height = 760, 320
    left, right, top, bottom = 48, 12, 36, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    maximum = max([v for s in series for v in s.values] + [0])
    step = nice_step(maximum)
    top_value = max(step * math.ceil(maximum / step), step)
    out = [_open(chart_id, title, desc, width, height), _legend(chart_id, series, left, 18)]
    value = 0.0
    while value <= top_value + 1e-9:
        y = top + plot_h - plot_h * value / top_value
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')
        value += step
    groups = max(len(categories), 1)
    group_w = plot_w / groups
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    show_values = bar_w >= 14
    for gi, category in enumerate(categories):
        gx = left + gi * group_w + group_w * 0.1
        for si, item in enumerate(series):
            v = item.values[gi] if gi < len(item.values) else 0
            h = plot_h * v / top_value
            x, y = gx + si * bar_w, top + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                       f'{_fill(chart_id, si)}/>')
            if show_values and v:
                out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                           f'font-size="10">{_fmt(v)}</text>')
        out.append(f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{top + plot_h + 16}" '
                   f'text-anchor="middle" font-size="11">{escape(category)}</text>')
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def bar_chart(chart_id: str, title: str, desc: str, rows: list[tuple[str, float | None, str]],
              maximum: float | None = None) -> Markup:
    """Horizontal bars, one per row ``(label, value, value_text)``; a row without a value shows its
    text only (e.g. "fewer than 5 answers"). ``maximum`` fixes the scale (5 for ratings)."""
    label_w, bar_area, row_h = 260, 380, 30
    width = label_w + bar_area + 150
    height = 16 + row_h * max(len(rows), 1)
    scale_max = maximum or max([v for _, v, _ in rows if v is not None] + [1])
    out = [_open(chart_id, title, desc, width, height)]
    for index, (label, value, text) in enumerate(rows):
        y = 8 + index * row_h
        short = label if len(label) <= 40 else label[:39] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{escape(short)}</text>')
        bar = bar_area * (value or 0) / scale_max if scale_max else 0
        if value is not None:
            out.append(f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 8}" '
                       f'{_fill(chart_id, 0)}/>')
        out.append(f'<text x="{label_w + bar + 6:.1f}" y="{y + 18}">{escape(text)}</text>')
    out.append(f'<line x1="{label_w}" x2="{label_w}" y1="4" y2="{height - 4}" stroke="{INK}"/>')
    out.append("</svg>")
    return Markup("".join(out))
