"""Numbers: account audience over time and per-post engagement."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from tribune.api.auth import in_brand
from tribune.api.common import In, get_or_404, responses
from tribune.inbox.models import Message
from tribune.listening.models import Mention
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.publishing.models import LinkClick, Post, PostMetricSnapshot, PostStatus, Variant

router = Router(tags=["metrics"])


class AccountPoint(Schema):
    at: datetime
    followers: int | None
    following: int | None
    posts: int | None


class AccountMetrics(Schema):
    account_id: int
    network: str
    handle: str
    points: list[AccountPoint]


# None is "the network does not give this number", never 0 (docs/analytics.md).
SAVES = "Bookmarks / saves of the post; null when its network does not give them"
VIDEO_VIEWS = (
    "Plays of the post's video; null when its network does not give them or the post has no video"
)
SAVES_TOTAL = (
    "Saves summed over the posts published in the period (latest numbers); null when none "
    "of their networks gives them"
)
VIDEO_VIEWS_TOTAL = (
    "Video views summed over the posts published in the period (latest numbers); null when "
    "none of their networks gives them"
)


class Summary(Schema):
    days: int
    since: datetime
    posts_published: int
    posts_failed: int
    likes: int
    replies: int
    reposts: int
    impressions: int
    saves: int | None = Field(description=SAVES_TOTAL)
    video_views: int | None = Field(description=VIDEO_VIEWS_TOTAL)
    link_clicks: int
    inbox_received: int
    inbox_answered: int
    mentions: int
    negative_mentions: int


class MetricsOut(Schema):
    summary: Summary
    accounts: list[AccountMetrics]


class MetricPoint(Schema):
    """One snapshot of a published variant's numbers; null: not given by the network."""

    at: datetime
    likes: int | None
    replies: int | None
    reposts: int | None
    quotes: int | None
    impressions: int | None
    link_clicks: int | None
    saves: int | None = Field(description=SAVES)
    video_views: int | None = Field(description=VIDEO_VIEWS)


class VariantMetrics(Schema):
    variant_id: int
    account_id: int
    network: str
    points: list[MetricPoint]


class PostMetricsOut(Schema):
    post_id: int
    variants: list[VariantMetrics]


class MetricsParams(In):
    days: int = Field(30, ge=1, le=366)


def _known_sum(snapshots: Iterable[PostMetricSnapshot], key: str) -> int | None:
    """The sum over the snapshots that give ``key``; None (unknown, never 0) when none does."""
    known = [value for s in snapshots if (value := getattr(s, key)) is not None]
    return sum(known) if known else None


@router.get(
    "/brands/{brand_slug}/metrics",
    response=responses(200, MetricsOut),
    summary="Brand summary over the last days and audience per account",
)
def brand_metrics(request, brand_slug: str, params: Query[MetricsParams]):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "metrics:read") as access:
        brand = access.brand
        since = timezone.now() - timedelta(days=params.days)
        published = Variant.objects.filter(
            brand=brand, status=PostStatus.PUBLISHED, published_at__gte=since
        )
        latest: dict[int, PostMetricSnapshot] = {}
        for snap in PostMetricSnapshot.objects.filter(variant__in=published.values("pk")).order_by(
            "at", "pk"
        ):
            latest[snap.variant_id] = snap
        totals = {
            k: sum(getattr(s, k) or 0 for s in latest.values())
            for k in ("likes", "replies", "reposts", "impressions")
        }
        inbox = Message.objects.filter(brand=brand, created_at__gte=since).aggregate(
            received=Count("pk", filter=Q(direction=Message.Direction.IN)),
            answered=Count("pk", filter=Q(direction=Message.Direction.OUT)),
        )
        mentions = Mention.objects.filter(brand=brand, published_at__gte=since).aggregate(
            total=Count("pk"), negative=Count("pk", filter=Q(sentiment="negative"))
        )
        summary = Summary(
            days=params.days,
            since=since,
            posts_published=published.values("post_id").distinct().count(),
            posts_failed=Post.objects.filter(
                brand=brand, status=PostStatus.FAILED, updated_at__gte=since
            ).count(),
            link_clicks=LinkClick.objects.filter(brand=brand, at__gte=since).count(),
            inbox_received=inbox["received"],
            inbox_answered=inbox["answered"],
            mentions=mentions["total"],
            negative_mentions=mentions["negative"],
            saves=_known_sum(latest.values(), "saves"),
            video_views=_known_sum(latest.values(), "video_views"),
            **totals,
        )
        accounts = []
        for account in SocialAccount.objects.filter(brand=brand).order_by("pk"):
            points = AccountSnapshot.objects.filter(account=account, at__gte=since).order_by("at")
            accounts.append(
                AccountMetrics(
                    account_id=account.pk,
                    network=account.network,
                    handle=account.handle,
                    points=[
                        AccountPoint(
                            at=p.at, followers=p.followers, following=p.following, posts=p.posts
                        )
                        for p in points[:1000]
                    ],
                )
            )
        return MetricsOut(summary=summary, accounts=accounts)


@router.get(
    "/brands/{brand_slug}/posts/{post_id}/metrics",
    response=responses(200, PostMetricsOut),
    summary="A post's numbers over time, per account",
)
def post_metrics(request, brand_slug: str, post_id: int):  # type: ignore[no-untyped-def]
    with in_brand(request, brand_slug, "metrics:read"):
        post = get_or_404(Post, post_id, "post")
        variants = []
        for variant in post.variants.select_related("account").order_by("pk"):
            points = [
                MetricPoint(
                    at=s.at,
                    likes=s.likes,
                    replies=s.replies,
                    reposts=s.reposts,
                    quotes=s.quotes,
                    impressions=s.impressions,
                    link_clicks=s.link_clicks,
                    saves=s.saves,
                    video_views=s.video_views,
                )
                for s in variant.metrics.order_by("at")[:1000]
            ]
            variants.append(
                VariantMetrics(
                    variant_id=variant.pk,
                    account_id=variant.account_id,
                    network=variant.account.network,
                    points=points,
                )
            )
        return PostMetricsOut(post_id=post.pk, variants=variants)
