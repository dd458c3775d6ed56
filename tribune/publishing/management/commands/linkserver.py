"""``tribune linkserver``: serve the tracked-link redirect ``/l/<code>`` (PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def _bind(value: str) -> tuple[str, int]:
    host, _sep, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--bind expects host:port, not {value!r}")
    return host.strip("[]"), int(port)


class Command(BaseCommand):
    help = (
        "Serve the tracked-link redirect /l/<code> with batched click writes "
        "(route /l/ to it from the reverse proxy; see docs/deploy.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("TRIBUNE_LINK_BIND", "127.0.0.1:8001"))
        parser.add_argument(
            "--processes",
            type=int,
            default=int(os.environ.get("TRIBUNE_LINK_PROCESSES", "0")) or os.cpu_count() or 1,
        )
        parser.add_argument(
            "--journal-dir", type=Path, default=Path(settings.TRIBUNE_LINK_JOURNAL_DIR)
        )
        parser.add_argument(
            "--flush-interval",
            type=float,
            default=0.05,
            help="seconds between batch writes at most (default 0.05)",
        )
        parser.add_argument(
            "--cache-seconds",
            type=float,
            default=60.0,
            help="how long a link is served from memory (a deleted link redirects that long)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "the link server needs PostgreSQL; with SQLite `tribune web` serves /l/ itself"
            )
        from tribune.publishing.linkrunner import Options, run

        host, port = _bind(options["bind"])
        journal_dir: Path = options["journal_dir"]
        try:
            journal_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create the journal directory {journal_dir}: {exc}") from exc
        if not os.access(journal_dir, os.W_OK):
            raise CommandError(f"the journal directory {journal_dir} is not writable")
        settings_ = Options(journal_dir, options["flush_interval"], options["cache_seconds"])
        status = run(host, port, options["processes"], settings_)
        if status:
            raise SystemExit(status)
