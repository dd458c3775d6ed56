"""Numbers for the listening dashboard (read-only, inside the brand scope)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from tribune.accounts.models import Brand
from tribune.listening.detector import _TOKEN, STOPWORDS
from tribune.listening.models import Mention, MentionMatch, Query

SENTIMENTS = ("negative", "neutral", "positive")


def volume_by_sentiment(
    brand: Brand, start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, float]]]:
    """Mentions per local day and sentiment, zero-filled."""
    rows = (
        Mention.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
        .annotate(day=TruncDate("published_at"))
        .values("day", "sentiment")
        .annotate(n=Count("id"))
    )
    found = {(r["day"], r["sentiment"]): r["n"] for r in rows}
    days = []
    day = start.date()
    while day <= end.date():
        days.append(day)
        day += timedelta(days=1)
    series = {}
    for sentiment in SENTIMENTS:
        series[sentiment] = [
            (datetime(d.year, d.month, d.day), float(found.get((d, sentiment), 0))) for d in days
        ]
    return series


def share_of_voice(brand: Brand, start: datetime, end: datetime) -> list[dict]:
    """Mentions per query, with the share of all of them; competitors included."""
    counts = dict(
        MentionMatch.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
        .values_list("query")
        .annotate(n=Count("id"))
        .values_list("query", "n")
    )
    queries = list(Query.objects.filter(brand=brand))
    total = sum(counts.values()) or 1
    rows = [
        {
            "query": q,
            "count": counts.get(q.pk, 0),
            "share": round(100 * counts.get(q.pk, 0) / total, 1),
            "competitor": q.kind == Query.Kind.COMPETITOR,
        }
        for q in queries
    ]
    return sorted(rows, key=lambda r: -r["count"])


def top_authors(brand: Brand, start: datetime, end: datetime, limit: int = 10) -> list[dict]:
    rows = (
        Mention.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
        .exclude(author="")
        .values("author", "network")
        .annotate(n=Count("id"))
        .order_by("-n", "author")[:limit]
    )
    return [dict(row) for row in rows]


def _words(text: str) -> set[str]:
    return {w.lower() for w in _TOKEN.findall(text)} - STOPWORDS


def terms(
    brand: Brand, now: datetime, weeks: int = 4, limit: int = 12, sample: int = 20_000
) -> tuple[list[tuple[str, int]], list[tuple[str, int, float]]]:
    """Top terms of the last 7 days, and emerging ones: ``(term, count, ratio)`` where
    ratio compares this week's count with the weekly mean of the ``weeks`` before
    (smoothed by one so that a brand-new word is not infinitely emerging)."""
    start = now - timedelta(days=7 * (weeks + 1))
    texts = Mention.objects.filter(brand=brand, published_at__gte=start, published_at__lt=now)
    current: Counter[str] = Counter()
    before: Counter[str] = Counter()
    week_start = now - timedelta(days=7)
    for text, published in texts.values_list("text", "published_at")[:sample]:
        (current if published >= week_start else before).update(_words(text))
    top = current.most_common(limit)
    emerging = []
    for word, count in current.items():
        if count < 3:
            continue
        ratio = (count + 1) / (before[word] / weeks + 1)
        if ratio >= 2:
            emerging.append((word, count, round(ratio, 1)))
    emerging.sort(key=lambda t: (-t[2], -t[1], t[0]))
    return top, emerging[:limit]
