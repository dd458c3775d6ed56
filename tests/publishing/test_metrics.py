from datetime import timedelta

from django.utils import timezone

from tests.publishing.conftest import simulate_audience
from tribune.core.scope import brand_scope
from tribune.publishing import metrics, publisher, workflow
from tribune.publishing.models import PostMetricSnapshot, Variant


def test_metrics_are_collected_and_shown_on_the_post_page(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Regardez https://a.example/x",
            accounts=[accounts[0]],
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        publisher.publish_variant(variant_id)
    assert metrics.collect() == 1
    simulate_audience("alpha.sandbox", hours=8)  # the audience reacts to the new post
    assert metrics.collect() == 1
    with brand_scope(tenants.brand_a):
        variant = Variant.objects.get(post=post)
        first, last = PostMetricSnapshot.objects.filter(variant=variant).order_by("at")
    assert first.likes == 0 and last.likes > 0 and last.impressions > 0
    # Saves are stored as the network gives them; a post without video has no views.
    assert first.saves == 0 and last.saves is not None and last.saves <= last.likes
    assert first.video_views is None and last.video_views is None
    code = variant.rendered_text.split("/l/")[1].split()[0]
    client.get(f"/l/{code}", HTTP_USER_AGENT="Mozilla/5.0")
    client.force_login(tenants.people["analyst"])
    page = client.get(f"/b/alpha/publishing/posts/{post.pk}/").content.decode()
    assert 'data-testid="metrics-alpha.sandbox"' in page
    assert f"<td>{last.likes}</td>" in page
    rate = 100 * last.engagement / last.impressions
    assert f"{rate:.1f}".replace(".", ",") in page or f"{rate:.1f}" in page
    assert "<svg" in page  # charts


def test_collection_skips_old_posts(tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a, tenants.owner, text="Ancien", accounts=[accounts[0]], scheduled_at=None
        )
        Variant.objects.filter(post=post).update(
            status="published",
            remote_id="00000000-0000-0000-0000-000000000000",
            published_at=timezone.now() - timedelta(days=30),
        )
    assert metrics.collect() == 0
