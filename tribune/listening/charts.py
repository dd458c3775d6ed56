"""A small multi-series SVG line chart (volume by sentiment), no JavaScript."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

COLOURS = {"negative": "#c0392b", "neutral": "#7f8c8d", "positive": "#27ae60"}


def multi_line_chart(
    series: Mapping[str, Sequence[tuple[datetime, float]]],
    labels: dict[str, str],
    *,
    title: str,
    width: int = 640,
    height: int = 180,
) -> SafeString:
    lengths = {len(points) for points in series.values()}
    if not series or min(lengths) < 2:
        return format_html('<p class="muted">{}</p>', _("Not enough data for a chart yet."))
    high = max(v for points in series.values() for _t, v in points) or 1.0
    pad, bottom = 28, height - 40
    count = min(lengths)
    step = (width - 2 * pad) / (count - 1)
    lines = []
    for key, points in series.items():
        coords = " ".join(
            f"{pad + i * step:.1f},{bottom - v / high * (bottom - pad):.1f}"
            for i, (_t, v) in enumerate(points[:count])
        )
        lines.append((COLOURS.get(key, "currentColor"), labels.get(key, key), coords))
    first = next(iter(series.values()))
    legend = format_html_join(
        "",
        '<text x="{}" y="{}" class="axis" fill="{}">{}</text>',
        ((pad + i * 110, height - 4, colour, label) for i, (colour, label, _c) in enumerate(lines)),
    )
    paths = format_html_join(
        "",
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}">'
        "<title>{}</title></polyline>",
        ((colour, coords, label) for colour, label, coords in lines),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{title}">'
        "<title>{title}</title>{paths}"
        '<text x="{pad}" y="14" class="axis">{high}</text>'
        '<text x="{pad}" y="{datey}" class="axis">{start}</text>'
        '<text x="{right}" y="{datey}" class="axis" text-anchor="end">{end}</text>'
        "{legend}</svg>",
        w=width,
        h=height,
        title=title,
        paths=paths,
        pad=pad,
        high=f"{high:,.0f}",
        datey=bottom + 16,
        start=first[0][0].strftime("%d/%m"),
        end=first[count - 1][0].strftime("%d/%m"),
        right=width - pad,
        legend=legend,
    )
