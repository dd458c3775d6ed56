"""``tribune web``: serve the web app under gunicorn (production)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from tribune.core.server import TribuneServer


class Command(BaseCommand):
    help = "Serve Tribune's web interface and API with gunicorn."
    embedded_worker = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("TRIBUNE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("TRIBUNE_WEB_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("TRIBUNE_WEB_THREADS", "4"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = 1 if self.embedded_worker else options["workers"]
        TribuneServer(
            {
                "bind": options["bind"],
                "workers": workers,
                "threads": options["threads"],
                "worker_class": "gthread",
                "accesslog": "-" if os.environ.get("TRIBUNE_ACCESS_LOG") else None,
                "timeout": 60,
                "graceful_timeout": 20,
            },
            with_worker=self.embedded_worker,
        ).run()
