"""``tribune export_brand SLUG OUT.zip`` (or ``--workspace SLUG``): JSON + CSV in a zip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tribune.accounts.models import Brand, Workspace
from tribune.transfer.exports import export_brand_zip, export_workspace_zip


class Command(BaseCommand):
    help = "Export everything a brand (or a whole workspace) owns as a zip of JSON and CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="brand slug (or workspace slug with --workspace)")
        parser.add_argument("out", type=Path)
        parser.add_argument("--workspace", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["slug"]).first()
            if workspace is None:
                raise CommandError(f"No workspace “{options['slug']}”.")
            data = export_workspace_zip(workspace, None)
        else:
            brand = Brand.objects.filter(slug=options["slug"]).first()
            if brand is None:
                raise CommandError(f"No brand “{options['slug']}”.")
            data = export_brand_zip(brand, None)
        options["out"].write_bytes(data)
        self.stdout.write(f"Wrote {options['out']} ({len(data)} bytes).")
