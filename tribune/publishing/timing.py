"""When to post: the next free queue slot, and the best hours learnt from past posts."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.networks.models import SocialAccount
from tribune.publishing.models import PostMetricSnapshot, PostStatus, QueueSlot, Variant
from tribune.publishing.recurrence import local_to_utc

HISTORY = timedelta(days=90)
MIN_POSTS = 3  # fewer posts in an hour of the week is noise, not a pattern


def next_free_slot(
    brand: Brand,
    accounts: list[SocialAccount],
    after: datetime | None = None,
    horizon_days: int = 28,
) -> datetime | None:
    """The first slot of any of these accounts, after ``after``, where none of them already
    has a post planned at that exact time."""
    after = after or timezone.now() + timedelta(minutes=5)
    slots = list(QueueSlot.objects.filter(account__in=accounts))
    if not slots:
        return None
    taken = set(
        Variant.objects.filter(
            account__in=accounts,
            status__in=[
                PostStatus.SCHEDULED,
                PostStatus.APPROVED,
                PostStatus.IN_REVIEW,
                PostStatus.DRAFT,
            ],
            post__scheduled_at__gte=after,
        ).values_list("post__scheduled_at", flat=True)
    )
    tz = brand.tz
    first_day = after.astimezone(tz).date()
    for offset in range(horizon_days):
        day = first_day + timedelta(days=offset)
        for slot in sorted((s for s in slots if s.weekday == day.weekday()), key=lambda s: s.time):
            when = local_to_utc(day, slot.time, tz)
            if when > after and when not in taken:
                return when
    return None


def best_hours(
    brand: Brand, account: SocialAccount, now: datetime | None = None, top: int = 3
) -> list[dict]:
    """Hours of the week whose past posts got the best engagement rate on this account.

    Engagement rate of a post = (likes + replies + reposts + quotes) / impressions at its
    latest figure; averaged per (weekday, hour) of publication in the brand's time zone,
    keeping only hours with at least ``MIN_POSTS`` posts.
    """
    now = now or timezone.now()
    variants = Variant.objects.filter(
        account=account, status=PostStatus.PUBLISHED, published_at__gte=now - HISTORY
    )
    published = dict(variants.values_list("id", "published_at"))
    latest: dict[int, PostMetricSnapshot] = {}
    for row in PostMetricSnapshot.objects.filter(variant_id__in=list(published)).order_by("at"):
        latest[row.variant_id] = row
    buckets: dict[tuple[int, int], list[float]] = defaultdict(list)
    for variant_id, snap in latest.items():
        moment = published[variant_id]
        if moment is not None and snap.impressions and snap.engagement is not None:
            local = moment.astimezone(brand.tz)
            buckets[(local.weekday(), local.hour)].append(snap.engagement / snap.impressions)
    ranked = sorted(
        ((sum(v) / len(v), key, len(v)) for key, v in buckets.items() if len(v) >= MIN_POSTS),
        reverse=True,
    )
    return [
        {"weekday": wd, "hour": hour, "rate": round(rate * 100, 2), "posts": n}
        for rate, (wd, hour), n in ranked[:top]
    ]
