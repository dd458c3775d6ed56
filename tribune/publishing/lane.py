"""The publisher lane: a thread in every ``tribune worker`` that publishes on time.

Each cycle it (1) fires the claimed variants whose instant has come, (2) claims, in
batches, the variants due within the look-ahead window (see ``publishing.batch``),
(3) hands a few variants that must be reconciled to the single path, then (4) sleeps
until the next due instant or the next poll, whichever is sooner. Several lanes (one
per worker process, on any number of machines) share the queue: claims skip rows
another lane holds.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from tribune.publishing import batch, publisher

logger = logging.getLogger("tribune.publishing")

POLL_SECONDS = 1.0  # how often the queue is looked at when nothing is planned sooner
PLAN_CAP = 20_000  # claimed-ahead variants one lane holds at most
RECONCILE_PER_CYCLE = 10
ARM_SECONDS = 2.0  # claims are checked this long before their instant, then sent on time


def lookahead_seconds() -> float:
    """How long before its due time a variant may be claimed. Kept well under the stuck
    delay, so a claim waiting for its instant is never mistaken for a dead worker's."""
    wanted = float(getattr(settings, "TRIBUNE_PUBLISH_LOOKAHEAD_SECONDS", 10))
    return max(0.0, min(wanted, settings.TRIBUNE_PUBLISH_STUCK_SECONDS / 3))


class PublisherLane:
    def __init__(
        self,
        worker_id: str,
        stop_event: threading.Event | None = None,
        *,
        lookahead: float | None = None,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.worker_id = worker_id
        self.stop_event = stop_event or threading.Event()
        self.lookahead = lookahead_seconds() if lookahead is None else lookahead
        self.poll = poll
        self.plan = batch.Plan()
        self.armed = batch.Plan()  # checked, waiting for their instant
        self.published = 0
        self.callers: batch.Callers | None = None

    def cycle(self, now: datetime | None = None) -> float:
        """One round of work. Returns how long to sleep before the next one."""
        now = now or timezone.now()
        due = self.armed.pop_due(now)
        if due:
            fired = batch.fire(due, self.worker_id, armed=True, callers=self.callers)
            self.published += sum(fired.values())
            return 0.0
        soon = self.plan.pop_due(now + timedelta(seconds=ARM_SECONDS))
        if soon:
            self.armed.add(batch.arm(soon))
            return 0.0
        if len(self.armed):
            # Checked posts wait for their instant: do nothing that could delay them.
            armed = self.armed.next_due()
            return max(0.0, (armed - timezone.now()).total_seconds()) if armed else 0.0
        if len(self.plan) < PLAN_CAP:
            claimed = batch.claim(self.worker_id, now=now, horizon=self.lookahead)
            self.plan.add(claimed)
            if len(claimed) == batch.CLAIM_SIZE:
                return 0.0  # more may be waiting: claim again (or fire) right away
            if claimed and claimed[0].due_at <= now:
                return 0.0
        ids = publisher.claim_due(now, limit=RECONCILE_PER_CYCLE, reconcile_only=True)
        for variant_id in ids:
            publisher.publish_variant(variant_id, self.worker_id)
        if ids:
            return 0.0
        wait = self.poll
        planned = self.plan.next_due()
        if planned is not None:
            wait = min(wait, (planned - timezone.now()).total_seconds() - ARM_SECONDS)
        return max(0.0, wait)

    def run(self) -> None:
        logger.info(
            "Publisher lane of %s started (look-ahead %.0f s)", self.worker_id, self.lookahead
        )
        threads = batch.concurrency()
        if threads > 1:
            self.callers = batch.Callers(threads)
            try:
                self.callers.warm()
            except Exception:  # the threads connect on first use instead
                logger.exception("Could not open the publisher lane's connections yet")
        try:
            while not self.stop_event.is_set():
                close_old_connections()
                try:
                    wait = self.cycle()
                except DatabaseError:
                    logger.exception("Database error in the publisher lane; retrying")
                    close_old_connections()
                    wait = 2.0
                except Exception:  # never let one bad post stop publishing for everyone
                    logger.exception("Unexpected error in the publisher lane; continuing")
                    wait = 1.0
                if wait > 0:
                    self.stop_event.wait(wait)
            self._finish()
        finally:
            if self.callers is not None:
                self.callers.close()
            connection.close()
        logger.info("Publisher lane of %s stopped", self.worker_id)

    def _finish(self) -> None:
        """On a clean stop, publish what is due within a few seconds, give the rest back."""
        self.plan.add(self.armed.drain())
        deadline = time.monotonic() + 10
        while len(self.plan) and time.monotonic() < deadline:
            next_due = self.plan.next_due()
            if next_due is not None and (next_due - timezone.now()).total_seconds() > 2:
                break
            due = self.plan.pop_due(timezone.now())
            if due:
                batch.fire(due, self.worker_id, callers=self.callers)
            else:
                time.sleep(0.05)
        release(self.plan.drain())

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="publisher-lane", daemon=True)
        thread.start()
        return thread


def release(items: list[batch.Planned]) -> int:
    """Give claimed, never-called variants back to the queue (a worker stopping). No call
    was made under these claims, and a claim only takes variants with nothing to
    reconcile, so they go back as they were."""
    if not items:
        return 0
    from django.db import transaction

    from tribune.core.scope import unscoped
    from tribune.publishing.models import PostStatus, Variant

    with unscoped(), transaction.atomic():
        live = batch.still_ours(items)
        mine = [i for i in items if i.variant_id in live]
        Variant.objects.filter(id__in=[i.variant_id for i in mine]).update(
            status=PostStatus.SCHEDULED, claimed_at=None, needs_reconcile=False
        )
        batch.drop(mine)
        batch.refresh_post_statuses({i.post_id for i in mine})
    return len(mine)
