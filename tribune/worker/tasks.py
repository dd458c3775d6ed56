"""Housekeeping jobs of the worker itself."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tribune.worker.models import Heartbeat, JobRun
from tribune.worker.periodic import periodic


@periodic("worker.probe", every=int(getattr(settings, "TRIBUNE_PROBE_SECONDS", 30)))
@task()
def probe() -> str:
    """A no-op run end to end (scheduler → queue → worker); /healthz reads its time."""
    return timezone.now().isoformat()


@periodic("worker.prune", every=3600)
@task()
def prune() -> int:
    """Forget old scheduler history and heartbeats of workers long gone."""
    now = timezone.now()
    old_runs, _ = JobRun.objects.filter(created_at__lt=now - timedelta(days=7)).delete()
    # Finished task results are kept a day for inspection, failed ones a week.
    DBTaskResult.objects.filter(
        status="SUCCESSFUL", finished_at__lt=now - timedelta(days=1)
    ).delete()
    DBTaskResult.objects.filter(status="FAILED", finished_at__lt=now - timedelta(days=7)).delete()
    Heartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return old_runs
