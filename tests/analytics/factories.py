"""Analytics rows for tests (an event stream on one account) and the isolation matrix's
URL factories."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tribune.accounts.models import Brand
from tribune.analytics.models import Competitor, ConversionGoal, ReportTemplate
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.networks.services import do_connect_account
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, TrackedLink, Variant


def account(brand: Brand, handle: str = "") -> SocialAccount:
    with brand_scope(brand):
        return do_connect_account(
            brand, "sandbox", Credentials(handle=handle or f"{brand.slug}.sb"), None
        )


def published(acct: SocialAccount, at: datetime, text: str = "Bonjour") -> Variant:
    with brand_scope(acct.brand):
        post = Post.objects.create(
            brand=acct.brand, text=text, status=PostStatus.PUBLISHED, scheduled_at=at
        )
        return Variant.objects.create(
            post=post,
            brand=acct.brand,
            account=acct,
            status=PostStatus.PUBLISHED,
            published_at=at,
        )


def snapshot(variant: Variant, at: datetime, **counts: Any) -> PostMetricSnapshot:
    with brand_scope(variant.brand):
        return PostMetricSnapshot.objects.create(
            variant=variant, brand=variant.brand, at=at, **counts
        )


def followers(acct: SocialAccount, at: datetime, n: int) -> None:
    with brand_scope(acct.brand):
        AccountSnapshot.objects.create(account=acct, brand=acct.brand, at=at, followers=n)


def link(variant: Variant, campaign: str = "spring") -> TrackedLink:
    with brand_scope(variant.brand):
        return TrackedLink.objects.create(
            brand=variant.brand,
            code=f"c{variant.pk}x{TrackedLink.objects.count()}",
            target_url="https://shop.example/landing?utm_campaign=" + campaign,
            original_url="https://shop.example/landing",
            variant=variant,
            network="sandbox",
            campaign=campaign,
        )


def goal(brand: Brand, key: str = "signup", **extra: Any) -> ConversionGoal:
    with brand_scope(brand):
        return ConversionGoal.objects.create(brand=brand, key=key, name=key.title(), **extra)


def report_template(brand: Brand, **extra: Any) -> ReportTemplate:
    with brand_scope(brand):
        return ReportTemplate.objects.create(
            brand=brand, name=extra.pop("name", "Rapport mensuel"), **extra
        )


def competitor(brand: Brand, handle: str = "rival.sandbox") -> Competitor:
    with brand_scope(brand):
        return Competitor.objects.create(
            brand=brand, name="Rival", network="sandbox", handle=handle
        )


URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "goal_id": lambda brand: _goal_id(brand),
    "template_id": lambda brand: report_template(brand).pk,
    "competitor_id": lambda brand: _competitor_id(brand),
    "competitor_op": lambda brand: "collect",
}


def _goal_id(brand: Brand) -> int:
    import secrets

    return goal(brand, key=f"g-{secrets.token_hex(3)}").pk


def _competitor_id(brand: Brand) -> int:
    import secrets

    return competitor(brand, handle=f"rival-{secrets.token_hex(3)}").pk
