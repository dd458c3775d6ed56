"""Core of ``charter check``: check a text against a brand's charter from the shell.

The Django management command loads the brand's current charter and calls ``main`` with
that loader; this module knows nothing of the database, so it is tested with plain dicts.

Exit codes: 0 no blocking problem, 1 at least one blocking problem, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from tribune.strategy.rules.engine import ContentContext, check_content
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.rules.violations import blocking

OK, BLOCKED, BAD_INPUT = 0, 1, 2


class _BadInput(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    # argparse exits the process on a usage error; a command core must return instead.
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _BadInput(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="charter", description="Check content against a brand's charter.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = commands.add_parser("check", help="check one text; print problems as JSON")
    check.add_argument("--brand", required=True, help="the brand's slug")
    check.add_argument("--network", required=True, help="e.g. mastodon, bluesky, linkedin")
    check.add_argument("--text", required=True, help='the text, or "-" to read stdin')
    check.add_argument("--sponsored", action="store_true", help="the post is sponsored")
    check.add_argument("--language", help="declared language, e.g. fr")
    check.add_argument("--detected-language", help="language found by detection")
    check.add_argument("--account", help="account handle or id, for per-account languages")
    return parser


def main(argv: list[str], load_rules: Callable[[str], CharterRules]) -> int:
    try:
        args = _parser().parse_args(argv)
    except _BadInput as exc:
        print(exc, file=sys.stderr)
        return BAD_INPUT
    text = sys.stdin.read() if args.text == "-" else args.text
    if not args.network.strip():
        print("charter: --network must not be empty", file=sys.stderr)
        return BAD_INPUT
    try:
        rules = load_rules(args.brand)
    except LookupError as exc:  # the loader signals an unknown brand this way (KeyError…)
        print(f"charter: no charter for brand {args.brand!r} ({exc})", file=sys.stderr)
        return BAD_INPUT
    except ValueError as exc:
        print(f"charter: the charter of {args.brand!r} is invalid: {exc}", file=sys.stderr)
        return BAD_INPUT
    context = ContentContext(
        sponsored=args.sponsored,
        language=args.language,
        detected_language=args.detected_language,
        account=args.account,
    )
    violations = check_content(rules, args.network, text, context)
    print(json.dumps([v.to_dict() for v in violations], ensure_ascii=False, indent=2))
    return BLOCKED if blocking(violations) else OK
