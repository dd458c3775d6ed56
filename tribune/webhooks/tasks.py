"""The delivery job: every 2 seconds, send what is due (new events and retries)."""

from __future__ import annotations

from django.tasks import task

from tribune.worker.periodic import periodic


@periodic("webhooks.deliver", every=2)
@task()
def deliver_due() -> dict[str, int]:
    from tribune.webhooks.services import run_due

    return run_due()


LOG_DAYS = 30  # the delivery log (payloads hold personal data) is kept this long


@periodic("webhooks.prune", every=24 * 3600)
@task()
def prune_log() -> int:
    from datetime import timedelta

    from django.utils import timezone

    from tribune.core.scope import unscoped
    from tribune.webhooks.models import Delivery

    with unscoped():
        deleted, _rows = (
            Delivery.objects.filter(created_at__lt=timezone.now() - timedelta(days=LOG_DAYS))
            .exclude(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
            .delete()
        )
    return deleted
