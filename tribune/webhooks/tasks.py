"""The delivery job: every 2 seconds, send what is due (new events and retries)."""

from __future__ import annotations

from django.tasks import task

from tribune.worker.periodic import periodic


@periodic("webhooks.deliver", every=2)
@task()
def deliver_due() -> dict[str, int]:
    from tribune.webhooks.services import run_due

    return run_due()
