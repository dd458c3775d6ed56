"""Rich-text facets: UTF-8 byte offsets, links, mentions and hashtags (no network)."""

from __future__ import annotations

import pytest
from atproto_client.utils import facet_detection as sdk_detection
from hypothesis import given
from hypothesis import strategies as st

from tribune.networks.bluesky import facets
from tribune.networks.bluesky.facets import Facet


def sliced(text: str, facet: Facet) -> str:
    return text.encode("utf-8")[facet.byte_start : facet.byte_end].decode("utf-8")


def found(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, sliced(text, f), f.value) for f in facets.detect(text)]


def test_utf8_offsets_count_bytes_not_characters():
    text = "é🎉👨‍👩‍👧a"
    assert facets.utf8_offset(text, 0) == 0
    assert facets.utf8_offset(text, 1) == 2  # é
    assert facets.utf8_offset(text, 2) == 6  # 🎉
    assert facets.utf8_offset(text, len(text)) == len(text.encode())


def test_offsets_after_emoji_and_french_accents():
    text = "Déjà vu 🎉🎉 chez @bob.test — #Fête à https://exemple.fr/é"
    (mention, tag, link) = facets.detect(text)
    # 16 characters precede the "@", but 24 bytes: é, à are 2 bytes and each 🎉 is 4.
    assert text.index("@") == 16
    assert (mention.byte_start, mention.byte_end) == (24, 33)
    assert sliced(text, mention) == "@bob.test" and mention.value == "bob.test"
    assert sliced(text, tag) == "#Fête" and tag.value == "Fête"
    assert sliced(text, link) == "https://exemple.fr/é" and link.value == "https://exemple.fr/é"


def test_several_links_and_sentence_punctuation():
    text = "Lire https://a.fr/x, https://b.org/y?z=1#ancre. et (https://c.com/p). Fin!"
    assert [v for _, _, v in found(text)] == [
        "https://a.fr/x",
        "https://b.org/y?z=1#ancre",
        "https://c.com/p",
    ]


def test_parentheses_inside_a_url_are_kept_when_balanced():
    text = "(voir https://fr.wikipedia.org/wiki/Jazz_(musique))"
    assert found(text) == [
        (
            "link",
            "https://fr.wikipedia.org/wiki/Jazz_(musique)",
            "https://fr.wikipedia.org/wiki/Jazz_(musique)",
        )
    ]


def test_bare_domains_need_a_real_tld():
    assert found("site exemple.fr/page. ok") == [
        ("link", "exemple.fr/page", "https://exemple.fr/page")
    ]
    assert found("le fichier rapport.docx est prêt") == []
    assert found("écrire à bob@exemple.fr") == []  # an address, not a link


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#Tribune! #réseau. #fin…", ["Tribune", "réseau", "fin"]),
        ("#été2024, #1a", ["été2024", "1a"]),
        ("#2024 #️⃣ #, #!!", []),
        ("＃pleine #a#b", ["pleine", "a"]),
        ("#café’s #c++?", ["café’s", "c++"]),
        ("mot#pas un tag", []),
        ("#zéro\u200bwidth", ["zéro"]),
    ],
)
def test_hashtags(text, tags):
    result = [f for f in facets.detect(text) if f.kind == "tag"]
    assert [f.value for f in result] == tags
    for facet in result:
        assert sliced(text, facet)[1:] == facet.value


def test_hashtags_longer_than_64_characters_are_ignored():
    assert facets.detect("#" + "a" * 64)[0].value == "a" * 64
    assert facets.detect("#" + "a" * 65) == []


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("@bob.test, @Alice.Test.", ["bob.test", "alice.test"]),
        ("(cc @carol.bsky.social)", ["carol.bsky.social"]),
        ("mail bob@exemple.fr @bob @-bad.test @bob.123", []),
        ("@dan.example.com's", ["dan.example.com"]),
    ],
)
def test_mentions(text, handles):
    assert [f.value for f in facets.detect(text) if f.kind == "mention"] == handles


def test_resolving_mentions_drops_unknown_handles_and_asks_once():
    text = "@bob.test @ghost.test @bob.test"
    asked = []

    def resolve(handle):
        asked.append(handle)
        return "did:plc:bob" if handle == "bob.test" else None

    resolved = facets.resolve_mentions(facets.detect(text), resolve)
    assert [f.value for f in resolved] == ["did:plc:bob", "did:plc:bob"]
    assert asked == ["bob.test", "ghost.test"]


def test_models_need_resolved_mentions():
    text = "@bob.test #jazz https://a.fr"
    with pytest.raises(ValueError, match="not resolved"):
        facets.to_models(facets.detect(text))
    models = facets.to_models(facets.resolve_mentions(facets.detect(text), lambda h: "did:plc:b"))
    assert [m.features[0].py_type for m in models] == [
        "app.bsky.richtext.facet#mention",
        "app.bsky.richtext.facet#tag",
        "app.bsky.richtext.facet#link",
    ]
    assert (models[0].index.byte_start, models[0].index.byte_end) == (0, 9)


CORPUS = [
    "Café ☕ élégant 🎉 avec @bob.test : voir https://exemple.fr/été?x=1, puis #Tribune! #réseau.",
    "mail bob@exemple.fr #123 #1a #🎉 #️⃣ 1.5 fois #fin…",
    "👨‍👩‍👧 famille #été2024, https://a.com https://b.org/x?y=1#frag.",
    "#Tag #tag2 ＃pleine lien www.exemple.com !",
    "line\n#tag\nhttps://x.io\n@bob.test",
    "#a.b #a_b #a-b, #café’s",
]


@pytest.mark.parametrize("text", CORPUS)
def test_agrees_with_the_sdk_detector(text):
    """The atproto SDK ports Bluesky's own detector; ours must find the same spans."""
    theirs = sorted(
        [(f.index.byte_start, f.index.byte_end) for f in sdk_detection.detect_facets(text)]
        + [(m.byte_start, m.byte_end) for m in sdk_detection.detect_mentions(text)]
    )
    assert sorted((f.byte_start, f.byte_end) for f in facets.detect(text)) == theirs


WORDS = st.sampled_from(
    [
        "é",
        "🎉",
        "👨‍👩‍👧",
        "#tag",
        "#été!",
        "@bob.test",
        "https://a.fr/é",
        "(",
        ")",
        ".",
        " ",
        "\n",
        "mot",
    ]
)


@given(st.lists(WORDS, max_size=20).map("".join))
def test_every_facet_is_a_valid_slice_of_the_text(text):
    previous_end = 0
    for facet in facets.detect(text):
        piece = sliced(text, facet)  # raises if an offset splits a character
        assert facet.byte_start >= previous_end  # sorted, no overlap
        previous_end = facet.byte_end
        if facet.kind == "tag":
            assert piece[1:] == facet.value
        elif facet.kind == "mention":
            assert piece.lower() == "@" + facet.value
        else:
            assert facet.value.endswith(piece.split("://")[-1])
