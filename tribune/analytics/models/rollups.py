"""Pre-aggregated numbers, per account and per local day of the brand's time zone.

They are derived data: ``tribune analytics_rebuild`` recomputes them from the raw rows
(post metric snapshots, link clicks, account snapshots, conversions, published variants),
and the ``analytics.refresh`` job adds what arrived since the last run.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tribune.core.scope import BrandScopedManager

COUNTERS = ("likes", "replies", "reposts", "quotes", "impressions", "link_clicks")


class DailyMetric(models.Model):
    """One account's day (``account`` null: clicks and conversions tied to no account).

    Engagement and impressions are what the posts *received* that day (the growth of the
    networks' cumulative counters between two snapshots), whatever the day the post went
    out. ``rated_engagement`` counts only interactions of posts whose network reports
    impressions, so that engagement rate = rated_engagement / impressions never mixes
    posts with and without a reach figure.
    """

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", null=True, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    posts = models.IntegerField(default=0)
    likes = models.IntegerField(default=0)
    replies = models.IntegerField(default=0)
    reposts = models.IntegerField(default=0)
    quotes = models.IntegerField(default=0)
    impressions = models.BigIntegerField(default=0)
    rated_engagement = models.IntegerField(default=0)
    network_clicks = models.IntegerField(default=0)  # the network's own link-click count
    # Growth of saves / video views; None when no snapshot of the day reported them
    # (the account's network does not give them), 0 when reported without change.
    saves = models.IntegerField(null=True)
    video_views = models.BigIntegerField(null=True)
    clicks = models.IntegerField(default=0)  # Tribune's tracked links, bots excluded
    conversions = models.IntegerField(default=0)
    conversion_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    followers = models.IntegerField(null=True)  # the day's last figure; None = not collected
    followers_at = models.DateTimeField(null=True)

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="analytics_uniq_account_day"),
            models.UniqueConstraint(
                fields=["brand", "day"],
                condition=Q(account__isnull=True),
                name="analytics_uniq_brand_day_no_account",
            ),
        ]
        indexes = [models.Index(fields=["brand", "day"], name="analytics_daily_brand_day")]

    @property
    def engagement(self) -> int:
        return self.likes + self.replies + self.reposts + self.quotes


class PostTotals(models.Model):
    """A published variant's latest cumulative figures (the base of the next delta)."""

    variant = models.OneToOneField(
        "publishing.Variant", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="+"
    )
    published_at = models.DateTimeField(null=True)
    at = models.DateTimeField(null=True)  # time of the latest snapshot folded in
    likes = models.IntegerField(default=0)
    replies = models.IntegerField(default=0)
    reposts = models.IntegerField(default=0)
    quotes = models.IntegerField(default=0)
    impressions = models.IntegerField(null=True)
    link_clicks = models.IntegerField(null=True)
    saves = models.IntegerField(null=True)  # None: the network never reported it
    video_views = models.BigIntegerField(null=True)
    rated_engagement = models.IntegerField(default=0)  # part counted with impressions known
    clicks = models.IntegerField(default=0)  # tracked-link clicks, bots excluded
    conversions = models.IntegerField(default=0)

    objects = BrandScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["brand", "published_at"], name="analytics_post_brand_pub"),
            models.Index(fields=["account", "published_at"], name="analytics_post_acct_pub"),
        ]

    @property
    def engagement(self) -> int:
        return self.likes + self.replies + self.reposts + self.quotes


class RollupState(models.Model):
    """Watermarks of the incremental refresh: the highest raw row id already folded in."""

    name = models.CharField(max_length=40, unique=True)
    snapshot_id = models.BigIntegerField(default=0)
    click_id = models.BigIntegerField(default=0)
    account_snapshot_id = models.BigIntegerField(default=0)
    conversion_id = models.BigIntegerField(default=0)
    published_since = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)
