"""The figures behind the brand and account dashboards, computed from the rollups and
cached until the rollups next change; the refresh job warms the usual views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.analytics import charts, dashboard, kpis
from tribune.analytics.dashboard import Table
from tribune.analytics.models import RollupState
from tribune.core.scope import brand_scope

DAILY_FIELDS = ("engagement", "impressions", "clicks", "posts", "conversions")
CACHE_SECONDS = 3600
WARM_DAYS = (30, 90)


def _daily_table(series: dict[str, list], fields: list[tuple[str, str]]) -> Table:
    table = Table("daily", _("Day by day"), [("day", _("Day")), *fields])
    days = [d for d, _v in next(iter(series.values()))]
    for i, day in enumerate(days):
        row = {"day": day.isoformat()}
        for key, _label in fields:
            points = series.get(key) or []
            row[key] = round(points[i][1], 2) if i < len(points) else None
        table.rows.append(row)
    return table


def _views_of(brand: Brand, period: kpis.Period, accounts: list[int] | None) -> dict[str, Any]:
    cards, _now, _before = dashboard.cards(brand, period, accounts)
    series = kpis.daily(brand, period, DAILY_FIELDS, accounts)
    previous = kpis.daily(brand, period.previous(), ("engagement",), accounts)["engagement"]
    cells, best = dashboard.best_hours_grid(brand, period, accounts)
    daily = _daily_table(
        series,
        [
            ("engagement", _("Engagement")),
            ("impressions", _("Impressions")),
            ("clicks", _("Link clicks")),
            ("posts", _("Posts")),
            ("conversions", _("Conversions")),
        ],
    )
    return {
        "cards": cards,
        "engagement_chart": charts.line_chart(
            series["engagement"], previous, title=_("Engagement per day (dashed: previous period)")
        ),
        "clicks_chart": charts.line_chart(series["clicks"], title=_("Link clicks per day")),
        "heatmap": charts.heatmap(
            cells,
            title=_("Engagement rate by hour of publication"),
            french=(get_language() or "fr").startswith("fr"),
        ),
        "best_hours": best,
        "top_posts": dashboard.top_posts(brand, period, accounts),
        "daily": daily,
    }


def _cached(brand: Brand, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures of a page, kept until the rollups next change (their refresh time is
    part of the key), so the same dashboard opened again costs one lookup."""
    state = RollupState.objects.filter(name="main").values_list("refreshed_at", flat=True).first()
    if state is None:
        return build()
    full = f"analytics:{key}:{brand.pk}:{get_language()}:{state.timestamp()}"
    data = cache.get(full)
    if data is None:
        data = build()
        cache.set(full, data, CACHE_SECONDS)
    return data  # type: ignore[no-any-return]


def brand_page(brand: Brand, period: kpis.Period) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        from tribune.strategy.models import Campaign

        data = _views_of(brand, period, None)
        accounts = dashboard.account_table(brand, period)
        data.update(
            accounts=accounts,
            accounts_chart=charts.bar_chart(
                [(r["account"], float(r["engagement"])) for r in accounts.rows],
                title=_("Engagement by account"),
            ),
            goals=dashboard.goals_table(brand, period),
            campaigns=list(Campaign.objects.filter(brand=brand).order_by("-start_date")[:12]),
            sov=kpis.share_of_voice(brand, period),
            response=kpis.response_times(brand, period),
            has_data=dashboard.has_data(brand),
        )
        return data

    return _cached(brand, f"brand:{period.start}:{period.end}", build)


def account_page(brand: Brand, account_id: int, period: kpis.Period) -> dict[str, Any]:
    return _cached(
        brand,
        f"account:{account_id}:{period.start}:{period.end}",
        lambda: _views_of(brand, period, [account_id]),
    )


def warm(brand_ids: list[int]) -> int:
    """Compute the 30- and 90-day brand views (in the brand's language) ahead of users."""
    done = 0
    for brand in Brand.objects.filter(pk__in=brand_ids):
        today = timezone.localdate(timezone=brand.tz)
        with brand_scope(brand), translation.override(brand.language):
            for days in WARM_DAYS:
                brand_page(brand, kpis.last_days(today, days))
                done += 1
    return done
