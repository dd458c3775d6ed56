"""``tribune community rank --edges FILE --top N``: forwards to ``tribune.community.rank``."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from tribune.community.rank import main


class Command(BaseCommand):
    help = "Community analytics: community rank --edges FILE [--top 20]. See --help."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("argv", nargs=argparse.REMAINDER, help="subcommand and options")

    def run_from_argv(self, argv: list[str]) -> None:
        code = main(argv[2:], prog=f"{argv[0]} community")
        if code:
            raise SystemExit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(list(options["argv"]))
        if code:
            raise SystemExit(code)
