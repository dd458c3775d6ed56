"""Behaviour of the packaged model through the public ``analyze`` API."""

import pytest

from tribune.analysis import analyze, analyze_fast

pytestmark = pytest.mark.usefixtures("warm_model")


def test_clearly_negative_french_post():
    (result,) = analyze(["Service client nul, colis jamais reçu, je suis très déçu 😡"])
    assert result.lang == "fr"
    assert result.sentiment == "negative"
    assert result.sentiment_scores["negative"] > 0.6
    assert {"nul", "jamais reçu"} & {term for term, _ in result.explanation}


def test_clearly_positive_posts_in_both_languages():
    fr, en = analyze(
        [
            "Merci beaucoup à toute l'équipe, livraison rapide et produit génial !",
            "Thank you so much, the support team was wonderful and fast!",
        ]
    )
    assert (fr.lang, fr.sentiment) == ("fr", "positive")
    assert (en.lang, en.sentiment) == ("en", "positive")
    assert not fr.toxic and not en.toxic


def test_insults_are_toxic_with_a_high_score():
    results = analyze(["Ferme ta gueule espèce de connard", "Shut up you stupid idiot"])
    for result in results:
        assert result.toxic
        assert result.toxicity > 0.7
        assert result.toxic_terms
    (polite,) = analyze(["Bonjour, à quelle heure ouvre la boutique samedi ?"])
    assert not polite.toxic and polite.toxicity < 0.3


def test_scores_are_probabilities():
    (result,) = analyze(["Le magasin ouvre à neuf heures demain"])
    assert set(result.sentiment_scores) == {"negative", "neutral", "positive"}
    assert sum(result.sentiment_scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert 0.0 <= result.toxicity <= 1.0
    assert result.sentiment == max(result.sentiment_scores, key=result.sentiment_scores.get)


def test_order_duplicates_and_empty_texts():
    texts = ["j'adore", "", "je déteste", "j'adore", "   ", "@user http"]
    results = analyze(texts)
    assert len(results) == len(texts)
    assert results[0] == results[3]  # duplicates embedded once, same answer
    assert results[0].sentiment == "positive" and results[2].sentiment == "negative"
    for empty in (results[1], results[4]):
        assert (empty.lang, empty.sentiment, empty.toxic) == ("und", "neutral", False)
    assert analyze([]) == []


def test_keywords_are_extracted_on_request():
    text = "Le service client de la banque ne répond jamais, trois semaines sans réponse"
    (with_kw,) = analyze([text])
    (without,) = analyze([text], keywords=False)
    assert "service client" in with_kw.keywords
    assert without.keywords == ()


def test_fast_path_is_lexicon_only():
    results = analyze_fast(["Trop bien, merci !", "c'est nul", "ta gueule connard", ""])
    assert [r.sentiment for r in results] == ["positive", "negative", "negative", "neutral"]
    assert [r.toxic for r in results] == [False, False, True, False]
    assert all(r.engine == "lexicon" for r in results)


def test_engine_works_without_django_settings():
    # Scripts and notebooks use the engine without Django: no settings must be needed.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "from tribune.analysis.bundle import default_model_dir, PACKAGED_DIR;"
        "from tribune.analysis.langid import configured_languages;"
        "assert default_model_dir() == PACKAGED_DIR;"
        "assert configured_languages() == ('fr', 'en')"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def test_django_settings_select_languages_and_model_dir(tmp_path):
    from django.conf import settings

    if not settings.configured:
        pytest.skip("Django settings are not configured in this run")
    from django.test import override_settings

    from tribune.analysis.bundle import default_model_dir
    from tribune.analysis.langid import configured_languages

    with override_settings(TRIBUNE_ANALYSIS_LANGUAGES=["FR"], TRIBUNE_ANALYSIS_MODEL_DIR=tmp_path):
        assert configured_languages() == ("fr",)
        assert default_model_dir() == tmp_path
