"""Bad input, fuzzed: each target of ``fuzz_targets.py`` (listening's query language,
RSS/Atom feeds, the charter's line format, the CSV import's parsing step) runs under
atheris/libFuzzer in its own process, from the seeds in ``fuzz_corpus/<target>``, for a
bounded number of runs with a fixed seed. Any exception other than the parser's own
typed error is a crash: the test fails with the input that caused it.

``TRIBUNE_FUZZ_SECONDS=300 pytest tests/reliability/test_fuzz.py`` fuzzes each target
for that many seconds instead (see docs/testing.md, "Fuzzing").

The end of the file keeps the crashes the fuzzer found, as plain regression tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.fuzz_targets import CORPUS, TARGETS

SCRIPT = Path(__file__).with_name("fuzz_targets.py")
SEED = 20261202
# target: (runs, longest input in bytes); about 2 to 8 s each on one core.
BUDGET = {"query": (20_000, 600), "feed": (4_000, 4096), "charter": (10_000, 1000)}
BUDGET["csv"] = (30_000, 2048)
CAP_SECONDS = 12  # a slow machine stops early rather than holding up the suite
ARTIFACTS = ("crash-", "timeout-", "oom-", "leak-")


def _fuzz(target: str, tmp_path: Path, seeds: Path, runs: int, max_len: int) -> tuple[str, int]:
    """Run one target; fail with the saved input when libFuzzer reports a problem.
    Returns the output and the number of runs done."""
    hand = os.environ.get("TRIBUNE_FUZZ_SECONDS", "").strip()
    seconds = int(hand) if hand else CAP_SECONDS
    found = tmp_path / "found"
    found.mkdir()
    command = [
        sys.executable,
        str(SCRIPT),
        target,
        f"-seed={SEED}",
        f"-max_len={max_len}",
        f"-max_total_time={seconds}",
        f"-runs={-1 if hand else runs}",
        "-timeout=10",  # one input taking longer is a hang: reported like a crash
        "-rss_limit_mb=2048",
        f"-artifact_prefix={tmp_path}/",
        str(found),  # new inputs land in the first folder, never among the seeds
        str(seeds),
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tribune.settings", "PYTHONHASHSEED": "0"}
    proc = subprocess.run(
        command,
        capture_output=True,
        env=env,
        cwd=SCRIPT.parents[2],
        timeout=seconds * 3 + 120,
        check=False,
    )
    output = (proc.stdout + proc.stderr).decode("utf-8", errors="replace")
    saved = sorted(p for p in tmp_path.iterdir() if p.name.startswith(ARTIFACTS))
    if proc.returncode != 0 or saved:
        inputs = "\n".join(f"{p} = {p.read_bytes()[:2000]!r}" for p in saved) or "(none saved)"
        progress = re.compile(r"^#\d+\s+(NEW|REDUCE|pulse|INITED)\b")
        shown = "\n".join(line for line in output.splitlines() if not progress.match(line))
        pytest.fail(
            f"fuzz target {target!r} crashed (exit {proc.returncode}).\n"
            f"Reproduce: {sys.executable} {SCRIPT} {target} <input file>\n"
            f"Input(s):\n{inputs}\n--- libFuzzer output (end) ---\n{shown[-4000:]}",
            pytrace=False,
        )
    done = re.search(r"Done (\d+) runs", output)
    assert done, f"libFuzzer did not finish normally:\n{output[-2000:]}"
    return output, int(done.group(1))


@pytest.mark.parametrize("target", TARGETS)
def test_parser_survives_fuzzing(target: str, tmp_path: Path) -> None:
    runs, max_len = BUDGET[target]
    output, done = _fuzz(target, tmp_path, CORPUS / target, runs, max_len)
    seeds = len(list((CORPUS / target).iterdir()))
    assert f"{seeds} files found in {CORPUS / target}" in output  # the seeds were read
    assert done > seeds  # and the fuzzer went beyond them


def test_a_crash_fails_the_test_and_shows_its_input(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "plain").write_bytes(b"CANARX")  # one mutation away from the crash
    with pytest.raises(pytest.fail.Exception) as failure:
        _fuzz("canary", tmp_path, seeds, 200_000, 64)
    message = str(failure.value)
    assert "crash-" in message and "CANARY" in message
    assert "ValueError: the canary sang" in message


# --- crashes the fuzzer found (kept as regression tests) -------------------------------------
def test_feed_with_a_nul_in_its_declared_encoding_is_a_feed_error() -> None:
    from tribune.listening.feeds import FeedError, parse_feed

    body = (CORPUS / "feed" / "regress-nul-in-encoding.xml").read_bytes()
    with pytest.raises(FeedError, match="ValueError"):  # was: ValueError out of feedparser
        parse_feed(body, {"content-type": "application/xml"})


def test_feed_link_closed_after_its_item_is_a_feed_error() -> None:
    from tribune.listening.feeds import FeedError, parse_feed

    body = (CORPUS / "feed" / "regress-link-closed-after-item.xml").read_bytes()
    with pytest.raises(FeedError, match="KeyError"):  # was: KeyError 'links' in feedparser
        parse_feed(body, {"content-type": "application/xml"})


def test_feed_dates_out_of_range_and_bad_links_keep_the_items() -> None:
    from tribune.listening.feeds import parse_feed

    body = (CORPUS / "feed" / "regress-dates-and-ipv6.xml").read_bytes()
    # was: ValueError "year -99 is out of range" (date "00"), "Invalid IPv6 URL" (urljoin)
    result = parse_feed(body, {"content-type": "application/xml"}, "https://news.example/")
    assert [item.key for item in result.items][:1] == ["urn:1"]
    assert len(result.items) == 2
    assert all(item.published_at.tzinfo is not None for item in result.items)


def test_csv_with_a_lone_carriage_return_is_read() -> None:
    from tribune.transfer.imports import ImportReport, _csv_rows

    data = (CORPUS / "csv" / "regress-lone-cr.csv").read_bytes()
    rows = _csv_rows(data, ImportReport(kind="csv"), "text")  # was: csv.Error
    assert [row["text"] for _n, row in rows] == ["Bonjour", "le monde"]


def test_csv_the_csv_module_cannot_read_is_an_import_failure() -> None:
    from tribune.transfer.imports import ImportFailed, ImportReport, _csv_rows

    report = ImportReport(kind="csv")
    data = b"text\n" + b"x" * 200_000 + b"\n"  # longer than the csv module's field limit
    with pytest.raises(ImportFailed):
        _csv_rows(data, report, "text")
    assert "ligne 2" in report.error  # the message people read (French by default)
