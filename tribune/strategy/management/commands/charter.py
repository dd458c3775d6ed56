"""``tribune charter check --brand SLUG --network NAME --text "…" [--sponsored] [--language fr]``

Prints the violations as JSON. Exit status: 0 no blocking problem, 1 a blocking one,
2 bad input (usage error, unknown brand, invalid stored charter). The argument parsing
and output live in ``tribune.strategy.rules.cli``; this command only supplies the
brand's current charter from the database.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

from tribune.accounts.models import Brand
from tribune.strategy.rules import CharterRules
from tribune.strategy.rules.cli import main
from tribune.strategy.services.charter import current_rules


def load_rules(slug: str) -> CharterRules:
    """The current rules of the brand with this slug. The command acts for whoever runs
    it on the server, across tenants: the brand is looked up by slug, then
    ``current_rules`` reads its charter inside that brand's scope."""
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise LookupError("unknown brand: no brand has this slug")
    return current_rules(brand)


def run(argv: list[str]) -> int:
    return main(argv, load_rules)


class Command(BaseCommand):
    help = (
        "Check a text against a brand's social charter: charter check --brand SLUG --network "
        'NAME --text "…" [--sponsored] [--language fr]. Prints violations as JSON; exits 1 '
        "on a blocking one, 2 on bad input."
    )
    requires_system_checks: list[str] = []  # a quick check must not wait for system checks

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "argv", nargs=argparse.REMAINDER, help="check --brand SLUG --network NAME --text …"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = run(list(options["argv"]))
        if code:
            raise SystemExit(code)
