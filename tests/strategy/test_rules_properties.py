"""Hypothesis properties of the charter engine on arbitrary text and rule sets."""

import json

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tribune.strategy.rules import CharterRules, ContentContext, RulesError, check_content, fields
from tribune.strategy.rules.normalize import fold, has_word_char
from tribune.strategy.rules.violations import MESSAGES

# Any Unicode except lone surrogates (which cannot be encoded and never reach us).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
FRAGMENTS = st.sampled_from(
    [
        "arnaque",
        "Arnaqué",
        "l’",
        "qu'",
        "#ArnaqueTotale",
        "#Sponsorisé",
        "bon plan",
        "https://tribune.fr/arnaque?utm_source=x#y",
        "tribune.fr/a",
        "@hootsuite",
        "contact@lune.fr",
        "👨‍👩‍👧‍👦",
        "🇫🇷",
        "e\u0301",
        "ﬁ",
        "\u200b",
        "مرحبا بالعالم",  # right-to-left
        "שלום",
        "日本語",
        "PROMO",
        "!!!",
        " ",
        "\n",
        "\u00a0",
    ]
)
TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(st.one_of(FRAGMENTS, st.text(ANY_CHAR, max_size=5)), max_size=30).map("".join),
)


def valid_term(term: str) -> bool:
    try:
        fields.term(term)
    except RulesError:
        return False
    return True


TERMS = st.one_of(
    FRAGMENTS,
    st.text(ANY_CHAR, min_size=1, max_size=20),
    st.from_regex(r"[a-zé]{1,8}", fullmatch=True),
).filter(valid_term)
SEVERITY = st.sampled_from(["block", "warn"])
TERM_RULES = st.lists(
    st.fixed_dictionaries(
        {"term": TERMS, "severity": SEVERITY, "match": st.sampled_from(["word", "prefix"])}
    ),
    max_size=4,
)
RULES = st.fixed_dictionaries(
    {
        "banned_terms": TERM_RULES,
        "competitors": TERM_RULES,
        "required_terms": st.lists(
            st.fixed_dictionaries({"terms": st.lists(TERMS, min_size=1, max_size=3)}), max_size=2
        ),
        "disclosure": st.fixed_dictionaries({"tags": st.lists(TERMS, min_size=1, max_size=3)}),
        "hashtags": st.fixed_dictionaries({"default": st.none() | st.integers(0, 5)}),
        "utm": st.fixed_dictionaries(
            {"params": st.lists(st.sampled_from(["utm_source", "utm_campaign"]), max_size=2)}
        ),
        "languages": st.fixed_dictionaries({"allowed": st.lists(st.sampled_from(["fr", "en"]))}),
        "tone": st.fixed_dictionaries(
            {
                "caps_min_length": st.integers(2, 6),
                "max_exclamations": st.none() | st.integers(1, 3),
            }
        ),
    }
).map(CharterRules.from_dict)
CONTEXTS = st.builds(
    ContentContext,
    sponsored=st.booleans(),
    language=st.none() | st.sampled_from(["fr", "en", "de", "und", "fr-CA"]) | st.text(max_size=5),
    detected_language=st.none() | st.sampled_from(["fr", "en"]),
    account=st.none() | st.text(max_size=5),
)
NETWORKS = st.sampled_from(["mastodon", "bluesky", "x", "linkedin", "Instagram", "sandbox", ""])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
SECTIONS = list(CharterRules().to_dict())

RUNS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def squeeze(text: str) -> str:
    return regex.sub(r"\s+", "", fold(text).text)


@RUNS
@given(rules=RULES, network=NETWORKS, text=TEXTS, context=CONTEXTS)
def test_never_crashes_and_reports_well_formed_violations(rules, network, text, context):
    found = check_content(rules, network, text, context)
    for item in found:
        assert item.code in MESSAGES
        assert item.severity in ("block", "warn")
        assert item.message_fr and item.message_en
        assert (item.start is None) == (item.end is None)
        if item.start is not None:
            assert 0 <= item.start < item.end <= len(text)
    json.dumps([item.to_dict() for item in found])


@RUNS
@given(rules=RULES, network=NETWORKS, text=TEXTS, context=CONTEXTS)
def test_deterministic(rules, network, text, context):
    first = check_content(rules, network, text, context)
    assert check_content(rules, network, text, context) == first
    reloaded = CharterRules.from_dict(json.loads(json.dumps(rules.to_dict())))
    assert reloaded == rules
    assert check_content(reloaded, network, text, context) == first


@RUNS
@given(rules=RULES, text=TEXTS)
def test_term_spans_hold_the_term(rules, text):
    for item in check_content(rules, "mastodon", text, ContentContext()):
        if item.code in ("banned_term", "competitor_mention"):
            assert squeeze(item.detail) in squeeze(text[item.start : item.end])


@RUNS
@given(data=st.data(), text=TEXTS)
def test_a_word_taken_from_the_text_is_found_where_it_stands(data, text):
    words = [m for m in regex.finditer(r"(?<!\S)\w+(?!\S)", text) if has_word_char(m.group())]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    if len(word.group()) > 200 or "://" in text or "@" in text or "." in text:
        return  # links and addresses are excluded on purpose
    rules = CharterRules.from_dict({"banned_terms": [word.group()]})
    spans = [v.span for v in check_content(rules, "x", text, ContentContext()) if v.detail]
    assert any(start <= word.start() and word.end() <= end for start, end in spans)


@RUNS
@given(data=st.one_of(JSON, st.fixed_dictionaries({}, optional=dict.fromkeys(SECTIONS, JSON))))
def test_arbitrary_json_is_accepted_or_refused_with_a_value_error(data):
    try:
        rules = CharterRules.from_dict(data)
    except RulesError as error:
        assert str(error)
    else:
        assert CharterRules.from_dict(rules.to_dict()) == rules
        check_content(rules, "mastodon", "Un #test https://tribune.fr !!!", ContentContext())
