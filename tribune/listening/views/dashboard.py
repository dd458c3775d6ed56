"""The listening overview: volume by sentiment, share of voice, authors, terms, alerts."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.core.http import AuthedRequest
from tribune.listening.charts import multi_line_chart
from tribune.listening.models import Alert, Mention
from tribune.listening.services import stats
from tribune.listening.views.common import listening_view, tabs

PERIODS = (7, 30, 90)


@listening_view()
def dashboard(request: AuthedRequest) -> HttpResponse:
    brand = request.brand
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    now = timezone.now()
    start = now - timedelta(days=days)
    series = stats.volume_by_sentiment(brand, start, now)
    labels = dict(Mention.Sentiment.choices)
    top_terms, emerging = stats.terms(brand, now)
    sov = stats.share_of_voice(brand, start, now)
    context = {
        **tabs(request, "dashboard"),
        "days": days,
        "periods": PERIODS,
        "chart": multi_line_chart(
            series, {k: str(v) for k, v in labels.items()}, title=_("Mentions per day by sentiment")
        ),
        "totals": {k: int(sum(v for _t, v in points)) for k, points in series.items()},
        "share_of_voice": sov,
        "top_authors": stats.top_authors(brand, start, now),
        "top_terms": top_terms,
        "emerging": emerging,
        "open_alerts": Alert.objects.filter(brand=brand, status__in=Alert.OPEN).select_related(
            "query"
        ),
    }
    return render(request, "listening/dashboard.html", context)
