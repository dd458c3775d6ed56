"""Dashboards: brand, account, campaign, and the agency overview across client brands."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.access import brand_access, brands_for_user
from tribune.accounts.roles import Cap
from tribune.analytics import charts, dashboard, kpis, pages
from tribune.analytics.dashboard import Table
from tribune.analytics.forms import RangeForm
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


@analytics_view()
def brand_dashboard(request: AuthedRequest) -> HttpResponse:
    period, form = period_from(request)
    brand = request.brand
    context = dict(pages.brand_page(brand, period))
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
    context = dict(pages.account_page(request.brand, account.pk, period))
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
