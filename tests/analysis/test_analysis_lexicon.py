import pytest

from tribune.analysis.lexicon import load_lexicon, score_text
from tribune.analysis.vocabulary import _data_path, guess_language


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Service client nul, vraiment déçu 😡", "negative"),
        ("C'est pas bon du tout", "negative"),
        ("j'aime pas", "negative"),
        ("peu fiable", "negative"),
        ("Pas mal du tout !", "positive"),
        ("trooop bien, merci", "positive"),
        ("Rien à redire, parfait", "positive"),
        ("pas de souci, merci", "positive"),
        ("Le magasin ouvre à neuf heures", "neutral"),
        ("I love it!!!", "positive"),
        ("This is not good at all", "negative"),
    ],
)
def test_labels(text, label):
    assert score_text(text).label == label


def test_negation_flips_and_softens():
    assert score_text("bon").compound > 0 > score_text("pas bon").compound
    assert abs(score_text("pas bon").compound) < abs(score_text("bon").compound)


def test_booster_and_contrast():
    assert score_text("très bon").compound > score_text("bon").compound
    # What follows "mais" is what the author means.
    assert score_text("bien mais trop cher").label == "negative"


def test_explanation_lists_the_words_that_drove_the_score():
    result = score_text("Livraison en retard et service nul, quelle arnaque")
    terms = [term for term, _ in result.terms]
    assert {"nul", "arnaque", "en retard"} <= set(terms)
    assert all(value < 0 for _, value in result.terms)
    assert abs(result.terms[0][1]) >= abs(result.terms[-1][1])  # strongest first


def test_insults_are_reported():
    assert score_text("ferme ta gueule connard").insults == ("ferme ta gueule", "connard")
    assert score_text("shut up you idiot", "en").insults == ("shut up", "idiot")
    assert score_text("merci beaucoup").insults == ()


def test_language_guess_from_function_words():
    assert guess_language(["je", "suis", "là"]) == "fr"
    assert guess_language(["the", "cat", "is", "here"]) == "en"
    assert guess_language(["👍"]) == "und"


def test_french_lexicon_file_is_well_formed():
    seen = set()
    rows = 0
    for line in _data_path("lexicon_fr.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        assert len(cols) in (2, 3), line
        assert -4.0 <= float(cols[1]) <= 4.0, line
        assert cols[0] not in seen, f"duplicate {cols[0]}"
        assert len(cols) == 2 or cols[2] == "insult", line
        seen.add(cols[0])
        rows += 1
    assert rows >= 300
    assert len(load_lexicon("fr").phrases) > 30  # expressions are loaded as phrases
