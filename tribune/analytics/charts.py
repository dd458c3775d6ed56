# ruff: noqa: E501  (SVG markup reads better one element per line)
"""Server-side SVG charts for dashboards and PDF reports (no JavaScript; WeasyPrint
renders inline SVG). Every chart has a title and an accessible name; the data is also
available as a table and CSV next to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1f2937"
MUTED = "#9ca3af"
ACCENT = "#2563eb"
WEEKDAYS = (
    ("Mon", "lun."),
    ("Tue", "mar."),
    ("Wed", "mer."),
    ("Thu", "jeu."),
    ("Fri", "ven."),
    ("Sat", "sam."),
    ("Sun", "dim."),
)


def _fmt(value: float) -> str:
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f} k".replace(",", " ")
    if value != int(value):
        return f"{value:,.1f}".replace(",", " ")
    return f"{value:,.0f}".replace(",", " ")


def _empty() -> SafeString:
    return mark_safe(f'<p class="muted">{escape(_("Not enough data for a chart yet."))}</p>')  # noqa: S308


def line_chart(
    current: Sequence[tuple[date, float]],
    previous: Sequence[tuple[date, float]] | None = None,
    *,
    title: str,
    width: int = 640,
    height: int = 200,
    from_zero: bool = True,
) -> SafeString:
    """The period's daily values as a line, the previous period dashed behind it.
    ``from_zero=False`` scales between the lowest and highest values (followers)."""
    if len(current) < 2:
        return _empty()
    series = [list(current)] + ([list(previous)] if previous else [])
    values = [v for s in series for _d, v in s]
    low = 0.0 if from_zero else min(values)
    high = max(values)
    span = (high - low) or 1.0
    left, right, top, bottom = 48, 12, 16, height - 28
    n = max(len(s) for s in series)
    step = (width - left - right) / max(n - 1, 1)

    def points(s: list[tuple[date, float]]) -> str:
        return " ".join(
            f"{left + i * step:.1f},{bottom - (v - low) / span * (bottom - top):.1f}"
            for i, (_d, v) in enumerate(s)
        )

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" stroke="{MUTED}"/>',
        f'<line x1="{left}" y1="{top}" x2="{width - right}" y2="{top}" stroke="#e5e7eb"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end" fill="{INK}">{_fmt(high)}</text>',
        f'<text x="{left - 6}" y="{bottom + 4}" font-size="11" text-anchor="end" fill="{INK}">{_fmt(low)}</text>',
    ]
    if previous:
        parts.append(
            f'<polyline fill="none" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="4 3" '
            f'points="{points(list(previous))}"><title>{escape(_("Previous period"))}</title></polyline>'
        )
    parts.append(
        f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2.2" points="{points(list(current))}"/>'
    )
    first, last = current[0][0], current[-1][0]
    parts += [
        f'<text x="{left}" y="{height - 8}" font-size="11" fill="{INK}">{first:%d/%m}</text>',
        f'<text x="{width - right}" y="{height - 8}" font-size="11" text-anchor="end" fill="{INK}">{last:%d/%m}</text>',
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str, width: int = 640, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per label (accounts, posts, goals …)."""
    if not bars:
        return _empty()
    row, label_w = 26, 180
    height = row * len(bars) + 8
    high = max(v for _l, v in bars) or 1.0
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(bars):
        y = 4 + i * row
        w = max(1.0, value / high * (width - label_w - 70))
        short = label if len(label) <= 28 else label[:27] + "…"
        parts += [
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="12" text-anchor="end" fill="{INK}">{escape(short)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{ACCENT}" rx="2"/>',
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" font-size="12" fill="{INK}">{_fmt(value)}{escape(unit)}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def heatmap(
    cells: dict[tuple[int, int], float], *, title: str, french: bool = True, width: int = 640
) -> SafeString:
    """Weekday × hour grid (brand's local time); darker = higher value. ``cells`` maps
    (weekday 0 = Monday, hour) to a value; missing cells are blank (no post then)."""
    if not cells:
        return _empty()
    left, top = 40, 18
    cw = (width - left - 4) / 24
    ch = 20
    height = top + 7 * ch + 4
    high = max(cells.values()) or 1.0
    parts = [
        f'<svg class="chart heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for hour in range(0, 24, 3):
        parts.append(
            f'<text x="{left + hour * cw + 2:.1f}" y="12" font-size="10" fill="{INK}">{hour}h</text>'
        )
    for wd in range(7):
        name = WEEKDAYS[wd][1 if french else 0]
        y = top + wd * ch
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end" fill="{INK}">{name}</text>'
        )
        for hour in range(24):
            x = left + hour * cw
            value = cells.get((wd, hour))
            if value is None:
                fill, opacity = "#f3f4f6", 1.0
            else:
                fill, opacity = ACCENT, 0.12 + 0.88 * (value / high)
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cw - 1:.1f}" height="{ch - 2}" fill="{fill}" '
                f'fill-opacity="{opacity:.2f}"><title>{name} {hour}h: '
                f"{'—' if value is None else _fmt(round(value, 2))}</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
