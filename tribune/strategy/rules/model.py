"""The charter's rules as one immutable value, stored as JSON on a charter version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tribune.strategy.rules import fields as f
from tribune.strategy.rules.care import EscalationContact, ResponseTimes, escalation_contacts
from tribune.strategy.rules.form import HashtagLimit, LanguageRule, ToneRule, UtmRule
from tribune.strategy.rules.terms import (
    DisclosureRule,
    RequiredTerm,
    TermRule,
    _set,
    required_terms,
    term_rules,
)

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class CharterRules:
    """Everything a brand's social charter says that software can check or use.

    Build it from stored JSON with ``from_dict`` (which raises ``RulesError``, a
    ``ValueError`` naming the bad field) and store it with ``to_dict``.
    """

    banned_terms: tuple[TermRule, ...] = ()
    competitors: tuple[TermRule, ...] = ()
    required_terms: tuple[RequiredTerm, ...] = ()
    disclosure: DisclosureRule = field(default_factory=DisclosureRule)
    hashtags: HashtagLimit = field(default_factory=HashtagLimit)
    utm: UtmRule = field(default_factory=UtmRule)
    languages: LanguageRule = field(default_factory=LanguageRule)
    tone: ToneRule = field(default_factory=ToneRule)
    response_times: ResponseTimes = field(default_factory=ResponseTimes)
    escalation_contacts: tuple[EscalationContact, ...] = ()

    def __post_init__(self) -> None:
        # Direct construction in Python gets the same checks as JSON: right types, tuples.
        kind: type
        for name, kind in (
            ("banned_terms", TermRule),
            ("competitors", TermRule),
            ("required_terms", RequiredTerm),
            ("escalation_contacts", EscalationContact),
        ):
            _set(self, name, f.items(getattr(self, name), name, _instance_of(kind)))
        for name, kind in (
            ("disclosure", DisclosureRule),
            ("hashtags", HashtagLimit),
            ("utm", UtmRule),
            ("languages", LanguageRule),
            ("tone", ToneRule),
            ("response_times", ResponseTimes),
        ):
            _instance_of(kind)(getattr(self, name), name)

    @classmethod
    def from_dict(cls, data: Any) -> CharterRules:
        f.check_keys(data, set(_SECTIONS) | {"version"})
        version = data.get("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise f.RulesError("version", f"unsupported rules version {version!r}")
        values: dict[str, Any] = {}
        for name, parse in _SECTIONS.items():
            if name in data:
                with f.at(name):
                    values[name] = parse(data[name])
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SCHEMA_VERSION,
            "banned_terms": [rule.to_dict() for rule in self.banned_terms],
            "competitors": [rule.to_dict() for rule in self.competitors],
            "required_terms": [rule.to_dict() for rule in self.required_terms],
            "disclosure": self.disclosure.to_dict(),
            "hashtags": self.hashtags.to_dict(),
            "utm": self.utm.to_dict(),
            "languages": self.languages.to_dict(),
            "tone": self.tone.to_dict(),
            "response_times": self.response_times.to_dict(),
            "escalation_contacts": [contact.to_dict() for contact in self.escalation_contacts],
        }


def _instance_of(kind: type) -> Any:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, kind):
            raise f.RulesError(path, f"must be a {kind.__name__}, got {type(value).__name__}")
        return value

    return check


# Each section's parser; the list items' paths are added by ``fields.items``.
_SECTIONS: dict[str, Any] = {
    "banned_terms": lambda value: term_rules(value, "", "block"),
    "competitors": lambda value: term_rules(value, "", "warn"),
    "required_terms": lambda value: required_terms(value, ""),
    "disclosure": DisclosureRule.from_dict,
    "hashtags": HashtagLimit.from_dict,
    "utm": UtmRule.from_dict,
    "languages": LanguageRule.from_dict,
    "tone": ToneRule.from_dict,
    "response_times": ResponseTimes.from_dict,
    "escalation_contacts": lambda value: escalation_contacts(value, ""),
}
