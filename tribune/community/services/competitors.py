"""Competitor communities, from listening: mentions matched by the brand's competitor
queries, their activity and their top voices (volume × audience, and PageRank of who
names whom in those mentions)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tribune.accounts.models import Brand

HANDLE_RE = re.compile(r"(?<![\w@])@([\w][\w.-]{1,60})")


def competitor_report(brand: Brand, days: int = 30, top: int = 10) -> list[dict[str, Any]]:
    import igraph

    from tribune.listening.models import Mention, MentionMatch, Query

    since = timezone.now() - timedelta(days=days)
    own = set(
        MentionMatch.objects.filter(
            query__kind__in=["brand", "product"], published_at__gte=since
        ).values_list("mention_id", flat=True)
    )
    report = []
    for query in Query.objects.filter(kind="competitor"):
        ids = MentionMatch.objects.filter(query=query, published_at__gte=since).values_list(
            "mention_id", flat=True
        )
        mentions = list(
            Mention.objects.filter(pk__in=ids).values_list(
                "author", "network", "sentiment", "reach", "text", "published_at"
            )
        )
        authors: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"count": 0, "reach": 0, "negative": 0, "network": ""}
        )
        edges: Counter = Counter()
        sentiments: Counter = Counter()
        for author, network, sentiment, reach, text, _at in mentions:
            sentiments[sentiment] += 1
            if not author:
                continue
            key = author.lower()
            a = authors[key]
            a["count"] += 1
            a["reach"] = max(a["reach"], reach)
            a["negative"] += sentiment == "negative"
            a["network"] = network
            a["name"] = author
            for handle in HANDLE_RE.findall(text):
                if handle.lower() != key:
                    edges[(key, handle.lower())] += 1
        names = sorted(set(authors) | {b for _a, b in edges})
        pagerank: dict[str, float] = {}
        if edges:
            index = {n: i for i, n in enumerate(names)}
            graph = igraph.Graph(
                n=len(names), edges=[(index[a], index[b]) for a, b in edges], directed=True
            )
            graph.es["weight"] = list(edges.values())
            ranks = graph.pagerank(weights="weight")
            pagerank = {n: ranks[index[n]] * len(names) for n in names}
        voices = sorted(
            (
                {
                    **a,
                    "voice": round(a["count"] * (1 + math.log10(1 + a["reach"])), 1),
                    "influence": round(pagerank.get(k, 0.0), 2),
                }
                for k, a in authors.items()
            ),
            key=lambda v: (-v["voice"], v["name"]),
        )[:top]
        total = len(mentions)
        report.append(
            {
                "query": query,
                "mentions": total,
                "authors": len(authors),
                "per_author": round(total / len(authors), 1) if authors else 0,
                "negative_share": round(sentiments["negative"] / total, 2) if total else 0,
                "positive_share": round(sentiments["positive"] / total, 2) if total else 0,
                "share_of_voice": round(total / (total + len(own)), 2) if total + len(own) else 0,
                "voices": voices,
                "most_named": [
                    {"name": n, "influence": round(v, 2)}
                    for n, v in sorted(pagerank.items(), key=lambda kv: -kv[1])[:5]
                ],
            }
        )
    return report
