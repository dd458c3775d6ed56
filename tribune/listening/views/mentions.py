"""Mentions, filtered by query, sentiment, language, network and words."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.listening.models import Mention, Query
from tribune.listening.views.common import listening_view, tabs


@listening_view()
def mention_list(request: AuthedRequest) -> HttpResponse:
    mentions = Mention.objects.filter(brand=request.brand)
    params = request.GET
    if (query_id := params.get("query", "")).isdigit():
        mentions = mentions.filter(queries__id=int(query_id))
    if (sentiment := params.get("sentiment")) in Mention.Sentiment.values:
        mentions = mentions.filter(sentiment=sentiment)
    if language := params.get("language", "").strip()[:8]:
        mentions = mentions.filter(language=language)
    if network := params.get("network", "").strip()[:30]:
        mentions = mentions.filter(network=network)
    if words := params.get("q", "").strip()[:200]:
        mentions = mentions.filter(text__icontains=words)
    if params.get("toxic") == "1":
        mentions = mentions.filter(toxicity__gte=0.5)
    page = Paginator(mentions.select_related("source"), 50).get_page(params.get("page"))
    context = {
        **tabs(request, "mentions"),
        "page": page,
        "can_correct": request.access.can(Cap.MODERATE),
        "queries": Query.objects.filter(brand=request.brand),
        "sentiments": Mention.Sentiment.choices,
        "networks": sorted(
            set(Mention.objects.filter(brand=request.brand).values_list("network", flat=True))
        ),
        "filters": {
            k: params.get(k, "")
            for k in ("query", "sentiment", "language", "network", "q", "toxic")
        },
        "query_string": "&".join(
            f"{k}={v}"
            for k in ("query", "sentiment", "language", "network", "toxic")
            if (v := params.get(k, "")) and v.isalnum()
        ),
    }
    return render(request, "listening/mentions.html", context)
