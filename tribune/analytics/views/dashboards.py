"""Dashboards: brand, account, campaign, and the agency overview across client brands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tribune.accounts.access import brand_access, brands_for_user
from tribune.accounts.roles import Cap
from tribune.analytics import charts, dashboard, kpis
from tribune.analytics.dashboard import Table
from tribune.analytics.forms import RangeForm
from tribune.analytics.models import RollupState
from tribune.analytics.views.common import (
    analytics_view,
    export,
    get_in_scope,
    page_context,
    period_from,
)
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount


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


DAILY_FIELDS = ("engagement", "impressions", "clicks", "posts", "conversions")
CACHE_SECONDS = 900


def _views_of(
    request: AuthedRequest, period: kpis.Period, accounts: list[int] | None
) -> dict[str, object]:
    brand = request.brand
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


def _cached(
    request: AuthedRequest, key: str, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The figures of a page, kept until the rollups next change (their refresh time is
    part of the key), so the same dashboard opened again costs one lookup."""
    state = RollupState.objects.filter(name="main").values_list("refreshed_at", flat=True).first()
    if state is None:
        return build()
    full = f"analytics:{key}:{request.brand.pk}:{get_language()}:{state.timestamp()}"
    data = cache.get(full)
    if data is None:
        data = build()
        cache.set(full, data, CACHE_SECONDS)
    return data  # type: ignore[no-any-return]


@analytics_view()
def brand_dashboard(request: AuthedRequest) -> HttpResponse:
    period, form = period_from(request)
    brand = request.brand

    def build() -> dict[str, Any]:
        from tribune.strategy.models import Campaign

        data = _views_of(request, period, None)
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

    context = dict(_cached(request, f"brand:{period.start}:{period.end}", build))
    tables = [context["accounts"], context["goals"], context["top_posts"], context["daily"]]
    csv = export(request, tables, period)
    if csv is not None:
        return csv
    context.update(page_context(request, "dashboard", period, form))
    return render(request, "analytics/dashboard.html", context)


@analytics_view()
def account_dashboard(request: AuthedRequest, account_id: int) -> HttpResponse:
    account = get_in_scope(SocialAccount, account_id)
    period, form = period_from(request)
    context = dict(
        _cached(
            request,
            f"account:{account.pk}:{period.start}:{period.end}",
            lambda: _views_of(request, period, [account.pk]),
        )
    )
    csv = export(request, [context["top_posts"], context["daily"]], period)  # type: ignore[list-item]
    if csv is not None:
        return csv
    followers = kpis.daily(request.brand, period, ("followers",), [account.pk])["followers"]
    context.update(
        page_context(request, "dashboard", period, form),
        account=account,
        followers_chart=charts.line_chart(followers, title=_("Followers"), from_zero=False),
        response=kpis.response_times(request.brand, period, [account.pk]),
    )
    return render(request, "analytics/account.html", context)


@analytics_view()
def campaign_dashboard(request: AuthedRequest, campaign_id: int) -> HttpResponse:
    from tribune.strategy.models import Campaign

    campaign = get_in_scope(Campaign, campaign_id)
    form = RangeForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("start") and form.cleaned_data.get("end"):
        period = kpis.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    else:
        period = kpis.Period(campaign.start_date, campaign.end_date)
    figures = dashboard.campaign_figures(request.brand, campaign, period)
    csv = export(request, [figures["goals"]], period)
    if csv is not None:
        return csv
    previous = dashboard.campaign_figures(request.brand, campaign, period.previous())
    context = {
        **page_context(request, "dashboard", period, form),
        "campaign": campaign,
        "figures": figures,
        "previous_figures": previous,
        "goals_chart": charts.bar_chart(
            [(r["goal"], float(r["conversions"])) for r in figures["goals"].rows],
            title=_("Conversions by goal"),
        ),
    }
    return render(request, "analytics/campaign.html", context)


@login_required
def agency_overview(request: HttpRequest) -> HttpResponse:
    """Every client brand the person may read analytics of, side by side."""
    form = RangeForm(request.GET or None)
    period = form.period(timezone.localdate())
    rows = []
    for brand in brands_for_user(request.user):  # type: ignore[arg-type]
        access = brand_access(request.user, brand)  # type: ignore[arg-type]
        if access is None or not access.can(Cap.REPORTS):
            continue
        with brand_scope(brand):
            rows.append(
                dashboard.brand_summary(brand, form.period(timezone.localdate(timezone=brand.tz)))
            )
    table = Table(
        "brands",
        _("Brands"),
        [
            ("name", _("Brand")),
            ("workspace", _("Workspace")),
            ("followers", _("Followers")),
            ("growth", _("Growth")),
            ("posts", _("Posts")),
            ("engagement", _("Engagement")),
            ("engagement_change", _("Engagement change (%)")),
            ("engagement_rate", _("Engagement rate (%)")),
            ("clicks", _("Link clicks")),
            ("conversions", _("Conversions")),
        ],
        [{**r, "name": r["brand"].name, "workspace": r["brand"].workspace.name} for r in rows],
    )
    if request.GET.get("export") == "brands":
        from tribune.analytics.views.common import csv_response

        return csv_response(table, "agency", period)
    return render(
        request,
        "analytics/agency.html",
        {"table": table, "period": period, "range_form": form, "presets": (7, 30, 90)},
    )
