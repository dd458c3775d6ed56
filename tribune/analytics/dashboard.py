"""What the dashboards show, as plain data: cards with their previous-period change,
daily series, tables (each exportable as CSV) and the best-hours grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.analytics import kpis
from tribune.analytics.models import Conversion, ConversionGoal, DailyMetric, PostTotals
from tribune.analytics.rollups import local_bounds
from tribune.networks.models import SocialAccount
from tribune.publishing.timing import MIN_POSTS


@dataclass
class Card:
    key: str
    label: str
    value: Any
    previous: Any
    unit: str = ""
    change: float | None = None  # relative change in percent
    points: float | None = None  # change in percentage points (for rates)
    hint: str = ""  # read when the value is unknown ("—")

    @property
    def up(self) -> bool | None:
        delta = self.points if self.points is not None else self.change
        return None if delta is None else delta >= 0


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (row key, heading)
    rows: list[dict[str, Any]] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)  # column: why a cell can be "—"


def _card(key: str, label: str, now: Any, before: Any, unit: str = "", rate: bool = False) -> Card:
    card = Card(key, label, now, before, unit)
    if rate:
        card.points = None if now is None or before is None else now - before
    card.change = kpis.pct_change(now, before)
    return card


def cards(
    brand: Brand, period: kpis.Period, accounts: list[int] | None = None
) -> tuple[list[Card], kpis.Totals, kpis.Totals]:
    now = kpis.totals(brand, period, accounts)
    before = kpis.totals(brand, period.previous(), accounts)
    result = [
        _card("followers", _("Followers"), now.followers, before.followers),
        _card("growth", _("Follower growth"), now.growth, before.growth),
        _card("posts", _("Posts published"), now.posts, before.posts),
        _card("impressions", _("Impressions"), now.impressions, before.impressions),
        _card("engagement", _("Engagement"), now.engagement, before.engagement),
        _card(
            "engagement_rate",
            _("Engagement rate"),
            now.engagement_rate,
            before.engagement_rate,
            "%",
            rate=True,
        ),
        _card("clicks", _("Link clicks"), now.clicks, before.clicks),
        _card("ctr", _("Click-through rate"), now.ctr, before.ctr, "%", rate=True),
        _card("conversions", _("Conversions"), now.conversions, before.conversions),
        _card("saves", _("Saves"), now.saves, before.saves),
        _card("video_views", _("Video views"), now.video_views, before.video_views),
    ]
    for card in result[-2:]:
        card.hint = _("Not given by the networks of these accounts")
    return result, now, before


def _optional_hints() -> dict[str, str]:
    """Saves and video views read "—" where the network does not give them."""
    return {key: _("Not given by this network") for key in ("saves", "video_views")}


def account_table(brand: Brand, period: kpis.Period) -> Table:
    table = Table(
        "accounts",
        _("By account"),
        [
            ("account", _("Account")),
            ("network", _("Network")),
            ("followers", _("Followers")),
            ("growth", _("Growth")),
            ("posts", _("Posts")),
            ("impressions", _("Impressions")),
            ("engagement", _("Engagement")),
            ("engagement_rate", _("Engagement rate (%)")),
            ("clicks", _("Link clicks")),
            ("ctr", _("CTR (%)")),
            ("conversions", _("Conversions")),
            ("saves", _("Saves")),
            ("video_views", _("Video views")),
        ],
        hints=_optional_hints(),
    )
    by_account = kpis.totals_by_account(brand, period)
    for account in SocialAccount.objects.filter(brand=brand):
        t = by_account.get(account.pk) or kpis.Totals()
        table.rows.append(
            {
                "account": f"@{account.handle}",
                "account_id": account.pk,
                "network": account.get_network_display(),
                "followers": t.followers,
                "growth": t.growth,
                "posts": t.posts,
                "impressions": t.impressions,
                "engagement": t.engagement,
                "engagement_rate": _round(t.engagement_rate),
                "clicks": t.clicks,
                "ctr": _round(t.ctr),
                "conversions": t.conversions,
                "saves": t.saves,
                "video_views": t.video_views,
            }
        )
    return table


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


ENGAGEMENT_SUM = F("likes") + F("replies") + F("reposts") + F("quotes")


def top_posts(
    brand: Brand, period: kpis.Period, accounts: list[int] | None = None, limit: int = 10
) -> Table:
    start, end = local_bounds(brand.tz, period.start, period.end)
    rows = PostTotals.objects.filter(brand=brand, published_at__gte=start, published_at__lt=end)
    if accounts is not None:
        rows = rows.filter(account_id__in=accounts)
    # Rank on the totals table alone, then load the ten winners' posts and accounts:
    # joining first made PostgreSQL join every post of the period before sorting.
    ranked = list(
        rows.annotate(eng=ENGAGEMENT_SUM)
        .order_by("-eng", "-published_at")
        .values_list("pk", flat=True)[:limit]
    )
    found = PostTotals.objects.filter(pk__in=ranked).select_related("variant__post", "account")
    by_pk = {t.pk: t for t in found}
    best = [by_pk[pk] for pk in ranked if pk in by_pk]
    table = Table(
        "posts",
        _("Top posts"),
        [
            ("published", _("Published")),
            ("account", _("Account")),
            ("post", _("Post")),
            ("engagement", _("Engagement")),
            ("impressions", _("Impressions")),
            ("engagement_rate", _("Engagement rate (%)")),
            ("clicks", _("Link clicks")),
            ("conversions", _("Conversions")),
            ("saves", _("Saves")),
            ("video_views", _("Video views")),
        ],
        hints=_optional_hints(),
    )
    for t in best:
        post = t.variant.post
        table.rows.append(
            {
                "published": t.published_at.astimezone(brand.tz).strftime("%Y-%m-%d %H:%M")
                if t.published_at
                else "",
                "account": f"@{t.account.handle}",
                "post": (post.title or t.variant.body)[:90],
                "post_id": post.pk,
                "engagement": t.engagement,
                "impressions": t.impressions,
                "engagement_rate": _round(kpis.engagement_rate(t.engagement, t.impressions)),
                "clicks": t.clicks,
                "conversions": t.conversions,
                "saves": t.saves,
                "video_views": t.video_views,
            }
        )
    return table


def best_hours_grid(
    brand: Brand, period: kpis.Period, accounts: list[int] | None = None
) -> tuple[dict[tuple[int, int], float], list[dict[str, Any]]]:
    """Mean engagement rate of posts by (weekday, hour) of publication, local time; and
    the best hours having at least ``MIN_POSTS`` posts (the rule publishing's suggestions
    use)."""
    start, end = local_bounds(brand.tz, period.start, period.end)
    rows = PostTotals.objects.filter(
        brand=brand, published_at__gte=start, published_at__lt=end, impressions__gt=0
    )
    if accounts is not None:
        rows = rows.filter(account_id__in=accounts)
    grouped = (
        rows.annotate(
            wd=ExtractIsoWeekDay("published_at", tzinfo=brand.tz),
            hour=ExtractHour("published_at", tzinfo=brand.tz),
        )
        .values("wd", "hour")
        .annotate(eng=Sum(ENGAGEMENT_SUM), imp=Sum("impressions"), n=Count("pk"))
    )
    cells: dict[tuple[int, int], float] = {}
    ranked = []
    for row in grouped:
        rate = kpis.engagement_rate(row["eng"], row["imp"])
        if rate is None:
            continue
        key = (row["wd"] - 1, row["hour"])
        cells[key] = rate
        if row["n"] >= MIN_POSTS:
            ranked.append(
                {"weekday": key[0], "hour": key[1], "rate": round(rate, 2), "posts": row["n"]}
            )
    ranked.sort(key=lambda r: -r["rate"])
    return cells, ranked[:3]


def goals_table(brand: Brand, period: kpis.Period, campaign_id: int | None = None) -> Table:
    start, end = local_bounds(brand.tz, period.start, period.end)
    goals = ConversionGoal.objects.filter(brand=brand).select_related("campaign")
    if campaign_id is not None:
        goals = goals.filter(campaign_id=campaign_id)
    stats = {
        row["goal"]: row
        for row in Conversion.objects.filter(
            brand=brand, occurred_at__gte=start, occurred_at__lt=end
        )
        .values("goal")
        .annotate(
            n=Count("id"), attributed=Count("id", filter=Q(click__isnull=False)), value=Sum("value")
        )
    }
    table = Table(
        "goals",
        _("Conversions by goal"),
        [
            ("goal", _("Goal")),
            ("campaign", _("Campaign")),
            ("conversions", _("Conversions")),
            ("attributed", _("Attributed to a post")),
            ("target", _("Target")),
            ("progress", _("Progress (%)")),
            ("value", _("Value")),
        ],
    )
    for goal in goals:
        row: dict[str, Any] = dict(stats.get(goal.pk, {}))
        n = row.get("n", 0)
        table.rows.append(
            {
                "goal": goal.name,
                "goal_id": goal.pk,
                "campaign": goal.campaign.name if goal.campaign else "",
                "conversions": n,
                "attributed": row.get("attributed", 0),
                "target": goal.target,
                "progress": _round(kpis.ratio(n, goal.target), 1),
                "value": row.get("value") or Decimal("0"),
            }
        )
    return table


def campaign_figures(brand: Brand, campaign: Any, period: kpis.Period) -> dict[str, Any]:
    """Clicks of the campaign's tracked links, conversions of its goals, cost per result."""
    from tribune.publishing.models import LinkClick

    start, end = local_bounds(brand.tz, period.start, period.end)
    clicks = 0
    if campaign.utm_campaign:
        clicks = (
            LinkClick.objects.filter(
                brand=brand, link__campaign=campaign.utm_campaign, at__gte=start, at__lt=end
            )
            .exclude(agent="bot")
            .count()
        )
    conversions = Conversion.objects.filter(
        brand=brand, goal__campaign=campaign, occurred_at__gte=start, occurred_at__lt=end
    )
    n = conversions.count()
    return {
        "clicks": clicks,
        "conversions": n,
        "attributed": conversions.filter(click__isnull=False).count(),
        "value": conversions.aggregate(v=Sum("value"))["v"] or Decimal("0"),
        "cost_per_result": kpis.cost_per_result(campaign.budget_spent, n),
        "cost_per_click": kpis.cost_per_result(campaign.budget_spent, clicks),
        "spent": campaign.budget_spent,
        "planned": campaign.budget_planned,
        "currency": campaign.currency,
        "goals": goals_table(brand, period, campaign.pk),
    }


def brand_summary(brand: Brand, period: kpis.Period) -> dict[str, Any]:
    """One line of the agency overview."""
    now = kpis.totals(brand, period)
    before = kpis.totals(brand, period.previous())
    return {
        "brand": brand,
        "followers": now.followers,
        "growth": now.growth,
        "posts": now.posts,
        "engagement": now.engagement,
        "engagement_rate": _round(now.engagement_rate),
        "engagement_change": _round(kpis.pct_change(now.engagement, before.engagement), 1),
        "clicks": now.clicks,
        "conversions": now.conversions,
    }


def has_data(brand: Brand) -> bool:
    return DailyMetric.objects.filter(brand=brand).exists()
