from datetime import timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing import abtest, publisher, workflow
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant


def test_split_by_time_then_winner_by_engagement_rate(client, tenants, accounts):
    client.force_login(tenants.people["community_manager"])
    when = (timezone.now() + timedelta(days=1)).astimezone(tenants.brand_a.tz)
    response = client.post(
        "/b/alpha/publishing/new/",
        {
            "text": "Texte A",
            "text_b": "Texte B",
            "accounts": [a.pk for a in accounts],
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
            "ab_split": "time",
            "ab_delay_hours": "3",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        a, b = Post.objects.order_by("ab_label")
        assert (a.ab_label, b.ab_label) == ("A", "B") and a.ab_group == b.ab_group
        assert b.scheduled_at - a.scheduled_at == timedelta(hours=3)
        assert {a.status, b.status} == {PostStatus.IN_REVIEW}
        assert abtest.compare(a)[1] is None  # not published yet: no winner
        for post in (a, b):
            workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(days=2)):
        publisher.publish_variant(variant_id)
    with brand_scope(tenants.brand_a):
        for post, likes in ((a, 10), (b, 30)):
            for variant in Variant.objects.filter(post=post):
                PostMetricSnapshot.objects.create(
                    variant=variant,
                    brand=tenants.brand_a,
                    at=timezone.now(),
                    likes=likes,
                    replies=0,
                    reposts=0,
                    quotes=0,
                    impressions=1000,
                )
        sides, winner = abtest.compare(a)
    assert [round(s.rate, 1) for s in sides] == [1.0, 3.0] and winner.post.pk == b.pk
    page = client.get(f"/b/alpha/publishing/posts/{a.pk}/").content.decode()
    assert 'data-testid="ab-verdict"' in page and (
        "B wins" in page or "B l’emporte" in page or "B l'emporte" in page
    )


def test_split_by_accounts_and_validation(client, tenants, accounts):
    client.force_login(tenants.people["community_manager"])
    client.post(
        "/b/alpha/publishing/new/",
        {"text": "A", "text_b": "B", "accounts": [accounts[0].pk], "ab_split": "accounts"},
    )
    with brand_scope(tenants.brand_a):
        assert not Post.objects.exists()  # one account cannot be split
    client.post(
        "/b/alpha/publishing/new/",
        {"text": "A", "text_b": "B", "accounts": [a.pk for a in accounts], "ab_split": "accounts"},
    )
    with brand_scope(tenants.brand_a):
        a, b = Post.objects.order_by("ab_label")
        first, second = sorted(accounts, key=lambda acc: acc.handle)  # the form's order
        assert [v.account_id for v in a.variants.all()] == [first.pk]
        assert [v.account_id for v in b.variants.all()] == [second.pk]
