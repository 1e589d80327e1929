"""Charts drawn on the server as inline SVG: no JavaScript, no library, nothing to load.

Each chart carries a <title> and the page shows the same numbers as a table,
so the figure is never only in the picture. Every value written into the SVG
is a number we format or a label passed through ``escape``.
"""

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINE = "#1d4ed8"  # blue 700 on white: 6.7:1
TARGET = "#7c2d12"  # orange 900
GRID = "#d1d5db"
TEXT = "#374151"


def _scale(values: list[Decimal | None], extra: list[Decimal | None] = ()) -> tuple[float, float]:
    numbers = [float(v) for v in [*values, *extra] if v is not None]
    if not numbers:
        return 0.0, 1.0
    low, high = min(min(numbers), 0.0), max(numbers)
    if high == low:
        high = low + 1
    return low, high + (high - low) * 0.1


def _segments(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    segments, current = [], []
    for point in points:
        if point is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point)
    if current:
        segments.append(current)
    return segments


def _polyline(segment, colour: str, width: float, dash: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}/>'


def sparkline(values: list[Decimal | None], *, label: str, width: int = 120, height: int = 32) -> SafeString:
    """A small line of the last months; the tile states the numbers in words next to it."""
    low, high = _scale(values)
    step = width / max(len(values) - 1, 1)

    def point(index, value):
        if value is None:
            return None
        return index * step, height - 2 - (float(value) - low) / (high - low) * (height - 4)

    points = [point(i, v) for i, v in enumerate(values)]
    parts = [
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" focusable="false">'
    ]
    for segment in _segments(points):
        parts.append(_polyline(segment, LINE, 1.5))
        if len(segment) == 1:
            x, y = segment[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and an escaped label only


def month_chart(
    months: list[date],
    values: list[Decimal | None],
    targets: list[Decimal | None],
    *,
    title: str,
    unit_suffix: str = "",
    width: int = 760,
    height: int = 260,
) -> SafeString:
    """Monthly values as a line with dots, and the target as a dashed step line."""
    left, right, top, bottom = 56, 28, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = _scale(values, targets)
    step = plot_w / max(len(months) - 1, 1)

    def x(index):
        return left + index * step

    def y(value):
        return top + plot_h - (float(value) - low) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" width="100%" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" '
        f'preserveAspectRatio="xMidYMid meet"><title id="chart-title">{escape(title)}</title>'
    ]
    for index in range(5):
        value = low + (high - low) * index / 4
        gy = y(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="11" fill="{TEXT}">'
            f"{value:,.0f}{escape(unit_suffix)}</text>"
        )
    for index, month in enumerate(months):
        if index % 3 == 0 or index == len(months) - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{height - 12}" text-anchor="middle" font-size="11" fill="{TEXT}">'
                f"{escape(date_format(month, 'm/y'))}</text>"
            )
    target_points = [(x(i), y(t)) if t is not None else None for i, t in enumerate(targets)]
    for segment in _segments(target_points):
        if len(segment) == 1:
            segment = [(segment[0][0] - step / 2, segment[0][1]), (segment[0][0] + step / 2, segment[0][1])]
        parts.append(_polyline(segment, TARGET, 1.5, "6 4"))
    points = [(x(i), y(v)) if v is not None else None for i, v in enumerate(values)]
    for segment in _segments(points):
        parts.append(_polyline(segment, LINE, 2))
    for point in points:
        if point is not None:
            parts.append(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped labels only
