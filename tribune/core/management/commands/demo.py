"""``tribune demo``: seed the demo agency (idempotent), print logins, then serve."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from tribune.demo.seed import run_demo


class Command(BaseCommand):
    help = "Create the demo workspace with sandbox history, then serve Tribune."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Only seed the data.")
        parser.add_argument("--days", type=int, default=28, help="Days of simulated history.")
        parser.add_argument("--bind", default=os.environ.get("TRIBUNE_BIND", "127.0.0.1:8000"))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write("Seeding the demo workspace (sandbox network, simulated audience)…")
        # Seeding sends review notifications; keep them out of the console output.
        quiet_mail = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=quiet_mail):
            result = run_demo(days=options["days"], progress=self.stdout.write)
        host, _, port = options["bind"].rpartition(":")
        url = f"http://{host or '127.0.0.1'}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Tribune demo ready: {url}"))
        self.stdout.write(f"Logins (password for all: {result.logins[0][1]}):")
        for email, _password, what in result.logins:
            self.stdout.write(f"  {email:<34} {what}")
        self.stdout.write(f"Data: {settings.DATABASES['default']['NAME']}")
        if not options["no_serve"]:
            self.stdout.flush()
            call_command("run", bind=options["bind"])
