"""CharterRules as stored JSON: round trip, defaults, and errors that name the field."""

import json

import pytest

from tribune.strategy.rules import (
    CharterRules,
    EscalationContact,
    ResponseTimes,
    RulesError,
    TermRule,
)

FULL = {
    "version": 1,
    "banned_terms": [
        {"term": "arnaque", "severity": "block", "reason": "juridique", "match": "prefix"},
        "gratuit",
    ],
    "competitors": [{"term": "Hootsuite", "networks": ["mastodon", "linkedin"]}],
    "required_terms": [{"terms": ["Tribune", "@tribune"], "networks": ["linkedin"]}],
    "disclosure": {"tags": ["#sponsorisé", "#ad"], "severity": "block"},
    "hashtags": {"default": 3, "per_network": {"instagram": 10}, "severity": "block"},
    "utm": {"params": ["utm_source", "utm_campaign"], "domains": ["tribune.fr"]},
    "languages": {"allowed": ["fr", "en"], "per_account": {"@tribune_en": ["en"]}},
    "tone": {"caps": True, "caps_min_length": 5, "caps_allowed": ["URSSAF"]},
    "response_times": {"business_hours_minutes": 60, "off_hours_minutes": 480},
    "escalation_contacts": [
        {"name": "Claire Martin", "role": "Directrice comm", "email": "Claire@Tribune.fr"},
        {"name": "Astreinte", "phone": "+33 1 23 45 67 89"},
    ],
}


def test_round_trip_through_json():
    rules = CharterRules.from_dict(FULL)
    stored = json.loads(json.dumps(rules.to_dict()))
    assert CharterRules.from_dict(stored) == rules
    assert CharterRules.from_dict(stored).to_dict() == stored


def test_defaults_and_shorthands():
    rules = CharterRules.from_dict(FULL)
    assert rules.banned_terms[1] == TermRule("gratuit", "block")
    assert rules.competitors[0].severity == "warn"  # competitors warn unless told
    assert rules.hashtags.limit_for("instagram") == 10
    assert rules.hashtags.limit_for("x") == 3
    assert rules.languages.allowed_for("@tribune_en") == ("en",)
    assert rules.languages.allowed_for(None) == ("fr", "en")
    assert rules.escalation_contacts[0].email == "claire@tribune.fr"
    assert rules.response_times == ResponseTimes(60, 480)


def test_empty_charter_is_valid_and_hashable():
    rules = CharterRules.from_dict({})
    assert rules == CharterRules()
    assert rules.response_times.business_hours_minutes == 120
    assert rules.response_times.off_hours_minutes == 480
    assert hash(CharterRules.from_dict(FULL)) == hash(CharterRules.from_dict(FULL))


def test_frozen():
    rules = CharterRules()
    with pytest.raises(AttributeError):
        rules.banned_terms = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], ""),
        ({"banned_term": []}, "banned_term"),
        ({"version": 2}, "version"),
        ({"banned_terms": "arnaque"}, "banned_terms"),
        ({"banned_terms": [{"term": "x", "severity": "high"}]}, "banned_terms[0].severity"),
        ({"banned_terms": ["ok", {"term": "!!!"}]}, "banned_terms[1].term"),
        ({"banned_terms": [{"severity": "warn"}]}, "banned_terms[0].term"),
        ({"banned_terms": [{"term": "x", "match": "fuzzy"}]}, "banned_terms[0].match"),
        ({"competitors": [{"term": "x", "networks": ["My Space"]}]}, "competitors[0].networks[0]"),
        ({"required_terms": [{"terms": []}]}, "required_terms[0].terms"),
        ({"disclosure": {"tags": []}}, "disclosure.tags"),
        ({"hashtags": {"default": -1}}, "hashtags.default"),
        ({"hashtags": {"default": True}}, "hashtags.default"),
        ({"hashtags": {"per_network": {"x": "3"}}}, "hashtags.per_network.x"),
        ({"utm": {"params": ["utm source"]}}, "utm.params[0]"),
        ({"utm": {"domains": ["https://tribune.fr"]}}, "utm.domains[0]"),
        ({"languages": {"allowed": ["français"]}}, "languages.allowed[0]"),
        ({"languages": {"per_account": {"@a": ["xx-"]}}}, "languages.per_account.@a[0]"),
        ({"tone": {"max_exclamations": 0}}, "tone.max_exclamations"),
        (
            {"response_times": {"business_hours_minutes": 0}},
            "response_times.business_hours_minutes",
        ),
        ({"response_times": {"off_hours_minutes": "8h"}}, "response_times.off_hours_minutes"),
        ({"escalation_contacts": [{"name": "Paul"}]}, "escalation_contacts[0].email"),
        ({"escalation_contacts": [{"name": "P", "email": "nope"}]}, "escalation_contacts[0].email"),
        (
            {"escalation_contacts": [{"name": " ", "phone": "0123456789"}]},
            "escalation_contacts[0].name",
        ),
    ],
)
def test_errors_name_the_bad_field(data, field):
    with pytest.raises(ValueError) as error:
        CharterRules.from_dict(data)
    assert isinstance(error.value, RulesError)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: " if field else "must be")


def test_direct_construction_is_validated_and_normalised():
    rule = TermRule("arnaque", networks=["Mastodon"])  # type: ignore[arg-type]
    assert rule.networks == ("mastodon",)
    with pytest.raises(RulesError, match="severity"):
        TermRule("arnaque", severity="fatal")  # type: ignore[arg-type]
    with pytest.raises(RulesError, match="banned_terms"):
        CharterRules(banned_terms=("arnaque",))  # type: ignore[arg-type]
    with pytest.raises(RulesError, match="email"):
        EscalationContact("Paul")
