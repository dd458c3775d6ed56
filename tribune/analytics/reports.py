"""Reports built from a template's sections: HTML for the screen, PDF through WeasyPrint.

Everything is rendered server-side, in the template's language, with the agency's and
the client's logos embedded as data URIs (the PDF needs no network access).
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tribune.accounts.models import Brand
from tribune.analytics import charts, competitors, dashboard, kpis, narrative
from tribune.analytics.models import AgencyBranding, ReportTemplate

# Section key → label shown when the strategist picks sections (in this order in reports).
SECTIONS: list[tuple[str, Any]] = [
    ("summary", gettext_lazy("Written summary of what changed")),
    ("kpis", gettext_lazy("Key figures with the previous period")),
    ("engagement_chart", gettext_lazy("Engagement per day (chart)")),
    ("followers_chart", gettext_lazy("Followers over time (chart)")),
    ("accounts", gettext_lazy("Figures by account (table and chart)")),
    ("top_posts", gettext_lazy("Top posts")),
    ("best_hours", gettext_lazy("Best hours to post (heatmap)")),
    ("conversions", gettext_lazy("Conversions by goal")),
    ("objectives", gettext_lazy("Objectives and KPI progress")),
    ("listening", gettext_lazy("Share of voice and response time")),
    ("competitors", gettext_lazy("Competitor benchmark")),
]
SECTION_KEYS = [key for key, _label in SECTIONS]


def _data_uri(file: FieldFile | None) -> str:
    if not file:
        return ""
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(file.name or "")[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _objectives(brand: Brand) -> list[dict[str, Any]]:
    from tribune.strategy.kpis import measure
    from tribune.strategy.models import Kpi

    rows = []
    for kpi in Kpi.objects.filter(brand=brand, objective__status="active").select_related(
        "objective"
    ):
        progress = measure(brand, kpi)
        rows.append({"kpi": kpi, "objective": kpi.objective, "progress": progress})
    return rows


def build(
    brand: Brand, template: ReportTemplate, period: kpis.Period, kind: str = ""
) -> dict[str, Any]:
    """The report's context, computed in the template's language."""
    with translation.override(template.language):
        sections = [s for s in SECTION_KEYS if s in (template.sections or SECTION_KEYS)]
        french = template.language == "fr"
        context: dict[str, Any] = {
            "brand": brand,
            "template": template,
            "period": period,
            "previous": period.previous(),
            "sections": sections,
            "language": template.language,
            "agency_logo": _data_uri(
                getattr(
                    AgencyBranding.objects.filter(workspace_id=brand.workspace_id).first(),
                    "logo",
                    None,
                )
            ),
            "client_logo": _data_uri(template.client_logo),
            "agency_name": brand.workspace.name,
        }
        cards, now, _before = dashboard.cards(brand, period)
        context["cards"] = cards
        if "summary" in sections:
            context["summary"] = narrative.summary(brand, period, narrative.versus_label(kind))
        if "engagement_chart" in sections:
            series = kpis.daily(brand, period, ("engagement",))["engagement"]
            prev = kpis.daily(brand, period.previous(), ("engagement",))["engagement"]
            context["engagement_chart"] = charts.line_chart(
                series, prev, title=_("Engagement per day (dashed: previous period)")
            )
        if "followers_chart" in sections:
            context["followers_chart"] = charts.line_chart(
                kpis.daily(brand, period, ("followers",))["followers"],
                title=_("Followers"),
                from_zero=False,
            )
        if "accounts" in sections:
            table = dashboard.account_table(brand, period)
            context["accounts"] = table
            context["accounts_chart"] = charts.bar_chart(
                [(r["account"], float(r["engagement"])) for r in table.rows],
                title=_("Engagement by account"),
            )
        if "top_posts" in sections:
            context["top_posts"] = dashboard.top_posts(brand, period, limit=5)
        if "best_hours" in sections:
            cells, best = dashboard.best_hours_grid(brand, period)
            context["heatmap"] = charts.heatmap(
                cells, title=_("Engagement rate by hour of publication"), french=french
            )
            context["best_hours"] = best
        if "conversions" in sections:
            context["goals"] = dashboard.goals_table(brand, period)
        if "objectives" in sections:
            context["objectives"] = _objectives(brand)
        if "listening" in sections:
            context["sov"] = kpis.share_of_voice(brand, period)
            context["response"] = kpis.response_times(brand, period)
        if "competitors" in sections:
            context["competitors"] = competitors.comparison(brand, period)
        context["totals"] = now
    return context


CSS = Path(__file__).parent / "static" / "analytics" / "report.css"


def render_html(context: dict[str, Any], for_pdf: bool = False) -> str:
    # On screen the CSS is a static file (the CSP forbids inline styles); the PDF inlines it.
    css = CSS.read_text() if for_pdf else ""
    with translation.override(context["language"]):
        return render_to_string(
            "analytics/report.html", {**context, "for_pdf": for_pdf, "report_css": css}
        )


def render_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The report holds everything it needs (SVG inline, logos as data URIs): nothing is
    # ever fetched from the network or the disk.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    html = render_html(context, for_pdf=True)
    return bytes(HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf())


def filename(context: dict[str, Any], ext: str) -> str:
    period = context["period"]
    return f"{context['brand'].slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{ext}"
