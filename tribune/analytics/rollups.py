"""Fold raw rows into the daily rollups, incrementally (by id watermarks) or from scratch.

Each kind of raw row is read in id order from the last id already folded in, so a refresh
touches only what arrived since the previous one. Days are the brand's local days, computed
in Python from each brand's IANA zone (SQLite has no time-zone arithmetic; this also keeps
the DST rules in one place). One refresh runs at a time: it locks the state row.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.analytics.models import Conversion, DailyMetric, PostTotals, RollupState
from tribune.core.scope import unscoped
from tribune.networks.models import AccountSnapshot
from tribune.publishing.models import LinkClick, PostMetricSnapshot, PostStatus, Variant

CHUNK = 50_000
ENGAGEMENT = ("likes", "replies", "reposts", "quotes")
# Counters some networks do not give (None, never 0, where no snapshot reported them);
# not part of engagement (docs/analytics.md).
OPTIONAL = ("saves", "video_views")
SUM_FIELDS = (
    "posts",
    *ENGAGEMENT,
    "impressions",
    "rated_engagement",
    "network_clicks",
    "clicks",
    "conversions",
    "conversion_value",
    *OPTIONAL,
)

Key = tuple[int, int | None, date]  # brand, account (None: no account), local day


class _Zones:
    def __init__(self) -> None:
        self._zones: dict[int, zoneinfo.ZoneInfo] = {}

    def zone(self, brand_id: int) -> zoneinfo.ZoneInfo:
        zone = self._zones.get(brand_id)
        if zone is None:
            name = Brand.objects.filter(pk=brand_id).values_list("timezone", flat=True).first()
            zone = self._zones[brand_id] = zoneinfo.ZoneInfo(name or "UTC")
        return zone

    def day(self, brand_id: int, moment: datetime) -> date:
        return moment.astimezone(self.zone(brand_id)).date()


def local_bounds(tz: zoneinfo.ZoneInfo, first: date, last: date) -> tuple[datetime, datetime]:
    """[local midnight of ``first``, local midnight after ``last``) as aware datetimes."""
    return (
        datetime.combine(first, time(0), tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz),
    )


class _Batch:
    """Additions to DailyMetric rows, written in one pass."""

    def __init__(self) -> None:
        self.add: dict[Key, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
        self.posts: dict[Key, int] = {}  # recounted, replaces the stored value
        self.followers: dict[Key, tuple[datetime, int]] = {}

    def bump(self, key: Key, field: str, amount: Any) -> None:
        if amount:
            self.add[key][field] += amount

    def report(self, key: Key, field: str, amount: int) -> None:
        """Like ``bump`` for an optional counter, but a reported 0 counts: the day's
        figure becomes known (0) instead of staying None."""
        self.add[key][field] += amount

    def follower(self, key: Key, at: datetime, value: int) -> None:
        seen = self.followers.get(key)
        if seen is None or at >= seen[0]:
            self.followers[key] = (at, value)

    def write(self) -> int:
        keys = set(self.add) | set(self.posts) | set(self.followers)
        if not keys:
            return 0
        days = {k[2] for k in keys}
        brands = {k[0] for k in keys}
        existing: dict[Key, DailyMetric] = {
            (r.brand_id, r.account_id, r.day): r
            for r in DailyMetric.objects.filter(
                brand_id__in=brands, day__gte=min(days), day__lte=max(days)
            )
        }
        new, changed = [], []
        for key in keys:
            row = existing.get(key)
            if row is None:
                row = DailyMetric(brand_id=key[0], account_id=key[1], day=key[2])
                new.append(row)
            else:
                changed.append(row)
            for field, amount in self.add.get(key, {}).items():
                setattr(row, field, (getattr(row, field) or 0) + amount)
            if key in self.posts:
                row.posts = self.posts[key]
            if key in self.followers:
                at, value = self.followers[key]
                if row.followers_at is None or at >= row.followers_at:
                    row.followers, row.followers_at = value, at
        # One upsert for rows of an account (ON CONFLICT on the unique (account, day));
        # the few rows without an account go through a plain update.
        fields = [*SUM_FIELDS, "followers", "followers_at"]
        with_account = [r for r in new + changed if r.account_id is not None]
        DailyMetric.objects.bulk_create(
            with_account,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["account", "day"],
            update_fields=fields,
        )
        DailyMetric.objects.bulk_create([r for r in new if r.account_id is None])
        DailyMetric.objects.bulk_update([r for r in changed if r.account_id is None], fields)
        return len(keys)


def _totals_for(variant_ids: Iterable[int]) -> dict[int, PostTotals]:
    ids = set(variant_ids)
    found = {t.variant_id: t for t in PostTotals.objects.filter(variant_id__in=ids)}
    missing = ids - set(found)
    if missing:
        rows = Variant.objects.filter(pk__in=missing).values_list(
            "id", "brand_id", "account_id", "published_at"
        )
        for vid, brand_id, account_id, published_at in rows:
            found[vid] = PostTotals(
                variant_id=vid, brand_id=brand_id, account_id=account_id, published_at=published_at
            )
    return found


def _save_totals(totals: Iterable[PostTotals], fields: list[str]) -> None:
    PostTotals.objects.bulk_create(
        list(totals),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["variant"],
        update_fields=fields,
    )


def _fold_snapshots(state: RollupState, zones: _Zones, batch: _Batch) -> int:
    rows = list(
        PostMetricSnapshot.objects.filter(id__gt=state.snapshot_id)
        .order_by("id")
        .values_list(
            "id", "variant_id", "at", *ENGAGEMENT, "impressions", "link_clicks", *OPTIONAL
        )[:CHUNK]
    )
    if not rows:
        return 0
    totals = _totals_for(r[1] for r in rows)
    for row in sorted(rows, key=lambda r: (r[1], r[2], r[0])):
        _sid, vid, at, likes, replies, reposts, quotes, impressions, link_clicks, *optional = row
        total = totals.get(vid)
        if total is None or (total.at is not None and at < total.at):
            continue  # variant gone, or an older observation arriving late
        key = (total.brand_id, total.account_id, zones.day(total.brand_id, at))
        before = total.engagement
        for field, value in zip(ENGAGEMENT, (likes, replies, reposts, quotes), strict=True):
            if value is not None:
                batch.bump(key, field, value - getattr(total, field))
                setattr(total, field, value)
        if impressions is not None:
            batch.bump(key, "impressions", impressions - (total.impressions or 0))
            total.impressions = impressions
            # Interactions become "rated" once the post has a reach figure.
            batch.bump(key, "rated_engagement", total.engagement - total.rated_engagement)
            total.rated_engagement = total.engagement
        elif total.impressions is not None:
            batch.bump(key, "rated_engagement", total.engagement - before)
            total.rated_engagement += total.engagement - before
        if link_clicks is not None:
            batch.bump(key, "network_clicks", link_clicks - (total.link_clicks or 0))
            total.link_clicks = link_clicks
        for field, value in zip(OPTIONAL, optional, strict=True):
            if value is not None:
                batch.report(key, field, value - (getattr(total, field) or 0))
                setattr(total, field, value)
        total.at = at
    _save_totals(
        totals.values(),
        [*ENGAGEMENT, "impressions", "link_clicks", *OPTIONAL, "rated_engagement", "at"],
    )
    state.snapshot_id = rows[-1][0]
    return len(rows)


def _fold_clicks(state: RollupState, zones: _Zones, batch: _Batch) -> int:
    rows = list(
        LinkClick.objects.filter(id__gt=state.click_id)
        .order_by("id")
        .values_list(
            "id", "brand_id", "at", "agent", "link__variant_id", "link__variant__account_id"
        )[:CHUNK]
    )
    if not rows:
        return 0
    per_variant: dict[int, int] = defaultdict(int)
    for _cid, brand_id, at, agent, variant_id, account_id in rows:
        if agent == "bot":
            continue
        batch.bump((brand_id, account_id, zones.day(brand_id, at)), "clicks", 1)
        if variant_id is not None:
            per_variant[variant_id] += 1
    if per_variant:
        totals = _totals_for(per_variant)
        for vid, n in per_variant.items():
            if vid in totals:
                totals[vid].clicks += n
        _save_totals(totals.values(), ["clicks"])
    state.click_id = rows[-1][0]
    return len(rows)


def _fold_conversions(state: RollupState, zones: _Zones, batch: _Batch) -> int:
    rows = list(
        Conversion.objects.filter(id__gt=state.conversion_id)
        .order_by("id")
        .values_list("id", "brand_id", "account_id", "variant_id", "occurred_at", "value")[:CHUNK]
    )
    if not rows:
        return 0
    per_variant: dict[int, int] = defaultdict(int)
    for _cid, brand_id, account_id, variant_id, at, value in rows:
        key = (brand_id, account_id, zones.day(brand_id, at))
        batch.bump(key, "conversions", 1)
        batch.bump(key, "conversion_value", value or Decimal("0"))
        if variant_id is not None:
            per_variant[variant_id] += 1
    if per_variant:
        totals = _totals_for(per_variant)
        for vid, n in per_variant.items():
            if vid in totals:
                totals[vid].conversions += n
        _save_totals(totals.values(), ["conversions"])
    state.conversion_id = rows[-1][0]
    return len(rows)


def _fold_followers(state: RollupState, zones: _Zones, batch: _Batch) -> int:
    rows = list(
        AccountSnapshot.objects.filter(id__gt=state.account_snapshot_id, followers__isnull=False)
        .order_by("id")
        .values_list("id", "brand_id", "account_id", "at", "followers")[:CHUNK]
    )
    if not rows:
        return 0
    for _sid, brand_id, account_id, at, followers in rows:
        if followers is None:
            continue
        batch.follower((brand_id, account_id, zones.day(brand_id, at)), at, followers)
    state.account_snapshot_id = rows[-1][0]
    return len(rows)


def _recount_posts(state: RollupState, zones: _Zones, batch: _Batch) -> int:
    """Recount published variants on every (account, day) that got a new one.

    A variant is new while it has no ``PostTotals`` row (created here), so back-dated
    publications (imports, the demo) are counted as well as live ones.
    """
    # published_at is never null here (filtered), hence the cast.
    recent = cast(
        list[tuple[int, int, int, datetime]],
        list(
            Variant.objects.filter(status=PostStatus.PUBLISHED, published_at__isnull=False)
            .filter(~Exists(PostTotals.objects.filter(variant_id=OuterRef("pk"))))
            .values_list("id", "brand_id", "account_id", "published_at")[:CHUNK]
        ),
    )
    if not recent:
        return 0
    keys = {(b, a, zones.day(b, at)) for _v, b, a, at in recent}
    counts: dict[Key, int] = defaultdict(int)
    for account_id in {k[1] for k in keys}:
        days = sorted(k[2] for k in keys if k[1] == account_id)
        brand_id = next(k[0] for k in keys if k[1] == account_id)
        tz = zones.zone(brand_id)
        start, end = local_bounds(tz, days[0], days[-1])
        rows = Variant.objects.filter(
            status=PostStatus.PUBLISHED,
            account_id=account_id,
            published_at__gte=start,
            published_at__lt=end,
        ).values_list("published_at", flat=True)
        for at in rows:
            if at is not None:
                counts[(brand_id, account_id, at.astimezone(tz).date())] += 1
    for key in keys:
        batch.posts[key] = counts.get(key, 0)
    totals = _totals_for(v for v, *_rest in recent)
    _save_totals(totals.values(), ["published_at"])
    state.published_since = max(at for *_r, at in recent)
    return len(recent)


def refresh(now: datetime | None = None, max_rounds: int = 1000) -> dict[str, int]:
    """Fold everything new into the rollups. Safe to call from several processes."""
    now = now or timezone.now()
    done: dict[str, int] = defaultdict(int)
    with unscoped():
        RollupState.objects.get_or_create(name="main")
        for _round in range(max_rounds):
            with transaction.atomic():
                state = RollupState.objects.select_for_update().get(name="main")
                zones, batch = _Zones(), _Batch()
                counts = {
                    "posts": _recount_posts(state, zones, batch),
                    "snapshots": _fold_snapshots(state, zones, batch),
                    "clicks": _fold_clicks(state, zones, batch),
                    "conversions": _fold_conversions(state, zones, batch),
                    "followers": _fold_followers(state, zones, batch),
                }
                batch.write()
                if any(counts.values()) or state.refreshed_at is None:
                    state.refreshed_at = now  # dashboards' cache key: only on change
                state.save()
            for name, n in counts.items():
                done[name] += n
            if not any(counts.values()) or max(counts.values()) < CHUNK:
                break
    return dict(done)


def rebuild() -> dict[str, int]:
    """Forget the rollups and recompute them from the raw rows (after a brand's time-zone
    change, a deleted post). On PostgreSQL the heavy part is one set-based pass
    (``rebuild_pg``); the incremental fold then adds followers and conversions."""
    with unscoped():
        with transaction.atomic():
            DailyMetric.objects.all().delete()
            PostTotals.objects.all().delete()
            RollupState.objects.filter(name="main").delete()
            if connection.vendor == "postgresql":
                from tribune.analytics.rebuild_pg import rebuild_snapshots_and_posts

                marks = rebuild_snapshots_and_posts()
                RollupState.objects.create(name="main", **marks)
        return refresh()
