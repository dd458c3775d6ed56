"""Per-network text counting, checked on examples from the networks' documentation."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tribune.publishing.textcount import NETWORKS, count_graphemes, measure

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # four people joined by ZWJ: one grapheme
FLAG = "🇫🇷"
LONG_URL = "https://www.example.com/un/chemin/assez/long?utm_source=tribune&utm_campaign=x"


# --- Bluesky: graphemes, links as written ----------------------------------------------
@pytest.mark.parametrize(
    ("text", "length"),
    [
        (FAMILY, 1),
        (FLAG, 1),
        ("👍🏽", 1),  # skin-tone modifier
        ("1️⃣", 1),  # keycap
        ("été", 3),
        ("e\u0301te\u0301", 3),  # combining accents
        ("", 0),
        (LONG_URL, len(LONG_URL)),
    ],
)
def test_bluesky_counts_graphemes(text, length):
    assert measure("bluesky", text).length == length


def test_bluesky_limit_is_300():
    assert not measure("bluesky", "é" * 300).over_limit
    over = measure("bluesky", "é" * 301)
    assert over.over_limit
    assert (over.remaining, over.problems) == (-1, ("too_long",))


def test_bluesky_byte_limit():
    # 300 graphemes is within the limit, but the record also caps the text at 3000 bytes.
    result = measure("bluesky", FAMILY * 300)
    assert result.length == 300
    assert result.problems == ("too_many_bytes",)
    assert result.over_limit


# --- Mastodon: links 23, remote mentions by username ------------------------------------
def test_mastodon_links_count_23():
    assert measure("mastodon", LONG_URL).length == 23
    assert measure("mastodon", f"Voir {LONG_URL} et http://a.fr").length == 5 + 23 + 4 + 23


def test_mastodon_links_without_scheme_count_as_written():
    assert measure("mastodon", "tribune.fr/offre").length == len("tribune.fr/offre")


def test_mastodon_mentions_count_the_username_only():
    result = measure("mastodon", "Merci @claire@piaille.fr !")
    assert result.length == len("Merci @claire !")
    assert result.mentions == ("@claire@piaille.fr",)


def test_mastodon_graphemes_and_limit():
    assert measure("mastodon", FAMILY + FLAG).length == 2
    assert measure("mastodon", "a" * 500).remaining == 0
    assert measure("mastodon", "a" * 501).over_limit


def test_mastodon_instance_settings_and_content_warning():
    result = measure("mastodon", "a" * 600, limit=1000, url_length=30)
    assert (result.limit, result.over_limit) == (1000, False)
    assert measure("mastodon", LONG_URL, url_length=30).length == 30
    assert measure("mastodon", "abc", content_warning="Spoiler").length == 10
    assert measure("bluesky", "abc", content_warning="Spoiler").length == 3


# --- X: twitter-text v3 weights ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("Bonjour à tous", 14),  # Latin, accents included: 1 each
        ("e\u0301", 1),  # NFC first: one "é"
        ("日本語", 6),  # CJK: 2 each
        ("한국어", 6),
        ("😀", 2),
        (FAMILY, 2),  # one emoji sequence: 2
        (FLAG, 2),
        ("1️⃣", 2),
        ("©", 1),  # text-style symbol below U+10FF
        ("«\u00a0»", 3),
        ("l’été – “oui”", 13),  # typographic quotes and dashes weigh 1
        ("…", 2),  # U+2026 is outside the light ranges
        (LONG_URL, 23),
        ("tribune.fr", 23),  # links without a scheme are links on X too
        ("Voir https://t.co/abc.", 5 + 23 + 1),
    ],
)
def test_x_weighted_length(text, length):
    assert measure("x", text).length == length


def test_x_limit_280_and_alias():
    assert measure("twitter", "a" * 280).remaining == 0
    assert measure("x", "a" * 281).over_limit
    assert measure("x", "字" * 140).remaining == 0
    assert measure("x", "字" * 141).over_limit
    assert measure("twitter", "a").network == "x"


# --- LinkedIn, Facebook, Instagram, sandbox ---------------------------------------------
def test_linkedin_counts_utf16_units_after_nfc():
    assert measure("linkedin", "e\u0301" * 3000).length == 3000
    assert not measure("linkedin", "é" * 3000).over_limit
    assert measure("linkedin", "é" * 3001).over_limit
    assert measure("linkedin", "😀").length == 2  # conservative: an astral character is 2
    assert measure("linkedin", LONG_URL).length == len(LONG_URL)


def test_facebook_limit():
    assert measure("facebook", "a" * 63206).remaining == 0
    assert measure("facebook", "a" * 63207).over_limit


def test_instagram_caption_hashtag_and_mention_limits():
    assert measure("instagram", "a" * 2200).problems == ()
    assert measure("instagram", "a" * 2201).problems == ("too_long",)
    thirty = " ".join(f"#tag{i}" for i in range(30))
    assert measure("instagram", thirty).problems == ()
    result = measure("instagram", thirty + " #encore")
    assert (result.over_limit, result.problems, result.max_hashtags) == (
        True,
        ("too_many_hashtags",),
        30,
    )
    mentions = " ".join(f"@ami{i}" for i in range(21))
    assert measure("instagram", mentions).problems == ("too_many_mentions",)


def test_sandbox_counts_500_graphemes():
    assert measure("sandbox", FAMILY * 500).remaining == 0
    assert measure("sandbox", FAMILY * 501).over_limit


def test_unknown_network_is_a_clear_error():
    with pytest.raises(ValueError, match="myspace.*bluesky"):
        measure("myspace", "hello")


# --- entities -----------------------------------------------------------------------------
def test_urls_hashtags_and_mentions_found():
    text = (
        "Rentrée #Été2024 avec @lune.bsky.social et @claire@piaille.fr : "
        "(voir https://fr.wikipedia.org/wiki/Lune_(satellite)), www.tribune.fr. "
        "Écrivez à contact@tribune.fr #1 page#ancre"
    )
    result = measure("bluesky", text)
    assert result.urls == ("https://fr.wikipedia.org/wiki/Lune_(satellite)", "www.tribune.fr")
    assert result.hashtags == ("#Été2024",)
    assert result.mentions == ("@lune.bsky.social", "@claire@piaille.fr")


def test_hashtags_inside_links_are_not_hashtags():
    result = measure("instagram", "https://tribune.fr/#section https://t.co/a?b=1#c #vrai")
    assert result.hashtags == ("#vrai",)


# --- properties ---------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    network=st.sampled_from(sorted(NETWORKS)),
    text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
)
def test_measure_never_crashes_and_is_consistent(network, text):
    result = measure(network, text)
    assert result.length >= 0
    assert result.remaining == result.limit - result.length
    assert result.over_limit == bool(result.problems)
    assert ("too_long" in result.problems) == (result.length > result.limit)
    assert count_graphemes(text) <= len(text)
    assert measure(network, text) == result
