from tribune.analysis.normalize import (
    clean_for_model,
    fix_elongations,
    lexical_tokens,
    split_hashtag,
)


def test_elongations_collapse_to_a_known_word():
    assert lexical_tokens("trooop bien") == ["trop", "bien"]
    assert fix_elongations("cooool") == "cool"  # two letters when that is the real word
    assert fix_elongations("merciiiii") == "merci"
    assert fix_elongations("Géniaaaal") == "Génial"


def test_hashtags_become_words():
    assert split_hashtag("BonneJournée") == "bonne journée"
    assert split_hashtag("COVID19") == "covid 19"
    assert split_hashtag("bonnejournée") == "bonne journée"  # known words only
    assert split_hashtag("xyzzyplugh") == "xyzzyplugh"
    assert clean_for_model("#BonneJournée à tous") == "bonne journée à tous"


def test_urls_and_mentions_use_the_training_placeholders():
    text = "@Orange_FR @SFR regardez https://t.co/AbC123 et www.example.org/x"
    assert clean_for_model(text) == "@user regardez http et http"
    assert lexical_tokens(text) == ["regardez", "et"]


def test_french_elisions_are_expanded():
    assert lexical_tokens("l'arnaque") == ["le", "arnaque"]
    assert lexical_tokens("Qu’il parte, j'aime pas") == ["que", "il", "parte", "je", "aime", "pas"]
    assert lexical_tokens("jusqu'à aujourd'hui") == ["jusque", "à", "aujourd'hui"]
    assert lexical_tokens("n'importe quoi") == ["ne", "importe", "quoi"]


def test_english_contractions_are_kept():
    assert lexical_tokens("I don't like it") == ["i", "don't", "like", "it"]


def test_emoji_emoticons_and_exclamations_are_tokens():
    assert lexical_tokens("Top 😍❤️ :) !!") == ["top", "😍", "❤", ":)", "!", "!"]


def test_long_text_is_bounded_and_whitespace_collapsed():
    assert clean_for_model("  a\n\tb  ") == "a b"
    assert len(clean_for_model("mot " * 5000)) <= 2000
