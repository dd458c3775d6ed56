"""``tribune charter check``: JSON on stdout, exit 0 / 1 / 2, a clear unknown-brand message."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from django.core.management import call_command

from tests.processes import ROOT, TRIBUNE, env
from tests.strategy.factories import charter


def _check(capsys, *args: str) -> tuple[int, list, str]:  # type: ignore[no-untyped-def]
    try:
        call_command("charter", "check", *args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else []), err


def test_a_clean_text_prints_an_empty_list_and_exits_0(tenants, capsys):
    charter(tenants.brand_a, "arnaque")
    code, problems, _err = _check(
        capsys, "--brand", "alpha", "--network", "mastodon", "--text", "Bonne journée"
    )
    assert (code, problems) == (0, [])


def test_a_blocking_term_exits_1_with_the_violation_as_json(tenants, capsys):
    charter(tenants.brand_a, "arnaque | block | Vocabulaire juridique")
    code, problems, _err = _check(
        capsys, "--brand", "alpha", "--network", "mastodon", "--text", "L’arnaque du siècle"
    )
    assert code == 1
    assert problems == [
        {
            "code": "banned_term",
            "severity": "block",
            "message_fr": (
                "Terme interdit par la charte : « arnaque ». Motif : Vocabulaire juridique"
            ),
            "message_en": "Term banned by the charter: “arnaque”. Reason: Vocabulaire juridique",
            "start": 2,
            "end": 9,
            "detail": "arnaque",
        }
    ]


def test_warnings_only_exit_0(tenants, capsys):
    charter(tenants.brand_a, "promo | warn")
    code, problems, _err = _check(
        capsys, "--brand", "alpha", "--network", "mastodon", "--text", "Une promo"
    )
    assert code == 0 and [p["severity"] for p in problems] == ["warn"]


def test_sponsored_and_language_reach_the_engine(tenants, capsys):
    charter(tenants.brand_a, "arnaque")
    args = ["--brand", "alpha", "--network", "mastodon", "--text", "Nouveau !", "--sponsored"]
    code, problems, _err = _check(capsys, *args, "--language", "fr")
    assert code == 1 and [p["code"] for p in problems] == ["missing_disclosure"]


def test_each_brand_is_checked_against_its_own_charter(tenants, capsys):
    charter(tenants.brand_a, "arnaque")
    code, problems, _err = _check(
        capsys, "--brand", "gamma", "--network", "mastodon", "--text", "arnaque"
    )
    assert (code, problems) == (0, [])


def test_an_unknown_brand_exits_2_with_a_clear_message(tenants, capsys):
    code, problems, err = _check(
        capsys, "--brand", "nope", "--network", "mastodon", "--text", "hello"
    )
    assert code == 2 and problems == []
    assert "'nope'" in err and "unknown brand" in err


def test_bad_usage_exits_2(tenants, capsys):
    code, _problems, err = _check(capsys, "--brand", "alpha", "--text", "hello")
    assert code == 2 and "--network" in err


def test_the_text_can_come_from_stdin(tenants, capsys, monkeypatch):
    charter(tenants.brand_a, "arnaque")
    monkeypatch.setattr("sys.stdin", io.StringIO("Encore une arnaque"))
    code, problems, _err = _check(capsys, "--brand", "alpha", "--network", "x", "--text", "-")
    assert code == 1 and problems[0]["detail"] == "arnaque"


@pytest.mark.django_db(transaction=True)
def test_the_real_command_line_exit_codes(tenants):
    """The installed ``tribune`` entry point, in its own process, on the test database."""
    charter(tenants.brand_a, "arnaque")
    base = [*TRIBUNE, "charter", "check", "--network", "mastodon"]
    run = {"cwd": ROOT, "env": env(), "capture_output": True, "text": True, "timeout": 60}
    blocked = subprocess.run([*base, "--brand", "alpha", "--text", "arnaque"], **run)  # noqa: S603
    assert blocked.returncode == 1, blocked.stderr
    assert json.loads(blocked.stdout)[0]["code"] == "banned_term"
    clean = subprocess.run([*base, "--brand", "alpha", "--text", "Bonjour"], **run)  # noqa: S603
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])
    unknown = subprocess.run([*base, "--brand", "inconnue", "--text", "x"], **run)  # noqa: S603
    assert unknown.returncode == 2 and "unknown brand" in unknown.stderr
