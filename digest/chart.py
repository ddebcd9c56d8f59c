"""The trend-volume chart as inline SVG: stories per family over the recent windows.

Drawn from numbers and our own labels only (no feed text), with fixed geometry and
rounded coordinates so the same chart is the same bytes. Inline SVG needs no network
asset; mail clients that drop SVG still get the table of figures beside it.
"""

from __future__ import annotations

from html import escape

from spacebrief.classifiers.types import TrendFamily
from spacebrief.digest.types import Chart

COLOURS = {
    TrendFamily.RISING: "#b91c1c",
    TrendFamily.DECLINING: "#1d4ed8",
    TrendFamily.WATCH: "#d97706",
}
_WIDTH, _HEIGHT = 640, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 12, 28, 34


def chart_svg(chart: Chart) -> str:
    windows = len(chart.window_labels)
    top = max((v for s in chart.series for v in s.values), default=0)
    scale_top = max(4, -(-top // 4) * 4)  # a multiple of 4, so the 5 gridlines are integers
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    group_w = plot_w / max(windows, 1)
    bar_w = min(22.0, group_w * 0.8 / max(len(chart.series), 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="chart-title" '
        f'style="max-width:{_WIDTH}px;height:auto;display:block">',
        '<title id="chart-title">On-theme stories per trend family, recent windows</title>',
    ]
    for step in range(5):
        value = scale_top * step / 4
        y = _TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}" '
            f'stroke="#e5e7eb" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#6b7280" font-family="Arial,sans-serif">{value:.0f}</text>'
        )
    for w, label in enumerate(chart.window_labels):
        group_x = _LEFT + group_w * w
        start = group_x + (group_w - bar_w * len(chart.series)) / 2
        for s, series in enumerate(chart.series):
            value = series.values[w] if w < len(series.values) else 0
            height = plot_h * value / scale_top
            x = start + s * bar_w
            y = _TOP + plot_h - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS.get(series.family, "#6b7280")}">'
                f"<title>{escape(series.label)}, {escape(label)}: {value}</title></rect>"
            )
        weight = "bold" if w == windows - 1 else "normal"
        parts.append(
            f'<text x="{group_x + group_w / 2:.1f}" y="{_HEIGHT - _BOTTOM + 16}" font-size="11" '
            f'text-anchor="middle" fill="#374151" font-weight="{weight}" '
            f'font-family="Arial,sans-serif">{escape(label)}</text>'
        )
    legend_x = _LEFT
    for series in chart.series:
        colour = COLOURS.get(series.family, "#6b7280")
        parts.append(
            f'<rect x="{legend_x}" y="8" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="17" font-size="11" fill="#374151" '
            f'font-family="Arial,sans-serif">{escape(series.label)}</text>'
        )
        legend_x += 24 + 7 * len(series.label)
    parts.append("</svg>")
    return "".join(parts)
