"""Response times against the charter's targets: the brand, business vs off hours, people."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.inbox.services.sla import Targets
from tribune.inbox.services.stats import response_stats
from tribune.inbox.views.common import inbox_view, tabs_context
from tribune.web.charts import line_chart

PERIODS = (7, 30, 90)


@inbox_view(Cap.VIEW)
def stats_view(request: AuthedRequest) -> HttpResponse:
    days = int(request.GET.get("days", "30")) if request.GET.get("days", "").isdigit() else 30
    days = days if days in PERIODS else 30
    stats = response_stats(request.brand, days)
    targets = Targets.of(request.brand)
    return render(
        request,
        "inbox/stats.html",
        {
            "stats": stats,
            "targets": targets,
            "periods": PERIODS,
            "chart": line_chart(
                stats.daily_median, label=_("Median response time per day (minutes)")
            ),
            **tabs_context(request, "stats"),
        },
    )
