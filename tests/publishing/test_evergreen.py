from datetime import timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing import publisher, workflow
from tribune.publishing.evergreen import do_requeue, due_evergreens
from tribune.publishing.models import Notification, Post, PostStatus
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.services.charter import do_save_charter


def _published_evergreen(tenants, accounts, text):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text=text,
            accounts=[accounts[0]],
            evergreen_days=30,
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        publisher.publish_variant(variant_id)
    return post


def test_evergreen_post_is_queued_again_once_after_its_period(tenants, accounts):
    post = _published_evergreen(tenants, accounts, "Nos conseils d'entretien")
    now = timezone.now()
    assert due_evergreens(now + timedelta(days=29)) == []
    assert due_evergreens(now + timedelta(days=31)) == [post.pk]
    copy = do_requeue(post.pk, now=now + timedelta(days=31))
    assert copy.status == PostStatus.SCHEDULED and copy.series == post.series
    assert copy.scheduled_at > now + timedelta(days=31)
    assert due_evergreens(now + timedelta(days=31)) == []  # the copy is on its way


def test_evergreen_copy_that_breaks_the_new_charter_waits_in_draft(tenants, accounts):
    post = _published_evergreen(tenants, accounts, "Offre spéciale rentrée")
    do_save_charter(
        tenants.brand_a,
        tenants.owner,
        document_source="v2",
        hours=BusinessHours(),
        rules=CharterRules.from_dict(
            {"banned_terms": [{"term": "offre spéciale", "severity": "block"}]}
        ),
    )
    copy = do_requeue(post.pk, now=timezone.now() + timedelta(days=31))
    assert copy.status == PostStatus.DRAFT
    assert Notification.objects.filter(kind="post.evergreen_blocked").exists()
    with brand_scope(tenants.brand_a):
        assert Post.objects.filter(series=post.series).count() == 2
