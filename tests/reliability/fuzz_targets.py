"""Coverage-guided fuzz targets (atheris/libFuzzer) for the parsers fed by people or by
the outside world. Each target takes any bytes and checks the parser's contract (the
same one ``test_parser_properties.py`` states): a result, or the parser's ONE typed
error; any other exception is a crash, and libFuzzer saves the input that caused it.

``atheris.Fuzz()`` ends the process, so each target runs in its own process::

    python tests/reliability/fuzz_targets.py TARGET [libFuzzer flags] [CORPUS_DIR ...]

Without a corpus directory, new inputs go to a fresh temporary folder and the seeds
are read from ``fuzz_corpus/TARGET``. ``test_fuzz.py`` runs every target for a bounded
number of runs with a fixed seed; see docs/testing.md, "Fuzzing".
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "fuzz_corpus"
TARGETS = ("query", "feed", "charter", "csv")  # the parsers; "canary" is the self-test


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def fuzz_query(data: bytes) -> None:
    """listening's boolean query language: a tree or ``QuerySyntaxError`` pointing
    inside the query; a tree evaluates to a bool."""
    from tribune.listening.querylang import QuerySyntaxError, Target, evaluate, parse, terms

    text = _text(data)
    try:
        node = parse(text)
    except QuerySyntaxError as exc:
        if not exc.message or not 1 <= exc.position <= len(text) + 1:
            raise AssertionError(f"bad error {exc.message!r} at {exc.position}") from exc
        return
    target = Target(text="Alpha beta #gamma @delta été", language="fr", network="bluesky")
    if not isinstance(evaluate(node, target), bool):
        raise AssertionError("evaluate() gave something else than a bool")
    terms(node)


def fuzz_feed(data: bytes) -> None:
    """RSS/Atom: a ``FeedResult`` whose items all have a key, or ``FeedError``."""
    from tribune.listening.feeds import FeedError, parse_feed

    try:
        result = parse_feed(data, {"content-type": "application/xml"}, "https://news.example/")
    except FeedError as exc:
        if not str(exc):
            raise AssertionError("FeedError without a message") from exc
        return
    if not all(item.key for item in result.items):
        raise AssertionError("an item without a key")


def fuzz_charter(data: bytes) -> None:
    """The charter's line format: rules or ``LineError``; rules read back the same
    after formatting."""
    from tribune.strategy.forms import charter_lines as cl

    text = _text(data)
    for parse, fmt, extra in (
        (cl.parse_terms, cl.format_terms, ("warn",)),
        (cl.parse_required, cl.format_required, ()),
        (cl.parse_contacts, cl.format_contacts, ()),
    ):
        try:
            rules = parse(text, *extra)  # type: ignore[operator]
        except cl.LineError:
            continue
        again = parse(fmt(rules), *extra)  # type: ignore[operator]
        if again != rules:
            raise AssertionError(f"{parse.__name__}: {rules!r} read back as {again!r}")
    for value in (cl.as_count, cl.as_list):
        with contextlib.suppress(cl.LineError):
            cl.parse_pairs(text, value)


def fuzz_csv(data: bytes) -> None:
    """The CSV import's parsing step (before any database read or write): rows or
    ``ImportFailed`` with a message; a ``scheduled_at`` is a UTC time or ``ValueError``
    (which the import turns into a row error)."""
    from zoneinfo import ZoneInfo

    from tribune.transfer.imports import ImportFailed, ImportReport, _csv_rows, parse_when

    report = ImportReport(kind="csv")
    try:
        rows = _csv_rows(data, report, "text")
    except ImportFailed as exc:
        if not report.error or str(exc) != report.error:
            raise AssertionError("ImportFailed without its message") from exc
        return
    paris = ZoneInfo("Europe/Paris")
    for _number, row in rows:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in row.items()):
            raise AssertionError(f"a row that is not text: {row!r}")
        try:
            when = parse_when(row.get("scheduled_at", ""), paris)
        except ValueError:
            continue
        if when.utcoffset() is None or when.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
            raise AssertionError(f"parse_when gave a non-UTC time: {when!r}")


def fuzz_canary(data: bytes) -> None:
    """Not a parser: crashes on purpose, so test_fuzz.py can show that a crash is caught
    and its input reported."""
    if data[:6] == b"CANARY":  # instrumented: the comparison guides the fuzzer here
        raise ValueError("the canary sang")


FUNCTIONS: dict[str, Callable[[bytes], None]] = {
    "query": fuzz_query,
    "feed": fuzz_feed,
    "charter": fuzz_charter,
    "csv": fuzz_csv,
    "canary": fuzz_canary,
}
# Modules imported under instrumentation, so coverage of their code guides the fuzzer.
MODULES = {
    "query": ("tribune.listening.querylang",),
    "feed": ("feedparser", "tribune.listening.feeds"),
    "charter": ("tribune.strategy.forms.charter_lines",),
    "csv": ("tribune.transfer.imports",),
    "canary": (),
}


def main(argv: list[str]) -> None:
    import importlib

    import atheris
    import django

    if len(argv) < 2 or argv[1] not in FUNCTIONS:
        names = "|".join(FUNCTIONS)
        sys.exit(f"usage: {argv[0]} {{{names}}} [libFuzzer flags] [corpus dirs]")
    name, rest = argv[1], argv[2:]
    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tribune.settings")
    django.setup()  # gettext needs the app registry; no database connection is opened
    with atheris.instrument_imports(include=["tribune", "feedparser"]):
        for module in MODULES[name]:
            importlib.import_module(module)
    if not any(not arg.startswith("-") for arg in rest):
        # New inputs go to the first directory: keep the committed seeds untouched.
        rest += [tempfile.mkdtemp(prefix=f"fuzz-{name}-"), str(CORPUS / name)]
    function = FUNCTIONS[name]
    if name == "canary":
        function = atheris.instrument_func(function)
    atheris.Setup([argv[0], *rest], function)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
