"""``tribune worker``: run background tasks and the periodic scheduler."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from tribune.worker.runner import TribuneWorker


class Command(BaseCommand):
    help = "Run a Tribune background worker (tasks + periodic scheduler)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queues", default="*", help="Comma-separated queues, * for all.")
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run tasks; another worker drives periodic jobs.",
        )
        parser.add_argument(
            "--no-publisher",
            action="store_true",
            help="Do not run the publisher lane in this worker (the others publish).",
        )
        parser.add_argument("--worker-id", default=None)
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=None,
            help="Stop after this many seconds (tests, batch use).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = TribuneWorker(
            worker_id=options["worker_id"],
            queues=options["queues"].split(","),
            scheduler=not options["no_scheduler"],
            tick_every=settings.TRIBUNE_SCHEDULER_TICK,
            publisher=False if options["no_publisher"] else None,
        )

        def _stop(signum: int, frame: Any) -> None:
            worker.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        worker.run(max_seconds=options["max_seconds"])
