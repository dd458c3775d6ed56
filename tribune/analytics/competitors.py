"""Competitor benchmarks: public figures of accounts a brand does not own.

Only public data is used. The sandbox network exposes public profiles and posts, so its
figures are collected automatically; for other networks the official APIs either need
the account owner's token or paid access, so figures are typed in (``source=manual``)
and the screen says so — nothing is invented.

Engagement rate of a competitor = mean interactions (likes + replies + reposts + quotes)
per public post of the last 30 days ÷ followers × 100 (no impressions are public).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.analytics import kpis
from tribune.analytics.models import Competitor, CompetitorSnapshot
from tribune.core.scope import brand_scope, unscoped
from tribune.networks.models import SocialAccount

Figures = dict[str, Any]  # followers, posts_total, posts_last_30d, engagement_rate


def _sandbox(handle: str, now: datetime) -> Figures | None:
    from tribune.networks.sandbox.models import Follow, Post, Profile

    profile = Profile.objects.filter(handle=handle).first()
    if profile is None:
        return None
    followers = (
        profile.base_followers
        + Follow.objects.filter(followee=profile, created_at__lte=now).count()
    )
    posts = Post.objects.filter(author=profile, deleted_at__isnull=True, reply_to__isnull=True)
    recent = posts.filter(created_at__gte=now - timedelta(days=30), created_at__lte=now).aggregate(
        n=Count("id"),
        likes=Sum("likes"),
        replies=Sum("reply_count"),
        reposts=Sum("reposts"),
        quotes=Sum("quotes"),
    )
    n = recent["n"] or 0
    interactions = sum(recent[k] or 0 for k in ("likes", "replies", "reposts", "quotes"))
    rate = kpis.ratio(interactions / n, followers) if n else None
    return {
        "followers": followers,
        "posts_total": posts.filter(created_at__lte=now).count(),
        "posts_last_30d": n,
        "engagement_rate": round(rate, 3) if rate is not None else None,
    }


# network → reader of public figures. Readers return None when the account is unknown.
READERS: dict[str, Callable[[str, datetime], Figures | None]] = {"sandbox": _sandbox}


def can_collect(network: str) -> bool:
    return network in READERS


def collect(competitor: Competitor, now: datetime | None = None) -> CompetitorSnapshot | None:
    now = now or timezone.now()
    reader = READERS.get(competitor.network)
    if reader is None:
        return None
    figures = reader(competitor.handle, now)
    if figures is None:
        competitor.last_error = _("This account was not found on the network.")
        competitor.save(update_fields=["last_error"])
        return None
    if competitor.last_error:
        competitor.last_error = ""
        competitor.save(update_fields=["last_error"])
    return CompetitorSnapshot.objects.create(
        competitor=competitor, brand_id=competitor.brand_id, at=now, **figures
    )


def collect_all(now: datetime | None = None) -> int:
    with unscoped():
        ids = list(
            Competitor.objects.filter(network__in=list(READERS)).values_list("id", "brand_id")
        )
    done = 0
    for competitor_id, brand_id in ids:
        with brand_scope(brand_id):
            competitor = Competitor.objects.filter(pk=competitor_id).first()
            if competitor is not None and collect(competitor, now) is not None:
                done += 1
    return done


def own_figures(brand: Brand, period: kpis.Period) -> list[dict[str, Any]]:
    """The brand's own accounts, in the same terms as competitors (for comparison)."""
    rows = []
    for account in SocialAccount.objects.filter(brand=brand):
        t = kpis.totals(brand, period, [account.pk])
        per_post = t.engagement / t.posts if t.posts else None
        rate = kpis.ratio(per_post, t.followers)
        rows.append(
            {
                "name": account.display_name or account.handle,
                "network": account.network,
                "handle": account.handle,
                "own": True,
                "followers": t.followers,
                "posts_last_30d": t.posts,
                "engagement_rate": round(rate, 3) if rate is not None else None,
            }
        )
    return rows


def comparison(brand: Brand, period: kpis.Period) -> list[dict[str, Any]]:
    """Own accounts and competitors side by side, with each competitor's follower change."""
    rows = own_figures(brand, period)
    start, end = (
        datetime.combine(d, datetime.min.time(), tzinfo=brand.tz)
        for d in (period.start, period.end + timedelta(days=1))
    )
    for competitor in Competitor.objects.filter(brand=brand):
        snaps = list(
            CompetitorSnapshot.objects.filter(competitor=competitor)
            .filter(Q(at__lt=end))
            .order_by("at")
        )
        latest = snaps[-1] if snaps else None
        before = [s for s in snaps if s.at < start and s.followers is not None]
        within = [s for s in snaps if s.at >= start and s.followers is not None]
        base = before[-1] if before else (within[0] if within else None)
        rows.append(
            {
                "name": competitor.name,
                "network": competitor.network,
                "handle": competitor.handle,
                "own": False,
                "competitor": competitor,
                "followers": latest.followers if latest else None,
                "growth": latest.followers - base.followers
                if latest and base and latest.followers is not None and base.followers is not None
                else None,
                "posts_last_30d": latest.posts_last_30d if latest else None,
                "engagement_rate": latest.engagement_rate if latest else None,
                "source": latest.get_source_display() if latest else "",
                "at": latest.at if latest else None,
                "error": competitor.last_error,
            }
        )
    return rows
