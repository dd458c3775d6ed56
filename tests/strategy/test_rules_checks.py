"""The other charter checks: disclosure, hashtags, UTM, required terms, language, tone."""

import pytest

from tribune.strategy.rules import CharterRules, ContentContext, blocking, check_content

SPONSORED = ContentContext(sponsored=True)


def codes(rules, text, context=None, network="mastodon"):
    return [v.code for v in check_content(rules, network, text, context or ContentContext())]


# --- disclosure -----------------------------------------------------------------------
def test_sponsored_without_disclosure_blocks():
    found = check_content(CharterRules(), "instagram", "Nouvelle gamme !", SPONSORED)
    assert [v.code for v in found] == ["missing_disclosure"]
    assert blocking(found)
    assert found[0].span is None


@pytest.mark.parametrize(
    "text",
    [
        "Nouvelle gamme #Sponsorisé",
        "Nouvelle gamme #sponsorise",
        "Nouvelle gamme ＃PARTENARIAT",
        "#ad New range",
        "Publicité : nouvelle gamme",
        "En collaboration  commerciale avec Lune",
    ],
)
def test_any_configured_disclosure_satisfies(text):
    assert codes(CharterRules(), text, SPONSORED) == []


def test_disclosure_hashtag_must_be_a_hashtag():
    assert codes(CharterRules(), "Un ad de plus", SPONSORED) == ["missing_disclosure"]
    assert codes(CharterRules(), "#adorable", SPONSORED) == ["missing_disclosure"]


def test_not_sponsored_needs_no_disclosure():
    assert codes(CharterRules(), "Nouvelle gamme", ContentContext()) == []


def test_custom_disclosure_list():
    rules = CharterRules.from_dict({"disclosure": {"tags": ["#pub"], "severity": "warn"}})
    found = check_content(rules, "x", "#Sponsorisé", SPONSORED)
    assert [(v.code, v.severity) for v in found] == [("missing_disclosure", "warn")]
    assert not blocking(found)


# --- hashtags -------------------------------------------------------------------------
def test_too_many_hashtags_points_at_the_first_extra_one():
    rules = CharterRules.from_dict({"hashtags": {"default": 2, "per_network": {"instagram": 5}}})
    text = "Soldes #mode #été #paris #promo"
    (found,) = check_content(rules, "mastodon", text, ContentContext())
    assert found.code == "too_many_hashtags"
    assert text[found.start : found.end] == "#paris"
    assert "4 hashtags" in found.message_fr
    assert codes(rules, text, network="instagram") == []


def test_hashtags_inside_links_are_not_counted():
    rules = CharterRules.from_dict({"hashtags": {"default": 1}})
    assert codes(rules, "#mode https://example.com/#section www.example.com/a#b") == []


# --- UTM ------------------------------------------------------------------------------
UTM = CharterRules.from_dict(
    {"utm": {"params": ["utm_source", "utm_campaign"], "severity": "block"}}
)


def test_utm_present_on_every_link():
    text = (
        "A https://tribune.fr/a?utm_source=masto&utm_campaign=rentree "
        "B (https://tribune.fr/b?x=1&utm_campaign=r&utm_source=m#haut)."
    )
    assert codes(UTM, text) == []


def test_utm_missing_is_reported_per_link_with_its_span():
    text = (
        "A https://tribune.fr/a?utm_source=masto&utm_campaign=rentree, "
        "B https://tribune.fr/b?ref=news&utm_source=masto, "
        "C https://tribune.fr/c#utm_source=x&utm_campaign=y "
        "D tribune.fr/d"
    )
    found = check_content(UTM, "mastodon", text, ContentContext())
    assert [(text[v.start : v.end], v.detail) for v in found] == [
        ("https://tribune.fr/b?ref=news&utm_source=masto", "utm_campaign"),
        ("https://tribune.fr/c#utm_source=x&utm_campaign=y", "utm_source, utm_campaign"),
        ("tribune.fr/d", "utm_source, utm_campaign"),
    ]
    assert blocking(found)


def test_utm_with_empty_value_is_missing():
    found = codes(UTM, "https://tribune.fr/?utm_source=&utm_campaign=x")
    assert found == ["missing_utm"]


def test_utm_limited_to_the_brand_domains():
    rules = CharterRules.from_dict({"utm": {"params": ["utm_source"], "domains": ["tribune.fr"]}})
    text = "https://www.lemonde.fr/article https://boutique.tribune.fr/x https://tribune.fr"
    found = check_content(rules, "x", text, ContentContext())
    assert [text[v.start : v.end] for v in found] == [
        "https://boutique.tribune.fr/x",
        "https://tribune.fr",
    ]


# --- required terms -------------------------------------------------------------------
def test_required_brand_mention_on_some_networks():
    rules = CharterRules.from_dict(
        {"required_terms": [{"terms": ["Tribune", "@tribune"], "networks": ["linkedin"]}]}
    )
    assert codes(rules, "Notre rentrée", network="linkedin") == ["required_term_missing"]
    assert codes(rules, "Notre rentrée avec @tribune", network="linkedin") == []
    assert "required_term_missing" not in codes(rules, "Rentrée TRIBUNE", network="linkedin")
    assert codes(rules, "Notre rentrée", network="mastodon") == []


# --- language -------------------------------------------------------------------------
LANGS = CharterRules.from_dict(
    {"languages": {"allowed": ["fr"], "per_account": {"@tribune_en": ["en"]}}}
)


def test_language_checked_against_the_allowed_list():
    assert codes(LANGS, "Hello", ContentContext(language="en")) == ["wrong_language"]
    assert codes(LANGS, "Salut", ContentContext(language="fr")) == []
    assert codes(LANGS, "Salut", ContentContext(language="fr-CA")) == []
    assert codes(LANGS, "Salut", ContentContext(detected_language="FR")) == []


def test_declared_language_wins_over_detection():
    context = ContentContext(language="fr", detected_language="en")
    assert codes(LANGS, "OK", context) == []


def test_per_account_languages():
    context = ContentContext(language="fr", account="@tribune_en")
    assert codes(LANGS, "Salut", context) == ["wrong_language"]


def test_no_language_known_means_no_check():
    assert codes(LANGS, "Hello", ContentContext()) == []
    assert codes(LANGS, "Hello", ContentContext(detected_language="und")) == []


# --- tone -----------------------------------------------------------------------------
def test_words_in_capitals_warn():
    rules = CharterRules.from_dict({"tone": {"caps_allowed": ["SNCF"]}})
    text = "PROMO ÉNORME avec la SNCF et l'ONU, voir #SOLDES @TRIBUNE https://EXAMPLE.COM"
    found = check_content(rules, "x", text, ContentContext())
    assert [(v.code, v.severity, text[v.start : v.end]) for v in found] == [
        ("tone_caps", "warn", "PROMO"),
        ("tone_caps", "warn", "ÉNORME"),
    ]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [("Super !!!", ["!!!"]), ("Super ! ! !", ["! ! !"]), ("Super !!", []), ("Hey‼!", ["‼!"])],
)
def test_runs_of_exclamation_marks_warn(text, flagged):
    found = check_content(CharterRules(), "x", text, ContentContext())
    assert [text[v.start : v.end] for v in found] == flagged
    assert not blocking(found)


def test_tone_hints_can_be_turned_off():
    rules = CharterRules.from_dict({"tone": {"caps": False, "max_exclamations": None}})
    assert codes(rules, "PROMO !!!!!") == []


# --- the whole ------------------------------------------------------------------------
def test_results_are_sorted_whole_post_problems_first():
    rules = CharterRules.from_dict({"banned_terms": ["arnaque"], "hashtags": {"default": 0}})
    found = check_content(rules, "x", "#arnaque et arnaque", SPONSORED)
    assert [(v.code, v.start) for v in found] == [
        ("missing_disclosure", None),
        ("too_many_hashtags", 0),
        ("banned_term", 1),
        ("banned_term", 12),
    ]


def test_blocking_is_false_for_warnings_only():
    rules = CharterRules.from_dict({"banned_terms": [{"term": "bof", "severity": "warn"}]})
    found = check_content(rules, "x", "bof", ContentContext())
    assert found and not blocking(found)
    assert not blocking([])
