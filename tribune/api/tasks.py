"""Housekeeping of the API tables."""

from __future__ import annotations

import time

from django.tasks import task
from django.utils import timezone

from tribune.api.idempotency import KEEP
from tribune.api.models import IdempotentRequest, RateWindow
from tribune.worker.periodic import periodic


@periodic("api.prune", every=3600)
@task()
def prune() -> int:
    old_window = int(time.time() // 60) - 60
    deleted, _rows = RateWindow.objects.filter(window__lt=old_window).delete()
    gone, _rows = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted + gone
