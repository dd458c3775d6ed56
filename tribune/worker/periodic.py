"""Registry of periodic jobs and the scheduler tick.

Several ``tribune worker`` processes may tick at once on one database: each due job is
claimed with ``UPDATE … SET next_run_at = … WHERE name = … AND next_run_at = <seen>``;
only the process whose update touched a row enqueues the task.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tribune.worker.models import JobRun, PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: int  # seconds
    task: Any  # a django.tasks Task taking no arguments


REGISTRY: dict[str, Periodic] = {}


def periodic(name: str, every: int) -> Any:
    """Register a task (decorated with ``@task``) to run every ``every`` seconds."""

    def decorator(task_obj: Any) -> Any:
        REGISTRY[name] = Periodic(name=name, every=every, task=task_obj)
        return task_obj

    return decorator


def sync_jobs(now: datetime | None = None) -> None:
    now = now or timezone.now()
    known = dict(PeriodicJob.objects.values_list("name", "interval_seconds"))
    for item in REGISTRY.values():
        if item.name not in known:
            PeriodicJob.objects.get_or_create(
                name=item.name, defaults={"interval_seconds": item.every, "next_run_at": now}
            )
        elif known[item.name] != item.every:
            PeriodicJob.objects.filter(name=item.name).update(interval_seconds=item.every)


def tick(worker_id: str, now: datetime | None = None) -> list[str]:
    """Enqueue every due job this process manages to claim. Returns their names."""
    now = now or timezone.now()
    claimed: list[str] = []
    jobs = PeriodicJob.objects.filter(enabled=True, name__in=list(REGISTRY))
    for job in jobs:
        interval = timedelta(seconds=job.interval_seconds)
        # A next run more than one interval ahead means the clock went back (NTP step,
        # VM restore): run now rather than stall every job for the size of the jump.
        clock_went_back = job.next_run_at > now + interval
        if job.next_run_at > now and not clock_went_back:
            continue
        # Skip missed slots after downtime instead of running them all at once.
        following = job.next_run_at + interval
        if following <= now or clock_went_back:
            following = now + interval
        with transaction.atomic():
            won = PeriodicJob.objects.filter(pk=job.pk, next_run_at=job.next_run_at).update(
                next_run_at=following, last_run_at=now, last_worker=worker_id
            )
            if not won:
                continue
            try:
                with transaction.atomic():
                    JobRun.objects.create(
                        job_name=job.name, slot=job.next_run_at, worker_id=worker_id
                    )
            except IntegrityError:
                logger.warning(
                    "Slot %s of %s already ran; not enqueued again.", job.next_run_at, job.name
                )
                continue
            task_obj = REGISTRY[job.name].task
            transaction.on_commit(task_obj.enqueue)
            claimed.append(job.name)
    return claimed
