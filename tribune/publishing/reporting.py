"""What publishing contributes to other areas: KPI providers and the weekly report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from tribune.accounts.models import Brand
from tribune.publishing.models import PostMetricSnapshot, PostStatus, TrackedLink, Variant
from tribune.strategy.kpis import provider


def _published(brand: Brand, start: datetime, end: datetime, kpi: Any = None) -> QuerySet:
    variants = Variant.objects.filter(
        brand=brand, status=PostStatus.PUBLISHED, published_at__gte=start, published_at__lt=end
    )
    network: str = getattr(kpi, "network", "") or ""
    account_id: int | None = getattr(kpi, "account_id", None)
    if network:
        variants = variants.filter(account__network=network)
    if account_id:
        variants = variants.filter(account_id=account_id)
    return variants


def _latest_metrics(variant_ids: list[int]) -> dict[int, PostMetricSnapshot]:
    latest: dict[int, PostMetricSnapshot] = {}
    for row in PostMetricSnapshot.objects.filter(variant_id__in=variant_ids).order_by("at"):
        latest[row.variant_id] = row
    return latest


@provider("posts_published")
def posts_published(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    """Posts that went out in the period, one per account they went out on."""
    return float(_published(brand, start, end, kpi).count())


@provider("engagement")
def engagement(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    """Likes + replies + reposts + quotes of the period's posts, at their latest figure."""
    ids = list(_published(brand, start, end, kpi).values_list("id", flat=True))
    values = [m.engagement for m in _latest_metrics(ids).values() if m.engagement is not None]
    return float(sum(values)) if values else None


def report_section(brand: Brand, start: datetime, end: datetime) -> dict[str, Any]:
    """The weekly CM → SMM report's publishing section (JSON-serialisable)."""
    variants = list(_published(brand, start, end).select_related("account", "post"))
    failed = (
        Variant.objects.filter(brand=brand)
        .filter(
            Q(status=PostStatus.FAILED) | Q(status=PostStatus.NEEDS_ATTENTION),
            post__scheduled_at__gte=start,
            post__scheduled_at__lt=end,
        )
        .count()
    )
    latest = _latest_metrics([v.pk for v in variants])
    clicks: dict[int, int] = {}
    for link in TrackedLink.objects.filter(variant_id__in=[v.pk for v in variants]):
        if link.variant_id is not None:
            clicks[link.variant_id] = clicks.get(link.variant_id, 0) + link.clicks
    rows = []
    for v in variants:
        m = latest.get(v.pk)
        rows.append(
            {
                "post": v.post.title or v.body[:80],
                "account": v.account.handle,
                "network": v.account.network,
                "published_at": v.published_at.astimezone(brand.tz).isoformat()
                if v.published_at
                else None,
                "engagement": m.engagement if m else None,
                "impressions": m.impressions if m else None,
                "clicks": clicks.get(v.pk, 0),
            }
        )
    rows.sort(key=lambda r: -(r["engagement"] or 0))
    known = [r["engagement"] for r in rows if r["engagement"] is not None]
    return {
        "published": len(rows),
        "failed": failed,
        "engagement": sum(known) if known else None,
        "clicks": sum(r["clicks"] for r in rows),
        "top": rows[:5],
    }
