"""Publishing jobs: dispatch due variants, publish them, release stuck ones."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from tribune.publishing import publisher
from tribune.worker.periodic import periodic

BATCH = 25


@task(queue_name="publishing")
def publish_batch(variant_ids: list[int]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for variant_id in variant_ids:
        outcome = publisher.publish_variant(variant_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# Posts due longer ago than this are taken by the dispatcher even when publisher lanes
# run: the safety net for workers all started with --no-publisher.
LANE_GRACE_SECONDS = 30


@periodic("publishing.dispatch", every=1)
@task(queue_name="publishing")
def dispatch() -> int:
    """Publish what is due. Normally each worker's publisher lane (``publishing.lane``)
    has done it on time; this catches what no lane took."""
    from tribune.publishing import batch

    grace = LANE_GRACE_SECONDS if settings.TRIBUNE_PUBLISHER_LANE else 0
    total = batch.run_due("dispatch", horizon=-grace)
    while True:
        ids = publisher.claim_due(limit=BATCH, reconcile_only=True, grace=grace)
        if not ids:
            return total
        publish_batch.enqueue(ids)
        total += len(ids)


@periodic("publishing.evergreen", every=3600)
@task()
def requeue_evergreens() -> int:
    from django.utils import timezone

    from tribune.publishing.evergreen import do_requeue, due_evergreens

    due = due_evergreens(timezone.now())
    for post_id in due:
        do_requeue(post_id)
    return len(due)


@periodic("publishing.collect_post_metrics", every=900)
@task()
def collect_post_metrics() -> int:
    from tribune.publishing.metrics import collect

    return collect()


@periodic("publishing.release_stuck", every=max(1, settings.TRIBUNE_PUBLISH_STUCK_SECONDS // 4))
@task()
def release_stuck() -> int:
    return publisher.release_stuck()
