"""Saves and video views through /api/v1: per-post points and the brand summary give the
network's numbers, and null (never 0) where the network does not give them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.api.api_factories import Api, sandbox_account, token_for
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant


def _published(brand, accounts: list[SocialAccount]) -> tuple[Post, list[Variant]]:  # type: ignore[no-untyped-def]
    """A post published an hour ago on each of ``accounts``."""
    at = timezone.now() - timedelta(hours=1)
    with brand_scope(brand):
        post = Post.objects.create(
            brand=brand, text="Notre atelier en vidéo", status=PostStatus.PUBLISHED
        )
        variants = [
            Variant.objects.create(
                post=post,
                brand=brand,
                account=account,
                status=PostStatus.PUBLISHED,
                remote_id=f"remote-{post.pk}-{account.pk}",
                published_at=at,
            )
            for account in accounts
        ]
    return post, variants


def _snapshot(variant: Variant, minutes: int, **numbers: int | None) -> None:
    with brand_scope(variant.brand):
        PostMetricSnapshot.objects.create(
            variant=variant,
            brand=variant.brand,
            at=timezone.now() - timedelta(minutes=minutes),
            **{"likes": 5, "replies": 1, "reposts": 2, "quotes": 0, "impressions": 300, **numbers},
        )


def test_post_points_give_saves_and_video_views_or_null(tenants) -> None:  # type: ignore[no-untyped-def]
    video = sandbox_account(tenants.brand_a, "video.sb")
    text_only = sandbox_account(tenants.brand_a, "texte.sb")
    post, (with_video, without) = _published(tenants.brand_a, [video, text_only])
    _snapshot(with_video, 30, saves=2, video_views=150)
    _snapshot(with_video, 10, saves=4, video_views=1200)
    _snapshot(without, 10, saves=None, video_views=None)
    api = Api(token_for(tenants.people["analyst"]))

    status, body, _ = api.get(f"/brands/alpha/posts/{post.pk}/metrics")

    assert status == 200, body
    by_variant = {v["variant_id"]: v for v in body["variants"]}
    points = by_variant[with_video.pk]["points"]
    assert [(p["saves"], p["video_views"]) for p in points] == [(2, 150), (4, 1200)]
    assert points[-1]["likes"] == 5 and points[-1]["impressions"] == 300
    (unknown,) = by_variant[without.pk]["points"]
    # Present in the answer, as null: "not given", which is not the same as 0.
    assert "saves" in unknown and unknown["saves"] is None
    assert "video_views" in unknown and unknown["video_views"] is None
    assert unknown["likes"] == 5


def test_brand_summary_sums_known_saves_and_views_and_is_null_when_none_is_known(  # type: ignore[no-untyped-def]
    tenants,
) -> None:
    video = sandbox_account(tenants.brand_a, "video.sb")
    text_only = sandbox_account(tenants.brand_a, "texte.sb")
    _post, (a, b) = _published(tenants.brand_a, [video, text_only])
    _other, (c,) = _published(tenants.brand_a, [video])
    _snapshot(a, 30, saves=1, video_views=10)  # older: the latest one counts
    _snapshot(a, 5, saves=3, video_views=40)
    _snapshot(b, 5, saves=7, video_views=None)  # no video on this one
    _snapshot(c, 5, saves=None, video_views=None)
    api = Api(token_for(tenants.owner))

    status, body, _ = api.get("/brands/alpha/metrics?days=7")

    assert status == 200, body
    summary = body["summary"]
    assert summary["saves"] == 3 + 7
    assert summary["video_views"] == 40
    assert summary["likes"] == 15  # unchanged: the other figures still add up

    # A brand whose networks never give them: null, not 0.
    beta = sandbox_account(tenants.brand_b, "beta.sb")
    _beta_post, (d,) = _published(tenants.brand_b, [beta])
    _snapshot(d, 5, saves=None, video_views=None)
    status, body, _ = api.get("/brands/beta/metrics")
    assert status == 200, body
    assert body["summary"]["saves"] is None and body["summary"]["video_views"] is None
    assert body["summary"]["likes"] == 5
    # And beta's numbers do not leak into alpha's summary.
    assert api.get("/brands/alpha/metrics?days=7")[1]["summary"]["saves"] == 10


def test_openapi_describes_saves_and_video_views(tenants) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    point = components["MetricPoint"]["properties"]
    for key in ("saves", "video_views"):
        assert "null when its network does not give them" in point[key]["description"]
        assert {"type": "null"} in point[key]["anyOf"]
    summary = components["Summary"]["properties"]
    assert "null when none" in summary["saves"]["description"]
    assert "null when none" in summary["video_views"]["description"]
    variant = components["VariantMetrics"]["properties"]["points"]
    assert variant["items"] == {"$ref": "#/components/schemas/MetricPoint"}
