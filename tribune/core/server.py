"""Run the WSGI app under gunicorn, optionally with a task worker thread in-process."""

from __future__ import annotations

import logging
import threading
from typing import Any

from gunicorn.app.base import BaseApplication

logger = logging.getLogger("tribune.server")


class TribuneServer(BaseApplication):
    def __init__(self, options: dict[str, Any], with_worker: bool = False) -> None:
        self.options = options
        self.with_worker = with_worker
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)
        if self.with_worker:
            self.cfg.set("post_worker_init", _start_worker_thread)

    def load(self) -> Any:
        from tribune.wsgi import application

        return application


def _start_worker_thread(_gunicorn_worker: Any) -> None:
    from django.conf import settings

    from tribune.worker.runner import TribuneWorker

    worker = TribuneWorker(tick_every=settings.TRIBUNE_SCHEDULER_TICK)
    thread = threading.Thread(target=worker.run, name="tribune-worker", daemon=True)
    thread.start()
    logger.info("Embedded worker thread started")
