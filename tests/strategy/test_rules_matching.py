"""Banned terms and competitor names: how a term is found in French and English text."""

import pytest

from tribune.strategy.rules import CharterRules, ContentContext, check_content
from tribune.strategy.rules.normalize import utf16_offset


def banned(*terms, **options):
    return CharterRules.from_dict({"banned_terms": [{"term": t, **options} for t in terms]})


def spans(rules, text, network="mastodon", code="banned_term"):
    return [
        text[v.start : v.end]
        for v in check_content(rules, network, text, ContentContext())
        if v.code == code
    ]


@pytest.mark.parametrize(
    "text",
    [
        "C'est une arnaque.",
        "C'est une ARNAQUE.",
        "Une Arnaque !",
        "Arnaqué, vraiment.",  # accent-insensitive both ways
        "arnaque\u0301 décomposé",  # combining acute accent
    ],
)
def test_case_and_accents_do_not_matter(text):
    assert len(spans(banned("arnaque"), text)) == 1


def test_accented_term_matches_plain_text():
    assert spans(banned("arnaqué"), "une arnaque") == ["arnaque"]


def test_combining_accent_stays_inside_the_span():
    text = "une arnaque\u0301 !"
    assert spans(banned("arnaque"), text) == ["arnaque\u0301"]


@pytest.mark.parametrize("elision", ["l'", "d'", "qu'", "l\u2019", "d\u2019", "qu\u2019", "L'"])
def test_french_elisions_with_straight_and_curly_apostrophes(elision):
    text = f"Encore {elision}arnaque de trop"
    assert spans(banned("arnaque"), text) == ["arnaque"]


def test_term_with_an_apostrophe_matches_either_apostrophe():
    assert spans(banned("l'arnaque"), "C’est l’arnaque") == ["l’arnaque"]


def test_no_match_inside_a_longer_word():
    assert spans(banned("arnaque"), "Un arnaqueur et des arnaques") == []


def test_prefix_rules_match_longer_words():
    rules = banned("arnaque", match="prefix")
    assert spans(rules, "Un arnaqueur et des arnaques") == ["arnaqueur", "arnaques"]


def test_hyphenated_compounds_contain_the_word():
    assert spans(banned("arnaque"), "un site anti-arnaque") == ["arnaque"]


def test_hashtag_matches_the_plain_term():
    assert spans(banned("arnaque"), "Encore une #arnaque ?") == ["arnaque"]


def test_hashtag_term_matches_only_the_hashtag():
    rules = banned("#promo")
    assert spans(rules, "#Promo du jour") == ["#Promo"]
    assert spans(rules, "une promo du jour") == []
    assert spans(rules, "#promotion") == []


def test_camel_case_hashtags_are_read_word_by_word():
    text = "Quelle #ArnaqueTotale !"
    assert spans(banned("arnaque"), text) == ["Arnaque"]
    assert spans(banned("totale"), text) == ["Totale"]
    assert spans(banned("arnaque totale"), text) == ["ArnaqueTotale"]


def test_glued_lowercase_hashtag_matches_only_the_whole_phrase():
    text = "#arnaquetotale"
    assert spans(banned("arnaque"), text) == []
    assert spans(banned("arnaque totale"), text) == ["arnaquetotale"]


def test_underscore_and_digits_split_hashtags():
    assert spans(banned("arnaque"), "#arnaque_totale") == ["arnaque"]
    assert spans(banned("jo"), "#JO2024") == ["JO"]


@pytest.mark.parametrize(
    "text",
    [
        "Lisez https://example.com/arnaque/article",
        "Lisez https://example.com/page?q=arnaque#arnaque",
        "Lisez www.example.com/arnaque",
        "Lisez arnaque.fr/offre",
    ],
)
def test_no_match_inside_links(text):
    assert spans(banned("arnaque"), text) == []


def test_match_next_to_a_link_still_counts():
    text = "arnaque: https://example.com/arnaque"
    assert spans(banned("arnaque"), text) == ["arnaque"]


def test_emoji_before_the_term_keeps_spans_right():
    text = "👨‍👩‍👧‍👦🇫🇷🔥 arnaque"
    found = check_content(banned("arnaque"), "bluesky", text, ContentContext())
    assert [(v.start, v.end) for v in found] == [(text.index("arnaque"), len(text))]


def test_ligatures_and_fullwidth_forms_are_folded():
    assert spans(banned("coeur"), "Mon cœur") == ["cœur"]
    assert spans(banned("arnaque"), "ＡＲＮＡＱＵＥ") == ["ＡＲＮＡＱＵＥ"]


def test_invisible_characters_do_not_hide_a_term():
    text = "arn\u200baque"
    assert spans(banned("arnaque"), text) == [text]


def test_multi_word_terms_match_across_varied_whitespace():
    rules = banned("bon plan")
    text = "Un bon\u00a0plan, un bon  plan, un bon\nplan, un BON\u202fPLAN, un bonplan"
    assert spans(rules, text) == ["bon\u00a0plan", "bon  plan", "bon\nplan", "BON\u202fPLAN"]


def test_english_terms():
    rules = banned("scam", "rip-off")
    assert spans(rules, "What a SCAM. Total rip-off! Scammers' scam's") == [
        "SCAM",
        "rip-off",
        "scam",
    ]


def test_every_occurrence_is_reported():
    assert len(spans(banned("arnaque"), "arnaque, arnaque et arnaque")) == 3


def test_empty_text_has_no_match():
    assert check_content(banned("arnaque"), "mastodon", "", ContentContext()) == []


def test_rules_limited_to_some_networks():
    rules = banned("arnaque", networks=["linkedin"])
    assert spans(rules, "arnaque", network="mastodon") == []
    assert spans(rules, "arnaque", network="LinkedIn") == ["arnaque"]


def test_competitor_mentions_warn_by_default_and_match_handles():
    rules = CharterRules.from_dict({"competitors": ["Hootsuite"]})
    found = check_content(rules, "mastodon", "Mieux que @hootsuite ?", ContentContext())
    assert [(v.code, v.severity, v.detail) for v in found] == [
        ("competitor_mention", "warn", "Hootsuite")
    ]
    # ...but not an e-mail address or a link to their site.
    assert spans(rules, "contact@hootsuite.com hootsuite.com", code="competitor_mention") == []


def test_reason_is_part_of_the_message():
    rules = banned("arnaque", reason="Vocabulaire juridique à éviter")
    (found,) = check_content(rules, "x", "arnaque", ContentContext())
    assert found.message_fr.endswith("Motif : Vocabulaire juridique à éviter")
    assert "Reason: Vocabulaire" in found.message_en
    assert found.message("en") == found.message_en
    assert found.message("fr-FR") == found.message_fr


def test_long_post_with_many_links_and_hashtags():
    chunk = "#ArnaqueTotale l'arnaque https://tribune.fr/arnaque contact@arnaque.fr PROMO "
    text = chunk * 300
    found = check_content(banned("arnaque"), "facebook", text, ContentContext())
    hits = [text[v.start : v.end] for v in found if v.code == "banned_term"]
    assert hits == ["Arnaque", "arnaque"] * 300


def test_utf16_offsets_for_the_composer():
    text = "🔥 arnaque"
    (found,) = check_content(banned("arnaque"), "x", text, ContentContext())
    assert (found.start, found.end) == (2, 9)
    assert (utf16_offset(text, found.start), utf16_offset(text, found.end)) == (3, 10)
