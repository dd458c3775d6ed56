"""The charter rules form: text ↔ rules round trip, errors that name the line."""

from __future__ import annotations

from datetime import time

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tribune.strategy.forms.charter import CharterForm, rules_initial
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import (
    CharterRules,
    DisclosureRule,
    EscalationContact,
    HashtagLimit,
    LanguageRule,
    RequiredTerm,
    ResponseTimes,
    TermRule,
    ToneRule,
    UtmRule,
)

DOCS_EXAMPLE = {
    "banned_terms": [
        {
            "term": "arnaque",
            "severity": "block",
            "reason": "Vocabulaire juridique",
            "match": "prefix",
        },
        {"term": "bon plan", "severity": "warn", "networks": ["linkedin"]},
        "gratuit",
    ],
    "competitors": [{"term": "Hootsuite"}, {"term": "@hootsuite"}],
    "required_terms": [{"terms": ["Tribune", "@tribune"], "networks": ["linkedin"]}],
    "hashtags": {"default": 3, "per_network": {"instagram": 15}, "severity": "warn"},
    "utm": {"params": ["utm_source", "utm_campaign"], "domains": ["tribune.fr"]},
    "languages": {"allowed": ["fr"], "per_account": {"@tribune_en": ["en"]}},
    "tone": {"caps": True, "caps_min_length": 4, "caps_allowed": ["SNCF"], "max_exclamations": 2},
    "response_times": {"business_hours_minutes": 120, "off_hours_minutes": 480},
    "escalation_contacts": [
        {"name": "Claire Martin", "role": "Direction", "email": "claire@tribune.fr"},
        {"name": "Astreinte", "phone": "+33 1 23 45 67 89"},
    ],
}


def _form(rules: CharterRules, hours: BusinessHours | None = None, **changes) -> CharterForm:  # type: ignore[no-untyped-def]
    data = rules_initial(rules, hours or BusinessHours())
    data.update(changes)
    return CharterForm(data=data, base=rules)


def test_the_documented_example_survives_the_form_unchanged():
    rules = CharterRules.from_dict(DOCS_EXAMPLE)
    form = _form(rules)
    assert form.is_valid(), form.errors
    assert form.rules == rules
    assert form.hours == BusinessHours()


def test_a_banned_term_typed_in_the_form():
    form = _form(CharterRules(), banned_terms="arnaque | block | Juridique\nbon plan | avertir")
    assert form.is_valid(), form.errors
    assert form.rules is not None
    assert form.rules.banned_terms == (
        TermRule("arnaque", "block", "Juridique"),
        TermRule("bon plan", "warn"),
    )


def test_errors_name_the_line_and_the_input():
    form = _form(CharterRules(), banned_terms="arnaque\n\ngratuit | high")
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["banned_terms"] == [
            "Line 3: severity must be “block” or “warn”, not “high”"
        ]


def test_the_engines_own_checks_are_reported_on_the_line():
    form = _form(CharterRules(), escalation_contacts="Claire | Direction | pas-un-email")
    with translation.override("en"):
        assert not form.is_valid()
    [message] = form.errors["escalation_contacts"]
    assert message.startswith("Line 1:") and "e-mail" in message


def test_section_errors_land_on_the_right_input():
    form = _form(CharterRules(), hashtag_per_network="instagram: -1", utm_domains="pas un domaine")
    assert not form.is_valid()
    assert "hashtag_per_network" in form.errors
    assert "instagram" in form.errors["hashtag_per_network"][0]


def test_numbers_and_hours_are_validated():
    form = _form(
        CharterRules(),
        response_business_minutes=0,
        business_start="18:00",
        business_end="09:00",
        disclosure_tags="",
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"response_business_minutes", "disclosure_tags"}


def test_business_hours_are_checked_when_the_rest_is_valid():
    form = _form(CharterRules(), business_start="18:00", business_end="09:00")
    with translation.override("en"):
        assert not form.is_valid()
        assert form.errors["business_end"] == ["Business hours must end after they start."]


# --- property: CharterRules → form → CharterRules is the identity ----------------------
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèçà", min_size=1, max_size=8)
_TERM = st.builds(lambda a, b: f"{a} {b}" if b else a, _WORD, st.one_of(st.just(""), _WORD))
_REASON = st.one_of(st.just(""), st.builds(lambda w: f"Motif {w}", _WORD))
_NETWORKS = st.lists(
    st.sampled_from(["mastodon", "bluesky", "linkedin", "x"]), max_size=2, unique=True
)
_SEVERITY = st.sampled_from(["block", "warn"])
_TERMS = st.lists(
    st.builds(
        TermRule,
        term=_TERM,
        severity=_SEVERITY,
        reason=_REASON,
        match=st.sampled_from(["word", "prefix"]),
        networks=_NETWORKS.map(tuple),
    ),
    max_size=4,
)
_LANG = st.sampled_from(["fr", "en", "de", "fr-ca"])
_RULES = st.builds(
    CharterRules,
    banned_terms=_TERMS.map(tuple),
    competitors=_TERMS.map(tuple),
    required_terms=st.lists(
        st.builds(
            RequiredTerm,
            terms=st.lists(_TERM, min_size=1, max_size=3).map(tuple),
            networks=_NETWORKS.map(tuple),
            severity=_SEVERITY,
            reason=_REASON,
        ),
        max_size=2,
    ).map(tuple),
    disclosure=st.builds(
        DisclosureRule, tags=st.lists(_TERM, min_size=1, max_size=3).map(tuple), severity=_SEVERITY
    ),
    hashtags=st.builds(
        HashtagLimit,
        default=st.one_of(st.none(), st.integers(0, 30)),
        per_network=st.dictionaries(st.sampled_from(["instagram", "x"]), st.integers(0, 30)).map(
            lambda d: tuple(sorted(d.items()))
        ),
        severity=_SEVERITY,
    ),
    utm=st.builds(
        UtmRule,
        params=st.lists(
            st.sampled_from(["utm_source", "utm_medium", "utm_campaign"]), unique=True
        ).map(tuple),
        domains=st.lists(st.sampled_from(["tribune.fr", "exemple.com"]), unique=True).map(tuple),
        networks=_NETWORKS.map(tuple),
        severity=_SEVERITY,
    ),
    languages=st.builds(
        LanguageRule,
        allowed=st.lists(_LANG, unique=True, max_size=2).map(tuple),
        per_account=st.dictionaries(
            st.sampled_from(["@marque", "@marque_en"]),
            st.lists(_LANG, min_size=1, max_size=2, unique=True).map(tuple),
            max_size=2,
        ).map(lambda d: tuple(sorted(d.items()))),
        severity=_SEVERITY,
    ),
    tone=st.builds(
        ToneRule,
        caps=st.booleans(),
        caps_min_length=st.integers(2, 10),
        caps_allowed=st.lists(st.sampled_from(["SNCF", "RATP"]), unique=True).map(tuple),
        max_exclamations=st.one_of(st.none(), st.integers(1, 5)),
    ),
    response_times=st.builds(
        ResponseTimes,
        business_hours_minutes=st.integers(1, 10080),
        off_hours_minutes=st.integers(1, 10080),
    ),
    escalation_contacts=st.lists(
        st.builds(
            EscalationContact,
            name=_TERM,
            role=_REASON,
            email=st.sampled_from(["", "claire@tribune.fr"]),
            phone=st.just("+33 6 12 34 56 78"),
        ),
        max_size=2,
    ).map(tuple),
)
_HOURS = st.builds(
    BusinessHours,
    days=st.lists(st.integers(0, 6), unique=True).map(tuple),
    start=st.sampled_from([time(8, 0), time(9, 30)]),
    end=st.sampled_from([time(17, 0), time(19, 45)]),
)


@settings(max_examples=60, deadline=None)
@given(rules=_RULES, hours=_HOURS)
def test_rules_round_trip_through_the_form(rules, hours):
    form = CharterForm(data=rules_initial(rules, hours))
    assert form.is_valid(), form.errors
    assert form.rules == rules
    assert form.hours == hours
