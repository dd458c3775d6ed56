"""Small server-side SVG charts (no JavaScript, readable at a glance)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def line_chart(
    points: Sequence[tuple[datetime, float]], *, label: str, width: int = 560, height: int = 160
) -> SafeString:
    """A line with its min/max labelled and an accessible name."""
    if len(points) < 2:
        return format_html('<p class="muted">{}</p>', _("Not enough data for a chart yet."))
    values = [v for _t, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    pad = 24
    plot_bottom = height - 2 * pad  # room below the line for the date labels
    step = (width - 2 * pad) / (len(points) - 1)
    coords = [
        (pad + i * step, plot_bottom - (v - low) / span * (plot_bottom - pad))
        for i, v in enumerate(values)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    first, last = points[0][0], points[-1][0]
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        "<title>{label}</title>"
        '<polyline fill="none" stroke="currentColor" stroke-width="2" points="{path}"/>'
        '<text x="{pad}" y="14" class="axis">{high}</text>'
        '<text x="{pad}" y="{bottom}" class="axis">{low}</text>'
        '<text x="{pad}" y="{datey}" class="axis">{first}</text>'
        '<text x="{right}" y="{datey}" class="axis" text-anchor="end">{last}</text>'
        "</svg>",
        w=width,
        h=height,
        label=label,
        path=path,
        pad=pad,
        high=f"{high:,.0f}",
        low=f"{low:,.0f}",
        bottom=plot_bottom + 14,
        first=first.strftime("%d/%m"),
        last=last.strftime("%d/%m"),
        right=width - pad,
        datey=height - 6,
    )


def data_rows(rows: Sequence[tuple[str, str]]) -> SafeString:
    return format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", rows)
