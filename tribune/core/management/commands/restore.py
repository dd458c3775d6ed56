"""``tribune restore FILE --yes``: replace the database with a backup (stop Tribune first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tribune.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `tribune backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current data is replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces all current data: add --yes to confirm, "
                "after stopping every Tribune process."
            )
        connections.close_all()
        try:
            restore(dict(settings.DATABASES["default"]), Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        # A backup from an older release is brought up to date.
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(self.style.SUCCESS("Database restored and migrated."))
