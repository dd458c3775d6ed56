"""KPI providers measured by analytics, so objectives in strategy show their progress.

Each provider turns the KPI's [start, end) datetimes back into the brand's local dates and
reads the daily rollups (kept fresh by the ``analytics.refresh`` job).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.analytics import kpis
from tribune.strategy.kpis import declare, provider


def _period(brand: Brand, start: datetime, end: datetime) -> kpis.Period:
    tz = brand.tz
    return kpis.Period(
        start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    )


def _accounts(brand: Brand, kpi: Any) -> list[int] | None:
    from tribune.networks.models import SocialAccount

    if getattr(kpi, "account_id", None):
        return [kpi.account_id]
    network = getattr(kpi, "network", "")
    if network:
        return list(
            SocialAccount.objects.filter(brand=brand, network=network).values_list("id", flat=True)
        )
    return None


def _totals(brand: Brand, kpi: Any, start: datetime, end: datetime) -> kpis.Totals:
    return kpis.totals(brand, _period(brand, start, end), _accounts(brand, kpi))


declare(
    "engagement_rate",
    _("Engagement rate (%)"),
    _(
        "Interactions received ÷ impressions in the period, for posts whose network reports impressions."  # noqa: E501
    ),
)
declare("impressions", _("Impressions"), _("Impressions received in the period."))
declare(
    "link_clicks", _("Tracked link clicks"), _("Clicks on Tribune's short links, bots excluded.")
)
declare("ctr", _("Click-through rate (%)"), _("Tracked link clicks ÷ impressions."))
declare("conversions", _("Conversions"), _("Conversions recorded in the period (all goals)."))
declare(
    "cost_per_result",
    _("Cost per result"),
    _("Budget spent on the brand's running campaigns ÷ conversions in the period."),
)
declare(
    "share_of_voice",
    _("Share of voice (%)"),
    _("Mentions of the brand ÷ mentions of the brand or its competitors (listening)."),
)
declare(
    "response_time",
    _("Median response time (minutes)"),
    _("Median time to the first answer of messages received in the period (inbox)."),
)


@provider("engagement_rate")
def engagement_rate(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    return _totals(brand, kpi, start, end).engagement_rate


@provider("impressions")
def impressions(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    t = _totals(brand, kpi, start, end)
    return float(t.impressions) if t.impressions else None


@provider("link_clicks")
def link_clicks(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    return float(_totals(brand, kpi, start, end).clicks)


@provider("ctr")
def click_through(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    return _totals(brand, kpi, start, end).ctr


@provider("conversions")
def conversions(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    return float(_totals(brand, kpi, start, end).conversions)


@provider("cost_per_result")
def cost_per_result(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    from tribune.strategy.models import Campaign

    period = _period(brand, start, end)
    spent = Campaign.objects.filter(
        brand=brand, start_date__lte=period.end, end_date__gte=period.start
    ).aggregate(s=Sum("budget_spent"))["s"]
    value = kpis.cost_per_result(spent, _totals(brand, kpi, start, end).conversions)
    return float(value) if value is not None else None


@provider("share_of_voice")
def share_of_voice(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    return kpis.share_of_voice(brand, _period(brand, start, end))["share"]


@provider("response_time")
def response_time(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    period = _period(brand, start, end)
    return kpis.response_times(brand, period, _accounts(brand, kpi))["median_minutes"]
