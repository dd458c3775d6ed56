"""The ``tribune worker`` loop: heartbeat, scheduler tick, then run queued tasks.

Task claiming reuses django-tasks-db's row locking (``select_for_update(skip_locked=True)``
on PostgreSQL, an exclusive transaction on SQLite), so any number of workers on any
number of machines can share one database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

from django.conf import settings
from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DBWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from tribune.worker import periodic
from tribune.worker.models import Heartbeat

logger = logging.getLogger("tribune.worker")

HEARTBEAT_EVERY = 5.0


class TribuneWorker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queues: list[str] | None = None,
        idle_sleep: float = 0.5,
        scheduler: bool = True,
        tick_every: float = 1.0,
        publisher: bool | None = None,
    ) -> None:
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.queues = queues or ["*"]
        self.idle_sleep = idle_sleep
        self.scheduler = scheduler
        self.tick_every = tick_every
        # The publisher lane runs where the "publishing" queue is served, unless disabled.
        if publisher is None:
            publisher = settings.TRIBUNE_PUBLISHER_LANE
        self.publisher = publisher and ("*" in self.queues or "publishing" in self.queues)
        self.stop_event = threading.Event()
        self.tasks_run = 0
        # django-tasks-db's own runner records success/failure and sends the signals.
        self._runner = DBWorker(
            queue_names=self.queues,
            interval=idle_sleep,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    def heartbeat(self) -> None:
        now = timezone.now()
        Heartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname(),
                "pid": os.getpid(),
                "seen_at": now,
                "tasks_run": self.tasks_run,
            },
            create_defaults={
                "hostname": socket.gethostname(),
                "pid": os.getpid(),
                "seen_at": now,
                "started_at": now,
                "tasks_run": self.tasks_run,
            },
        )

    def claim_one(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        if "*" not in self.queues:
            tasks = tasks.filter(queue_name__in=self.queues)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run_once(self) -> bool:
        """Run at most one task. Returns whether one ran."""
        task_result = self.claim_one()
        if task_result is None:
            return False
        self._runner.run_task(task_result)
        self.tasks_run += 1
        return True

    def run(self, max_seconds: float | None = None) -> None:
        logger.info("Worker %s started (queues=%s)", self.worker_id, ",".join(self.queues))
        started = time.monotonic()
        last_beat = last_tick = 0.0
        if self.scheduler:
            periodic.sync_jobs()
        lane_thread = None
        if self.publisher:
            from tribune.publishing.lane import PublisherLane

            lane_thread = PublisherLane(self.worker_id, self.stop_event).start_thread()
        while not self.stop_event.is_set():
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            close_old_connections()
            now = time.monotonic()
            try:
                if now - last_beat >= HEARTBEAT_EVERY:
                    self.heartbeat()
                    last_beat = now
                if self.scheduler and now - last_tick >= self.tick_every:
                    periodic.tick(self.worker_id)
                    last_tick = now
                ran = self.run_once()
            except OperationalError:
                # Database restarting or unreachable: wait and try again, never die.
                logger.exception("Database error in worker loop; retrying")
                close_old_connections()
                ran = False
                self.stop_event.wait(2.0)
            if not ran:
                self.stop_event.wait(self.idle_sleep)
        if lane_thread is not None:
            self.stop_event.set()
            lane_thread.join(timeout=30)
        Heartbeat.objects.filter(worker_id=self.worker_id).delete()
        logger.info("Worker %s stopped after %d tasks", self.worker_id, self.tasks_run)

    def stop(self) -> None:
        self.stop_event.set()
