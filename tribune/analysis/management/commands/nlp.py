"""``tribune nlp classify|eval|train|topics …``: forwards its arguments to the analysis CLI.

The argument parsing lives in ``tribune.analysis.cli`` so that the same contract works
with and without Django (``python -m tribune.analysis.cli``).
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from tribune.analysis.cli import main


class Command(BaseCommand):
    help = (
        "Text analytics: nlp classify --input FILE --output FILE | nlp eval --task "
        "sentiment|toxicity --texts FILE --labels FILE | nlp train [--data DIR] [--out DIR] "
        "| nlp train --brand SLUG | nlp models --brand SLUG | nlp rollback --brand SLUG "
        "[--to VERSION] | nlp topics --input FILE. Run `nlp <subcommand> --help` for details."
    )
    requires_system_checks: list[str] = []  # batch jobs must not wait for system checks

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("argv", nargs=argparse.REMAINDER, help="subcommand and options")

    def run_from_argv(self, argv: list[str]) -> None:
        # Forward the raw arguments untouched (so `nlp eval --help` reaches our parser
        # instead of Django's); argv is [program, "nlp", *arguments].
        code = main(argv[2:], prog=f"{argv[0]} nlp")
        if code:
            raise SystemExit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(list(options["argv"]))
        if code:
            raise SystemExit(code)
