"""Static SVG charts drawn at build time: no script, no external service.

Colours come from CSS classes (see assets/editsurvey.css), so the charts
follow the light/dark palette; text uses currentColor.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str | None = None  # shown in the data table under the chart; a role="img" SVG holds no links


@dataclass(frozen=True)
class Series:
    label: str
    css: str  # class giving the fill colour
    values: list[int]


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 5:
            return max(step * ((value + step - 1) // step), step)
    return value


CHAR_W = 6.8  # average advance of a 12 px sans-serif character, for sizing labels


def _svg_open(title: str, width: float, height: float, css: str = "es-chart") -> list[str]:
    """The opening of a chart: an accessible <svg> with its title."""
    svg = (
        f'<svg class="{css}" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    )
    return [svg, f"<title>{escape(title)}</title>"]


def _y_grid(parts: list[str], left: int, width: float, top: int, plot_h: int, peak: int, ticks: int = 5) -> None:
    """Horizontal grid lines with their values, from 0 to `peak`."""
    for t in range(ticks + 1):
        value = peak * t // ticks
        y = top + plot_h - plot_h * t / ticks
        parts.append(f'<line class="es-grid" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')


def _stack(
    parts: list[str],
    series: list[Series],
    i: int,
    label: str,
    x: float,
    col_w: int,
    base: float,
    plot_h: int,
    peak: int,
    data: bool,
) -> float:
    """One column of stacked rectangles (series values at index `i`) from `base` up; returns its top."""
    for s in series:
        value = s.values[i]
        if not value:
            continue
        h = plot_h * value / peak
        base -= h
        attrs = f' data-series="{escape(s.label)}" data-count="{value}"' if data else ""
        parts.append(
            f'<rect class="{s.css}" x="{x}" y="{base:.1f}" width="{col_w}" height="{h:.1f}"{attrs}>'
            f"<title>{escape(label)}, {escape(s.label)}: {value}</title></rect>"
        )
    return base


def _legend(parts: list[str], series: list[Series], left: int, first_y: int) -> None:
    """One swatch and label per series, a line each, from baseline `first_y` down."""
    for n, s in enumerate(series):
        y = first_y + 20 * n
        parts.append(f'<rect class="{s.css}" x="{left}" y="{y - 10}" width="12" height="12"/>')
        parts.append(f'<text x="{left + 18}" y="{y}">{escape(s.label)}</text>')


def horizontal_bars(title: str, bars: list[Bar], css: str = "es-bar") -> str:
    label_w = round(max((len(b.label) for b in bars), default=10) * CHAR_W + 12)
    bar_w, row_h, top = 380, 26, 8
    height = top * 2 + row_h * len(bars)
    peak = _nice_max(max((b.value for b in bars), default=1))
    parts = _svg_open(title, label_w + bar_w + 50, height)
    for i, bar in enumerate(bars):
        y = top + i * row_h
        width = round(bar_w * bar.value / peak, 1) if peak else 0
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(bar.label)}</text>')
        parts.append(
            f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{width}" height="{row_h - 8}" rx="2">'
            f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
        )
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 17}">{bar.value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns(title: str, categories: list[str], series: list[Series]) -> str:
    left, col_w, gap, plot_h, top = 40, 44, 14, 240, 12
    legend_w = round(max((len(s.label) for s in series), default=10) * CHAR_W + 30)
    width = max(left + len(categories) * (col_w + gap) + gap, left + legend_w)
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    peak = _nice_max(max(totals, default=1))
    bottom = 34 + 20 * len(series)  # axis labels, then one legend line per series
    height = top + plot_h + bottom
    parts = _svg_open(title, width, height)
    _y_grid(parts, left, width, top, plot_h, peak)
    for i, category in enumerate(categories):
        x = left + gap + i * (col_w + gap)
        base = _stack(parts, series, i, category, x, col_w, top + plot_h, plot_h, peak, data=False)
        parts.append(
            f'<text x="{x + col_w / 2}" y="{top + plot_h + 18}" text-anchor="middle">{escape(category)}</text>'
        )
        parts.append(f'<text x="{x + col_w / 2}" y="{base - 4:.1f}" text-anchor="middle">{totals[i]}</text>')
    _legend(parts, series, left, top + plot_h + 44)
    parts.append("</svg>")
    return "".join(parts)


def timeline(title: str, periods: list[str], series: list[Series]) -> str:
    """Stacked columns over consecutive periods ("2023 H1", "2023 H2" …), one per period, empty ones included.

    Each column is a group with `data-period` and `data-total`; each segment has `data-series` and
    `data-count`. The axis labels a period's year once, under its first half.
    """
    left, col_w, gap, plot_h, top = 40, 26, 8, 220, 12
    legend_w = round(max((len(s.label) for s in series), default=10) * CHAR_W + 30)
    width = max(left + len(periods) * (col_w + gap) + gap, left + legend_w)
    totals = [sum(s.values[i] for s in series) for i in range(len(periods))]
    peak = _nice_max(max(totals, default=1))
    bottom = 50 + 20 * len(series)  # half labels, year labels, then one legend line per series
    height = top + plot_h + bottom
    parts = _svg_open(title, width, height, "es-chart es-timeline")
    _y_grid(parts, left, width, top, plot_h, peak)
    for i, period in enumerate(periods):
        x = left + gap + i * (col_w + gap)
        parts.append(f'<g class="es-period" data-period="{escape(period)}" data-total="{totals[i]}">')
        base = _stack(parts, series, i, period, x, col_w, top + plot_h, plot_h, peak, data=True)
        if totals[i]:
            parts.append(f'<text x="{x + col_w / 2}" y="{base - 4:.1f}" text-anchor="middle">{totals[i]}</text>')
        year, _, half = period.partition(" ")
        parts.append(
            f'<text class="es-timeline__half" x="{x + col_w / 2}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{escape(half or period)}</text>"
        )
        if half in ("", "H1") or i == 0:
            parts.append(f'<text x="{x}" y="{top + plot_h + 34}">{escape(year)}</text>')
        parts.append("</g>")
    _legend(parts, series, left, top + plot_h + 62)
    parts.append("</svg>")
    return "".join(parts)
