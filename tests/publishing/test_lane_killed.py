"""A worker's publisher lane claims posts ahead of their time (attempt rows written in
bulk) and the worker is SIGKILLed before sending them: after the stuck delay another
worker reconciles and publishes each post exactly once."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.processes import env, log_tail, processes
from tests.publishing.conftest import sandbox_posts
from tribune.core.scope import brand_scope, unscoped
from tribune.publishing import workflow
from tribune.publishing.models import Attempt, PostStatus, Variant

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait(predicate, timeout, what, log_dir):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{log_tail(log_dir)}")
        time.sleep(0.1)


def test_worker_killed_between_claim_and_send_publishes_each_post_once(tenants, accounts, tmp_path):
    due = timezone.now() + timedelta(seconds=25)
    with brand_scope(tenants.brand_a):
        posts = []
        for n in range(3):
            post = workflow.do_save_post(
                tenants.brand_a,
                tenants.owner,
                text=f"Prévu d'avance {n}",
                accounts=list(accounts),
                scheduled_at=due,
            )
            workflow.do_submit(post, tenants.owner)
            workflow.do_approve(post, tenants.owner)
            posts.append(post)
        ids = list(Variant.objects.filter(post__in=posts).values_list("id", flat=True))

    def statuses() -> set[str]:
        with unscoped():
            return set(Variant.objects.filter(id__in=ids).values_list("status", flat=True))

    # Look-ahead min(10, stuck / 3) = 4 s: claimed about 4 s before the due time.
    environ = env(TRIBUNE_PUBLISH_STUCK_SECONDS="12", TRIBUNE_SCHEDULER_TICK="0.2")
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    with processes([["worker"]], environ, first_dir) as (first,):
        _wait(lambda: statuses() == {PostStatus.PUBLISHING}, 60, "the claim", first_dir)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    accepted = sandbox_posts("alpha.sandbox").count() + sandbox_posts("alpha-en.sandbox").count()
    with unscoped():
        assert Attempt.objects.filter(variant_id__in=ids, outcome="pending").count() == 6
    assert timezone.now() < due  # killed before the instant: nothing was sent
    assert accepted == 0
    with processes([["worker"]], environ, second_dir):
        _wait(lambda: statuses() == {PostStatus.PUBLISHED}, 90, "publication", second_dir)
    assert sandbox_posts("alpha.sandbox").count() == 3
    assert sandbox_posts("alpha-en.sandbox").count() == 3
    with unscoped():
        for variant_id in ids:
            rows = Attempt.objects.filter(variant_id=variant_id).order_by("id")
            assert list(rows.values_list("outcome", flat=True)) == ["crashed", "success"]
