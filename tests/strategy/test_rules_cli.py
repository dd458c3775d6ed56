"""The ``charter check`` command core, with a loader reading rules from a dict."""

import io
import json

import pytest

from tribune.strategy.rules import CharterRules
from tribune.strategy.rules.cli import main

CHARTERS = {
    "lune": {"banned_terms": ["arnaque", {"term": "bof", "severity": "warn"}]},
    "broken": {"banned_terms": [{"term": "x", "severity": "high"}]},
}


def load(slug):
    return CharterRules.from_dict(CHARTERS[slug])  # KeyError for an unknown brand


def run(capsys, *argv):
    code = main(list(argv), load)
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_text_prints_an_empty_list(capsys):
    code, out, err = run(capsys, "check", "--brand", "lune", "--network", "x", "--text", "Salut")
    assert (code, json.loads(out), err) == (0, [], "")


def test_blocking_violation_exits_1_with_json(capsys):
    code, out, _ = run(
        capsys, "check", "--brand", "lune", "--network", "mastodon", "--text", "L’arnaque"
    )
    assert code == 1
    (found,) = json.loads(out)
    assert found["code"] == "banned_term"
    assert found["severity"] == "block"
    assert (found["start"], found["end"]) == (2, 9)
    assert found["message_fr"] and found["message_en"]


def test_warnings_only_exit_0(capsys):
    code, out, _ = run(capsys, "check", "--brand", "lune", "--network", "x", "--text", "bof")
    assert code == 0
    assert [v["code"] for v in json.loads(out)] == ["banned_term"]


def test_sponsored_and_language_flags(capsys):
    code, out, _ = run(
        capsys,
        *("check", "--brand", "lune", "--network", "x", "--text", "Nouveau"),
        *("--sponsored", "--language", "fr"),
    )
    assert code == 1
    assert [v["code"] for v in json.loads(out)] == ["missing_disclosure"]


def test_text_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("une arnaque\n"))
    code, out, _ = run(capsys, "check", "--brand", "lune", "--network", "x", "--text", "-")
    assert code == 1
    assert json.loads(out)[0]["detail"] == "arnaque"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "charter:"),
        (["check", "--network", "x", "--text", "t"], "--brand"),
        (["check", "--brand", "lune", "--text", "t"], "--network"),
        (["check", "--brand", "lune", "--network", "x"], "--text"),
        (["check", "--brand", "lune", "--network", " ", "--text", "t"], "--network"),
        (["check", "--brand", "nobody", "--network", "x", "--text", "t"], "nobody"),
        (["check", "--brand", "broken", "--network", "x", "--text", "t"], "severity"),
        (["lint", "--brand", "lune"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_a_message(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
