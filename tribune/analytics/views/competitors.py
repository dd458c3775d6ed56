"""Competitor benchmark: follow public accounts, collect or type in their figures, compare."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.analytics import charts
from tribune.analytics import competitors as service
from tribune.analytics.dashboard import Table
from tribune.analytics.forms import CompetitorFiguresForm, CompetitorForm
from tribune.analytics.models import Competitor, CompetitorSnapshot
from tribune.analytics.views.common import (
    CONFIGURE,
    analytics_view,
    export,
    get_in_scope,
    page_context,
    period_from,
    require,
)
from tribune.core.audit import record_audit
from tribune.core.http import AuthedRequest


@analytics_view()
def competitor_list(request: AuthedRequest) -> HttpResponse:
    period, range_form = period_from(request)
    rows = service.comparison(request.brand, period)
    table = Table(
        "competitors",
        _("Benchmark"),
        [
            ("name", _("Account")),
            ("network", _("Network")),
            ("handle", _("Handle")),
            ("followers", _("Followers")),
            ("posts_last_30d", _("Posts")),
            ("engagement_rate", _("Engagement rate per post (%)")),
        ],
        rows,
    )
    csv = export(request, [table], period)
    if csv is not None:
        return csv
    form = CompetitorForm(request.POST or None, brand=request.brand)
    if request.method == "POST":
        require(request, CONFIGURE)
        if form.is_valid():
            competitor = form.save(commit=False)
            competitor.brand = request.brand
            competitor.save()
            record_audit(
                "analytics.competitor_added",
                actor=request.user,
                brand=request.brand,
                obj=competitor,
            )
            service.collect(competitor)
            return redirect("analytics:competitors", brand_slug=request.brand.slug)
    return render(
        request,
        "analytics/competitors.html",
        {
            **page_context(request, "competitors", period, range_form),
            "rows": rows,
            "form": form,
            "figures_form": CompetitorFiguresForm(),
            "chart": charts.bar_chart(
                [
                    (f"@{r['handle']}", float(r["followers"]))
                    for r in rows
                    if r["followers"] is not None
                ],
                title=_("Followers"),
            ),
            "collectable": sorted(service.READERS),
        },
    )


@analytics_view(CONFIGURE)
@require_POST
def competitor_action(
    request: AuthedRequest, competitor_id: int, competitor_op: str
) -> HttpResponse:
    competitor = get_in_scope(Competitor, competitor_id)
    op = competitor_op
    if op == "collect":
        if service.collect(competitor) is None:
            messages.error(
                request,
                competitor.last_error
                or _("Figures of this network cannot be collected; type them in."),
            )
    elif op == "figures":
        form = CompetitorFiguresForm(request.POST)
        if form.is_valid():
            CompetitorSnapshot.objects.create(
                competitor=competitor,
                brand=request.brand,
                at=timezone.now(),
                source=CompetitorSnapshot.Source.MANUAL,
                **form.cleaned_data,
            )
        else:
            messages.error(request, _("Check the figures: numbers only, rate between 0 and 100."))
    elif op == "remove":
        record_audit(
            "analytics.competitor_removed", actor=request.user, brand=request.brand, obj=competitor
        )
        competitor.delete()
    else:
        from django.http import Http404

        raise Http404
    return redirect("analytics:competitors", brand_slug=request.brand.slug)
