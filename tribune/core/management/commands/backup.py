"""``tribune backup [FILE]``: a consistent copy of the database while Tribune runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tribune.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="Target file (default: var/backups/…)")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
        target = Path(
            options["file"] or settings.DATA_DIR / "backups" / f"tribune-{stamp}.{suffix}"
        )
        try:
            backup(dict(settings.DATABASES["default"]), target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
