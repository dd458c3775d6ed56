"""A worker killed (SIGKILL) while the network is answering: after a restart the post
exists exactly once on the network, reconciled rather than published again."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.processes import env, log_tail, processes
from tests.publishing.conftest import sandbox_posts, set_faults
from tribune.core.scope import brand_scope
from tribune.publishing import workflow
from tribune.publishing.models import Attempt, PostStatus, Variant

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait(predicate, timeout, what, log_dir):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{log_tail(log_dir)}")
        time.sleep(0.2)


def test_killed_worker_then_restart_gives_exactly_one_post(tenants, accounts, tmp_path):
    set_faults("alpha.sandbox", "hang_after_accept:120")
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Un seul, svp",
            accounts=[accounts[0]],
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        variant = Variant.objects.get(post=post)
    environ = env(TRIBUNE_PUBLISH_STUCK_SECONDS="4", TRIBUNE_SCHEDULER_TICK="0.2")
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    with processes([["worker"]], environ, first_dir) as (first,):
        # The network accepted the post; the worker is now waiting for its answer.
        _wait(lambda: sandbox_posts("alpha.sandbox").exists(), 60, "the post", first_dir)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    with brand_scope(tenants.brand_a):
        assert Variant.objects.get(pk=variant.pk).status == PostStatus.PUBLISHING
    with processes([["worker"]], environ, second_dir):

        def published() -> bool:
            with brand_scope(tenants.brand_a):
                return Variant.objects.get(pk=variant.pk).status == PostStatus.PUBLISHED

        _wait(published, 60, "reconciliation", second_dir)
    assert sandbox_posts("alpha.sandbox").count() == 1
    with brand_scope(tenants.brand_a):
        outcomes = list(Attempt.objects.filter(variant=variant).values_list("outcome", flat=True))
        assert outcomes == ["crashed", "reconciled"]
        assert Variant.objects.get(pk=variant.pk).remote_id == str(
            sandbox_posts("alpha.sandbox").get().remote_id
        )
