"""The inbox's analysis interface: the deterministic lexicon engine (used by the other
tests) and, once, the real model when one is installed."""

from __future__ import annotations

import pytest

from tribune.inbox import analysis
from tribune.inbox.analysis import analyse_messages, is_question

SAMPLES = [
    "@alpha bande d'escrocs, vous êtes vraiment des nuls",
    "@alpha service de merde, allez vous faire voir",
    "@alpha you are a bunch of idiots, worst company ever",
    "Merci @alpha pour l'accueil au magasin hier, équipe adorable 😊",
    "@alpha est-ce que le produit est disponible en Belgique ?",
    "Déçu par le produit, la qualité a vraiment baissé",
]


def test_lexicon_engine_labels_french_and_english_messages():
    results = analyse_messages(SAMPLES, engine="lexicon")
    assert [r.toxic for r in results] == [True, True, True, False, False, False]
    assert [r.language for r in results] == ["fr", "fr", "en", "fr", "fr", "fr"]
    assert results[0].sentiment == "negative" and "bande d'escrocs" in results[0].toxic_terms
    assert results[3].sentiment == "positive" and results[5].sentiment == "negative"
    assert [r.is_question for r in results] == [False, False, False, False, True, False]
    assert {r.engine for r in results} == {"lexicon"}
    assert analyse_messages([], engine="lexicon") == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Vos horaires ce week-end ?", True),
        ("Comment je fais pour modifier ma commande", True),
        ("@alpha bonjour, est-ce que vous livrez en Suisse", True),
        ("Is there a student discount", True),
        ("Super produit, merci", False),
        ("Voir https://example.com/?q=1", False),
        ("Quelle belle journée", False),
    ],
)
def test_question_detection(text, expected):
    assert is_question(text) is expected


def test_auto_falls_back_to_the_lexicon_while_no_model_is_installed(monkeypatch):
    monkeypatch.setattr(analysis, "model_available", lambda: False)
    assert {r.engine for r in analyse_messages(SAMPLES[:2], engine="auto")} == {"lexicon"}

    def broken(texts):  # type: ignore[no-untyped-def]
        raise RuntimeError("model file truncated")

    monkeypatch.setattr(analysis, "model_available", lambda: True)
    monkeypatch.setattr(analysis, "_model", broken)
    # A broken model never loses messages: the lexicon answers.
    assert {r.engine for r in analyse_messages(SAMPLES[:2], engine="auto")} == {"lexicon"}
    with pytest.raises(RuntimeError):
        analyse_messages(SAMPLES[:2], engine="model")


def test_the_real_model_when_installed():
    analysis.model_available.cache_clear()
    if not analysis.model_available():
        pytest.skip("no trained model in tribune/analysis/trained yet (`tribune nlp train`)")
    results = analyse_messages(SAMPLES, engine="model")
    assert {r.engine for r in results} == {"model"}
    assert results[0].toxic and results[1].toxic and not results[3].toxic
    assert results[3].sentiment == "positive"
    assert [r.language for r in results[:4]] == ["fr", "fr", "en", "fr"]
