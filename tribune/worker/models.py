"""Worker heartbeats and the periodic-job table driving the scheduler."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    tasks_run = models.PositiveIntegerField(default=0)


class PeriodicJob(models.Model):
    """One row per registered periodic job. ``next_run_at`` is claimed with a conditional
    UPDATE, so only one of several schedulers enqueues a given run."""

    name = models.CharField(max_length=100, unique=True)
    interval_seconds = models.PositiveIntegerField()
    next_run_at = models.DateTimeField(db_index=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_worker = models.CharField(max_length=64, blank=True)
    enabled = models.BooleanField(default=True)


class JobRun(models.Model):
    """The history of scheduled runs; the unique slot is a second guard against doubles."""

    job_name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    worker_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job_name", "slot"], name="uniq_job_slot")]
        indexes = [models.Index(fields=["job_name", "-slot"])]
