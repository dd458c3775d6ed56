"""Collect per-post metrics from the networks, for the per-post performance page."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from tribune.core.scope import brand_scope, unscoped
from tribune.networks.base import NetworkError, RemoteRef
from tribune.publishing.models import LinkClick, PostMetricSnapshot, PostStatus, Variant

logger = logging.getLogger(__name__)
WINDOW = timedelta(days=14)  # posts get most of their reactions in their first days


def collect(now=None) -> int:  # type: ignore[no-untyped-def]
    now = now or timezone.now()
    with unscoped():
        recent = list(
            Variant.objects.filter(
                status=PostStatus.PUBLISHED, published_at__gte=now - WINDOW
            ).select_related("account", "brand")
        )
    by_account: dict[int, list[Variant]] = defaultdict(list)
    for variant in recent:
        by_account[variant.account_id].append(variant)
    stored = 0
    for variants in by_account.values():
        account = variants[0].account
        with brand_scope(account.brand_id):
            try:
                metrics = account.connector().fetch_post_metrics(
                    [RemoteRef(v.remote_id) for v in variants]
                )
            except NetworkError as exc:
                logger.warning("Post metrics of %s failed: %s", account, exc.message)
                continue
            ids = {v.remote_id: v for v in variants}
            rows = [
                PostMetricSnapshot(
                    variant=ids[m.remote_id],
                    brand_id=account.brand_id,
                    at=m.at,
                    likes=m.likes,
                    replies=m.replies,
                    reposts=m.reposts,
                    quotes=m.quotes,
                    impressions=m.impressions,
                    link_clicks=m.link_clicks,
                    saves=m.saves,
                    video_views=m.video_views,
                )
                for m in metrics
                if m.remote_id in ids
            ]
            PostMetricSnapshot.objects.bulk_create(rows)
            stored += len(rows)
    return stored


def clicks_by_hour(variant_ids: list[int]) -> list[tuple]:
    return list(
        LinkClick.objects.filter(link__variant_id__in=variant_ids)
        .exclude(agent="bot")
        .annotate(hour=TruncHour("at"))
        .values("hour")
        .annotate(n=Count("id"))
        .order_by("hour")
        .values_list("hour", "n")
    )


def engagement_series(variant_ids: list[int]) -> list[tuple]:
    """Total engagement across the post's accounts, at each collection time."""
    latest: dict[int, int] = {}
    series = []
    for snap in PostMetricSnapshot.objects.filter(variant_id__in=variant_ids).order_by("at"):
        if snap.engagement is not None:
            latest[snap.variant_id] = snap.engagement
            series.append((snap.at, float(sum(latest.values()))))
    return series
