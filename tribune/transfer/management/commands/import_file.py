"""``tribune import_file --brand SLUG --kind x|mastodon|bluesky|csv [--account ID] FILE``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tribune.accounts.models import Brand, User
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.transfer.imports import KINDS, ImportFailed, run_import


class Command(BaseCommand):
    help = "Import an X/Mastodon/Bluesky archive or a CSV of posts into a brand (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--brand", required=True, help="brand slug")
        parser.add_argument("--kind", required=True, choices=KINDS)
        parser.add_argument("--account", type=int, help="social account id (archives)")
        parser.add_argument("--as", dest="actor", help="email of the person recorded as author")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand “{options['brand']}”.")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email=options["actor"].lower()).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with brand_scope(brand):
            account = None
            if options["account"] is not None:
                account = SocialAccount.objects.filter(pk=options["account"]).first()
                if account is None:
                    raise CommandError("No such social account on this brand.")
            try:
                with path.open("rb") as handle:
                    report = run_import(brand, actor, options["kind"], handle, account=account)  # type: ignore[arg-type]
            except ImportFailed as exc:
                for error in exc.report.row_errors:
                    self.stderr.write(f"row {error.row} · {error.field}: {error.message}")
                raise CommandError(f"Nothing imported. {exc.report.error}") from None
        self.stdout.write(f"Imported: {report.created} created, {report.skipped} skipped.")
