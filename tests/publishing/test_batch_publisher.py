"""The batch path of the publisher (``publishing.batch`` and the lane): many variants per
claim and per network call, with the single path's guarantees — no loss, no double."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.publishing.conftest import sandbox_posts, set_faults
from tribune.core.scope import brand_scope, unscoped
from tribune.networks.base import (
    AuthExpired,
    Connector,
    Credentials,
    PostRequest,
    PublishedPost,
    RateLimited,
    TextLimits,
)
from tribune.networks.models import SocialAccount
from tribune.publishing import batch, publisher, workflow
from tribune.publishing.lane import ARM_SECONDS, PublisherLane, release
from tribune.publishing.models import Attempt, Notification, Post, PostStatus, Variant
from tribune.publishing.recurrence import local_to_utc

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def schedule(tenants, accounts, text, when, **extra):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text=text,
            accounts=list(accounts),
            scheduled_at=when,
            **extra,
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        return post


def variants(post):
    with unscoped():
        return list(Variant.objects.filter(post=post).select_related("account").order_by("id"))


def outcomes(variant):
    with unscoped():
        rows = Attempt.objects.filter(variant=variant).order_by("id")
        return list(rows.values_list("outcome", flat=True))


@pytest.fixture
def soon():
    return timezone.now() + timedelta(seconds=5)


def test_a_batch_publishes_every_variant_once_with_few_statements(tenants, accounts, soon):
    posts = [schedule(tenants, accounts, f"Annonce {n}", soon) for n in range(6)]
    claimed = batch.claim("w1", now=soon)
    assert len(claimed) == 12  # 6 posts × 2 accounts
    assert batch.claim("w2", now=soon) == []  # nothing left for another worker
    with unscoped():
        # Claimed: flagged and counted, with a pending attempt row, before any call.
        assert set(Variant.objects.values_list("status", "needs_reconcile", "attempts")) == {
            (PostStatus.PUBLISHING, True, 1)
        }
        assert Attempt.objects.filter(outcome=Attempt.Outcome.PENDING).count() == 12
        assert set(Post.objects.values_list("status", flat=True)) == {PostStatus.PUBLISHING}
    assert sandbox_posts("alpha.sandbox").count() == 0
    with CaptureQueriesContext(connection) as queries:
        result = batch.fire(claimed, "w1")
    assert result == {Attempt.Outcome.SUCCESS: 12}
    # check, 2 accounts × (account row, sandbox insert), results: far from 12 × 14.
    assert len(queries) <= 20, [q["sql"][:80] for q in queries]
    assert sandbox_posts("alpha.sandbox").count() == 6
    assert sandbox_posts("alpha-en.sandbox").count() == 6
    for post in posts:
        for v in variants(post):
            assert v.status == PostStatus.PUBLISHED and not v.needs_reconcile
            remote = sandbox_posts(v.account.handle).get(remote_id=v.remote_id)
            assert remote.idempotency_key == str(v.idempotency_key)
            assert v.remote_url.endswith(str(v.remote_id))
            assert outcomes(v) == ["success"]
        with unscoped():
            assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    with unscoped():
        assert set(Attempt.objects.values_list("message", flat=True)) == set(
            Variant.objects.values_list("remote_url", flat=True)
        )


def test_one_post_rate_limited_the_other_published(tenants, accounts, soon):
    post = schedule(tenants, accounts, "Deux comptes", soon)
    set_faults("alpha.sandbox", "rate_limit:90")
    result = batch.fire(batch.claim("w", now=soon), "w")
    assert result == {"success": 1, "rate_limited": 1}
    fr, en = variants(post)
    assert fr.status == PostStatus.SCHEDULED and not fr.needs_reconcile
    assert 80 < (fr.due_at - timezone.now()).total_seconds() <= 90  # Retry-After honoured
    assert "slow down" in fr.last_error
    assert en.status == PostStatus.PUBLISHED
    assert outcomes(fr) == ["rate_limited"] and outcomes(en) == ["success"]
    with unscoped():
        assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED
    assert batch.claim("w", now=timezone.now() + timedelta(seconds=30)) == []  # not before
    later = timezone.now() + timedelta(seconds=91)
    assert batch.fire(batch.claim("w", now=later), "w") == {"success": 1}
    assert sandbox_posts("alpha.sandbox").count() == 1
    assert sandbox_posts("alpha-en.sandbox").count() == 1
    with unscoped():
        assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED


def test_expired_token_in_a_batch_is_refreshed_once_and_the_refresh_token_kept(
    tenants, accounts, soon
):
    for n in range(3):
        schedule(tenants, [accounts[0]], f"Jeton {n}", soon)
    with unscoped():
        SocialAccount.objects.filter(pk=accounts[0].pk).update(
            credentials={"access_token": "old", "refresh_token": "keep-me"}
        )
    set_faults("alpha.sandbox", "expire_token")
    assert batch.fire(batch.claim("w", now=soon), "w") == {"success": 3}
    with unscoped():
        creds = SocialAccount.objects.get(pk=accounts[0].pk).credentials
    assert creds["refresh_token"] == "keep-me" and creds["access_token"] != "old"
    assert sandbox_posts("alpha.sandbox").count() == 3


def test_token_refused_after_refresh_needs_a_person(tenants, accounts, soon):
    post = schedule(tenants, [accounts[0]], "Jeton mort", soon)
    set_faults("alpha.sandbox", "expire_token", "expire_token")
    assert batch.fire(batch.claim("w", now=soon), "w") == {"auth_expired": 1}
    (v,) = variants(post)
    assert v.status == PostStatus.NEEDS_ATTENTION
    with unscoped():
        assert SocialAccount.objects.get(pk=accounts[0].pk).status == "needs_reauth"


def test_permanent_refusal_in_a_batch_notifies_author_and_account_owner(
    tenants, accounts, soon, django_capture_on_commit_callbacks
):
    cm = tenants.people["community_manager"]
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a, cm, text="Refusé", accounts=[accounts[0]], scheduled_at=soon
        )
        workflow.do_submit(post, cm)
        workflow.do_approve(post, tenants.owner)
    ok = schedule(tenants, [accounts[0]], "Accepté", soon)
    set_faults("alpha.sandbox", "reject")
    with django_capture_on_commit_callbacks(execute=True):
        result = batch.fire(batch.claim("w", now=soon), "w")
    assert result == {"rejected": 1, "success": 1}
    (failed,) = variants(post)
    assert failed.status == PostStatus.FAILED and "refused" in failed.last_error
    assert variants(ok)[0].status == PostStatus.PUBLISHED
    told = set(Notification.objects.filter(kind="post.failed").values_list("user", flat=True))
    assert {cm.pk, tenants.owner.pk} <= told


def test_timeout_after_accept_in_a_batch_is_reconciled_not_duplicated(tenants, accounts, soon):
    post = schedule(tenants, [accounts[0]], "Délai dépassé", soon)
    set_faults("alpha.sandbox", "timeout_after_accept")
    assert batch.fire(batch.claim("w", now=soon), "w") == {"unknown": 1}
    (v,) = variants(post)
    assert v.status == PostStatus.SCHEDULED and v.needs_reconcile
    assert sandbox_posts("alpha.sandbox").count() == 1  # the network did accept it
    later = timezone.now() + timedelta(hours=1)
    assert batch.claim("w", now=later) == []  # the batch path never blind-retries it
    lane = PublisherLane("w", lookahead=0)
    lane.cycle(later)  # handed to the single path, which reconciles
    (v,) = variants(post)
    assert v.status == PostStatus.PUBLISHED and outcomes(v) == ["unknown", "reconciled"]
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_crash_between_attempt_rows_and_the_network_call(tenants, accounts, soon):
    """The worker died after claiming (attempt rows written) and before calling out:
    released as stuck, reconciled (nothing there), published once."""
    post = schedule(tenants, [accounts[0]], "Jamais parti", soon)
    claimed = batch.claim("dead-worker", now=soon)
    assert len(claimed) == 1  # …and the process dies here
    assert publisher.release_stuck(timezone.now()) == 0
    assert publisher.release_stuck(timezone.now() + timedelta(minutes=5)) == 1
    (v,) = variants(post)
    assert v.status == PostStatus.SCHEDULED and v.needs_reconcile
    later = timezone.now() + timedelta(minutes=5)
    assert batch.claim("w", now=later) == []
    PublisherLane("w", lookahead=0).cycle(later)
    (v,) = variants(post)
    assert v.status == PostStatus.PUBLISHED
    assert outcomes(v) == ["crashed", "success"]
    assert sandbox_posts("alpha.sandbox").count() == 1
    # The dead worker's plan, were it to wake up, is no longer its own.
    assert batch.fire(claimed, "dead-worker") == {}
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_crash_after_the_network_accepted_a_batch(tenants, accounts, soon):
    posts = [schedule(tenants, [accounts[0]], f"Parti {n}", soon) for n in range(3)]
    claimed = batch.claim("dead-worker", now=soon)
    # The sandbox accepted the batch, then the worker died before recording anything.
    with unscoped():
        connector = SocialAccount.objects.get(pk=accounts[0].pk).connector()
    connector.publish_many([batch._request(i) for i in claimed])
    assert publisher.release_stuck(timezone.now() + timedelta(minutes=5)) == 3
    later = timezone.now() + timedelta(minutes=5)
    PublisherLane("w", lookahead=0).cycle(later)
    for post in posts:
        (v,) = variants(post)
        assert v.status == PostStatus.PUBLISHED and outcomes(v) == ["crashed", "reconciled"]
    assert sandbox_posts("alpha.sandbox").count() == 3


def test_a_post_taken_back_after_the_claim_is_not_sent(tenants, accounts, soon):
    kept = schedule(tenants, [accounts[0]], "Gardé", soon)
    taken = schedule(tenants, [accounts[0]], "Repris", soon)
    claimed = batch.claim("w", now=soon)
    with unscoped():
        # A person's change that slipped in after the claim (the workflow's own update).
        Variant.objects.filter(post=taken).update(status=PostStatus.DRAFT, claimed_at=None)
    assert batch.fire(claimed, "w") == {"success": 1}
    (v,) = variants(taken)
    assert v.status == PostStatus.DRAFT and v.attempts == 0 and outcomes(v) == []
    assert variants(kept)[0].status == PostStatus.PUBLISHED
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_the_lane_claims_ahead_and_sends_at_the_due_instant(tenants, accounts):
    due = timezone.now() + timedelta(seconds=8)
    post = schedule(tenants, accounts, "À l'heure", due)
    lane = PublisherLane("w", lookahead=10)
    early = due - timedelta(seconds=9)
    lane.cycle(early)  # claimed ahead, attempts written, nothing sent
    assert len(lane.plan) == 2
    assert all(v.status == PostStatus.PUBLISHING for v in variants(post))
    assert lane.cycle(early) > 0  # nothing to do before the instant: sleep
    assert sandbox_posts("alpha.sandbox").count() == 0
    lane.cycle(due - timedelta(seconds=ARM_SECONDS / 2))  # checked just before…
    assert len(lane.armed) == 2 and sandbox_posts("alpha.sandbox").count() == 0
    lane.cycle(due)  # …and sent at the instant
    assert lane.published == 2
    assert {v.status for v in variants(post)} == {PostStatus.PUBLISHED}
    assert sandbox_posts("alpha.sandbox").count() == 1


def test_a_stopping_lane_gives_back_what_it_has_not_sent(tenants, accounts):
    due = timezone.now() + timedelta(seconds=8)
    post = schedule(tenants, accounts, "Plus tard", due)
    lane = PublisherLane("w", lookahead=10)
    lane.cycle(due - timedelta(seconds=9))
    assert release(lane.plan.drain()) == 2
    for v in variants(post):
        assert v.status == PostStatus.SCHEDULED and not v.needs_reconcile
        assert v.attempts == 0 and outcomes(v) == []
    with unscoped():
        assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED
    # Another lane takes them as if nothing happened.
    other = PublisherLane("w2", lookahead=10)
    other.cycle(due - timedelta(seconds=9))
    assert len(other.plan) == 2


def test_thread_and_first_comment_follow_a_batch_published_post(tenants, accounts, soon):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Premier",
            accounts=[accounts[0]],
            scheduled_at=soon,
            first_comment="Le lien est en commentaire",
        )
        Variant.objects.filter(post=post).update(thread=["Deuxième"])
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    assert batch.fire(batch.claim("w", now=soon), "w") == {"success": 1}
    (v,) = variants(post)
    assert len(v.follow_up_ids) == 2
    root = sandbox_posts("alpha.sandbox").get(remote_id=v.remote_id)
    replies = sandbox_posts("alpha.sandbox").exclude(pk=root.pk).order_by("created_at")
    assert [r.text for r in replies] == ["Deuxième", "Le lien est en commentaire"]
    assert replies[0].reply_to_id == root.pk and replies[1].reply_to_id == replies[0].pk


def test_a_daily_post_published_by_batches_stays_at_nine_paris_time(tenants, accounts):
    first = local_to_utc(date(2027, 3, 26), time(9, 0), PARIS)
    post = schedule(
        tenants, [accounts[0]], "Bonjour !", first, repeat="daily", repeat_until=date(2027, 3, 30)
    )
    sent = []
    now = first
    for _ in range(6):
        claimed = batch.claim("w", now=now)
        if not claimed:
            break
        assert batch.fire(claimed, "w") == {"success": 1}
        sent.append(now)
        with unscoped():
            pending = Variant.objects.filter(status=PostStatus.SCHEDULED).order_by("due_at")
            if not pending:
                break
            now = pending[0].due_at
    assert [d.astimezone(PARIS).day for d in sent] == [26, 27, 28, 29, 30]
    assert {d.astimezone(PARIS).time() for d in sent} == {time(9, 0)}
    assert [d.astimezone(UTC).hour for d in sent] == [8, 8, 7, 7, 7]
    with unscoped():
        assert Post.objects.filter(series=post.series).count() == 5


def test_variants_to_reconcile_are_left_to_the_single_path(tenants, accounts, soon):
    post = schedule(tenants, [accounts[0]], "À vérifier", soon)
    with unscoped():
        Variant.objects.filter(post=post).update(needs_reconcile=True)
    assert batch.claim("w", now=soon) == []
    assert publisher.claim_due(now=soon, reconcile_only=True) == [variants(post)[0].pk]


@pytest.mark.django_db(transaction=True)
def test_accounts_are_published_concurrently_on_lane_threads(tenants, accounts, settings):
    settings.TRIBUNE_PUBLISH_CONCURRENCY = 2
    soon = timezone.now() + timedelta(seconds=5)
    posts = [schedule(tenants, accounts, f"En parallèle {n}", soon) for n in range(4)]
    callers = batch.Callers(batch.concurrency())
    assert callers.size == 2
    try:
        callers.warm()
        result = batch.fire(batch.claim("w", now=soon), "w", callers=callers)
    finally:
        callers.close()
    assert result == {"success": 8}
    assert sandbox_posts("alpha.sandbox").count() == 4
    assert sandbox_posts("alpha-en.sandbox").count() == 4
    for post in posts:
        assert {v.status for v in variants(post)} == {PostStatus.PUBLISHED}


def test_dispatcher_publishes_everything_when_lanes_are_off(tenants, accounts, settings):
    from tribune.publishing.tasks import dispatch

    settings.TRIBUNE_PUBLISHER_LANE = False
    post = schedule(tenants, accounts, "Sans voie", timezone.now() - timedelta(seconds=1))
    assert dispatch.call() == 2
    assert {v.status for v in variants(post)} == {PostStatus.PUBLISHED}


def test_dispatcher_leaves_fresh_posts_to_the_lanes(tenants, accounts, settings):
    from tribune.publishing.tasks import LANE_GRACE_SECONDS, dispatch

    settings.TRIBUNE_PUBLISHER_LANE = True
    fresh = schedule(tenants, [accounts[0]], "Pour la voie", timezone.now())
    stale = schedule(
        tenants,
        [accounts[1]],
        "Oublié",
        timezone.now() - timedelta(seconds=LANE_GRACE_SECONDS + 5),
    )
    assert dispatch.call() == 1  # the safety net: only what no lane took in time
    assert variants(fresh)[0].status == PostStatus.SCHEDULED
    assert variants(stale)[0].status == PostStatus.PUBLISHED


def test_worker_runs_a_lane_only_where_publishing_is_served(settings):
    from tribune.worker.runner import TribuneWorker

    settings.TRIBUNE_PUBLISHER_LANE = True
    assert TribuneWorker(worker_id="a").publisher
    assert TribuneWorker(worker_id="b", queues=["publishing"]).publisher
    assert not TribuneWorker(worker_id="c", queues=["default"]).publisher
    assert not TribuneWorker(worker_id="d", publisher=False).publisher  # --no-publisher
    settings.TRIBUNE_PUBLISHER_LANE = False
    assert not TribuneWorker(worker_id="e").publisher


class OneByOne(Connector):
    """A network without a batch endpoint: the lane calls it once per post."""

    name, label = "fake", "Fake"
    limits = TextLimits(max_length=500)

    def __init__(self, credentials, script):
        super().__init__(credentials)
        self.script, self.calls = script, []

    def publish(self, post):
        self.calls.append((post.text, self.credentials.secrets.get("access_token")))
        outcome = self.script.pop(0) if self.script else "ok"
        if outcome == "expired":
            raise AuthExpired("expired")
        if outcome == "busy":
            raise RateLimited("slow down", retry_after=30)
        return PublishedPost(f"id-{post.text}", f"https://fake/{post.text}", timezone.now())

    def refresh_credentials(self):
        return self.credentials.with_secrets(access_token="new")

    delete = find_published = fetch_inbound = fetch_account_metrics = fetch_post_metrics = None  # type: ignore[assignment]


def test_a_network_without_batch_endpoint_is_called_per_post_and_refreshed_once(
    tenants, accounts, monkeypatch
):
    script = ["ok", "expired", "busy"]
    made = []

    def fake_connector(self):
        made.append(OneByOne(Credentials(self.handle, dict(self.credentials)), script))
        return made[-1]

    monkeypatch.setattr(SocialAccount, "connector", fake_connector)
    with unscoped():
        SocialAccount.objects.filter(pk=accounts[0].pk).update(
            credentials={"access_token": "old", "refresh_token": "keep-me"}
        )
        account = SocialAccount.objects.get(pk=accounts[0].pk)
    requests = [PostRequest(text=t, idempotency_key=t) for t in ("a", "b", "c")]
    with brand_scope(account.brand_id):
        results, last = batch._publish_account(account, requests)
    assert not isinstance(made[0], batch.BatchPublishing)
    assert [type(results[i]).__name__ for i in range(3)] == [
        "PublishedPost",
        "PublishedPost",
        "RateLimited",
    ]
    # b was refused with the old token, refreshed once, then sent with the new one.
    assert made[0].calls == [("a", "old"), ("b", "old"), ("c", "old")]
    assert made[1].calls == [("b", "new")]
    assert last is made[1]
    with unscoped():
        stored = SocialAccount.objects.get(pk=account.pk).credentials
    assert stored == {"access_token": "new", "refresh_token": "keep-me"}


def test_a_claim_lost_during_a_slow_send_is_not_sent_by_this_lane(
    tenants, accounts, monkeypatch, settings, soon
):
    """A slow call (a video upload) outlived the stuck delay: release_stuck gave the
    remaining posts to the queue; the lane must not send them as well."""
    settings.TRIBUNE_PUBLISH_STUCK_SECONDS = 0  # renew (and check) before every call
    first = schedule(tenants, [accounts[0]], "Lent", soon)
    second = schedule(tenants, [accounts[0]], "Suivant", soon)
    calls = []

    class Slow(OneByOne):
        def publish(self, post):
            calls.append(post.text)
            publisher.release_stuck(timezone.now() + timedelta(minutes=10))
            return super().publish(post)

    monkeypatch.setattr(SocialAccount, "connector", lambda self: Slow(Credentials(self.handle), []))
    assert batch.fire(batch.claim("w", now=soon), "w") == {"success": 1}
    assert calls == ["Lent"]
    assert variants(first)[0].status == PostStatus.PUBLISHED
    (v,) = variants(second)
    assert v.status == PostStatus.SCHEDULED and v.needs_reconcile
    assert outcomes(v) == ["crashed"]
