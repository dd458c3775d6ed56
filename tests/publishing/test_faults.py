"""The anchors' top complaints, as tests: no lost post, no double post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.publishing.conftest import sandbox_posts, set_faults
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.publishing import publisher, workflow
from tribune.publishing.models import Attempt, Notification, PostStatus, Variant


@pytest.fixture
def scheduled(tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Bonjour à tous",
            accounts=[accounts[0]],
            scheduled_at=timezone.now() + timedelta(seconds=5),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        return Variant.objects.get(post=post)


def _run(now=None):
    now = now or timezone.now() + timedelta(seconds=10)
    return [publisher.publish_variant(i) for i in publisher.claim_due(now=now)]


def _variant(v):
    with brand_scope(v.brand_id):
        return Variant.objects.get(pk=v.pk)


def test_rate_limit_waits_for_the_network_delay(scheduled):
    set_faults("alpha.sandbox", "rate_limit:120")
    assert _run() == ["rate_limited"]
    v = _variant(scheduled)
    assert v.status == PostStatus.SCHEDULED and not v.needs_reconcile
    assert 110 < (v.due_at - timezone.now()).total_seconds() <= 120
    assert _run() == []  # not before the delay
    assert _run(timezone.now() + timedelta(seconds=121)) == ["success"]
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_expired_token_is_refreshed_once_and_refresh_token_kept(scheduled, tenants):
    with brand_scope(tenants.brand_a):
        SocialAccount.objects.filter(pk=scheduled.account_id).update(
            credentials={"access_token": "old", "refresh_token": "keep-me"}
        )
    set_faults("alpha.sandbox", "expire_token")
    assert _run() == ["success"]
    with brand_scope(tenants.brand_a):
        creds = SocialAccount.objects.get(pk=scheduled.account_id).credentials
    assert creds["refresh_token"] == "keep-me" and creds["access_token"] != "old"
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_token_refused_twice_needs_a_person(scheduled, tenants):
    set_faults("alpha.sandbox", "expire_token", "expire_token")
    assert _run() == ["auth_expired"]
    v = _variant(scheduled)
    assert v.status == PostStatus.NEEDS_ATTENTION and "expired" in v.last_error
    with brand_scope(tenants.brand_a):
        assert SocialAccount.objects.get(pk=v.account_id).status == "needs_reauth"
    assert Notification.objects.filter(kind="post.failed").exists()
    assert sandbox_posts("alpha.sandbox").count() == 0


def test_timeout_after_accept_is_reconciled_not_duplicated(scheduled):
    set_faults("alpha.sandbox", "timeout_after_accept")
    assert _run() == ["unknown"]
    v = _variant(scheduled)
    assert v.needs_reconcile and v.status == PostStatus.SCHEDULED
    assert sandbox_posts("alpha.sandbox").count() == 1  # the network did accept it
    assert _run(timezone.now() + timedelta(hours=1)) == ["reconciled"]
    v = _variant(scheduled)
    assert v.status == PostStatus.PUBLISHED and v.remote_id
    assert sandbox_posts("alpha.sandbox").count() == 1
    with brand_scope(v.brand_id):
        outcomes = list(Attempt.objects.filter(variant=v).values_list("outcome", flat=True))
    assert outcomes == ["unknown", "reconciled"]


def test_crash_mid_publish_is_released_and_reconciled(scheduled):
    # A worker claimed the variant, called the network (which accepted), then died.
    ids = publisher.claim_due(now=timezone.now() + timedelta(seconds=10))
    v = _variant(scheduled)
    with brand_scope(v.brand_id):
        Attempt.objects.create(variant=v, brand_id=v.brand_id, started_at=timezone.now())
        Variant.objects.filter(pk=v.pk).update(needs_reconcile=True)
        v.account.connector().publish(publisher._request(_variant(v)))
    assert ids == [v.pk]
    assert publisher.release_stuck(timezone.now()) == 0  # not stuck yet
    assert publisher.release_stuck(timezone.now() + timedelta(minutes=5)) == 1
    assert _run(timezone.now() + timedelta(minutes=5)) == ["reconciled"]
    assert sandbox_posts("alpha.sandbox").count() == 1
    with brand_scope(v.brand_id):
        assert list(Attempt.objects.filter(variant=v).values_list("outcome", flat=True)) == [
            "crashed",
            "reconciled",
        ]


def test_permanent_refusal_fails_with_the_network_words(scheduled):
    set_faults("alpha.sandbox", "reject")
    assert _run() == ["rejected"]
    v = _variant(scheduled)
    assert v.status == PostStatus.FAILED and "refused" in v.last_error
    with brand_scope(v.brand_id):
        workflow.do_retry(v.post, v.post.author)
    assert _run() == ["success"]


def test_outage_backs_off_then_gives_up(scheduled):
    set_faults("alpha.sandbox", *["unavailable"] * publisher.MAX_ATTEMPTS)
    later = timezone.now()
    outcomes = []
    for _ in range(publisher.MAX_ATTEMPTS):
        later += timedelta(hours=1)
        outcomes += _run(later)
    assert outcomes == ["unavailable"] * publisher.MAX_ATTEMPTS
    assert _variant(scheduled).status == PostStatus.FAILED
    assert sandbox_posts("alpha.sandbox").count() == 0


def test_two_claimers_never_share_a_variant(scheduled):
    now = timezone.now() + timedelta(seconds=10)
    assert publisher.claim_due(now=now) == [scheduled.pk]
    assert publisher.claim_due(now=now) == []
