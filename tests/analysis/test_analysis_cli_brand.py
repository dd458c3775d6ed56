"""``nlp train --brand``, ``nlp models`` and ``nlp rollback`` against the database."""

from __future__ import annotations

import json

import pytest

from tribune.analysis.brand_models import active_bundle, do_record_correction
from tribune.analysis.cli import main

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_model")]


def test_train_list_and_roll_back_from_the_command_line(tenants, capsys):
    assert main(["train", "--brand", "alpha"]) == 2
    assert "rien sur quoi entraîner" in capsys.readouterr().err

    do_record_correction(
        tenants.brand_a, task="sentiment", text="Ce parfum tue", new_label="positive"
    )
    assert main(["train", "--brand", "alpha", "--note", "premier essai"]) == 0
    out = capsys.readouterr().out
    assert "model v1 stored (active)" in out and "sentiment: 1 corrections" in out
    assert main(["train", "--brand", "alpha", "--no-activate"]) == 0
    assert "v2 stored (not activated)" in capsys.readouterr().out

    assert main(["models", "--brand", "alpha", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["version"], r["active"]) for r in rows] == [(2, False), (1, True)]
    assert rows[0]["metrics"]["sentiment"]["corrections"] == 1

    assert main(["rollback", "--brand", "alpha", "--to", "2"]) == 0
    assert "v2 is active" in capsys.readouterr().out
    assert main(["rollback", "--brand", "alpha"]) == 0
    assert active_bundle(tenants.brand_a).manifest["version"] == 1
    assert main(["rollback", "--brand", "alpha", "--to", "default"]) == 0
    assert "back to the default model" in capsys.readouterr().out
    assert active_bundle(tenants.brand_a) is None
    main(["models", "--brand", "alpha"])
    assert "no active version" in capsys.readouterr().out


def test_unknown_brand_and_version_are_clear_errors(tenants, capsys):
    assert main(["models", "--brand", "nope"]) == 2
    assert "no brand with the slug 'nope'" in capsys.readouterr().err
    assert main(["rollback", "--brand", "alpha", "--to", "9"]) == 2
    assert "pas de version 9 du modèle" in capsys.readouterr().err
    assert main(["rollback", "--brand", "alpha", "--to", "latest"]) == 2
    # Brand B is untouched by anything done on brand A.
    assert main(["models", "--brand", "beta"]) == 0
    assert "no trained version" in capsys.readouterr().out
