"""Rules about words: banned terms, competitor names, required mentions, disclosure tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tribune.strategy.rules import fields as f

MatchMode = Literal["word", "prefix"]

# In France the law of 9 June 2023 on commercial influence asks for a clear "Publicité"
# or "Collaboration commerciale" mention; hashtags are what most charters add on top.
DEFAULT_DISCLOSURE_TAGS = (
    "#sponsorisé",
    "#partenariat",
    "#ad",
    "publicité",
    "collaboration commerciale",
)


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class TermRule:
    """A banned term or a competitor name.

    ``match`` is "word" (whole words only: "arnaque" does not match "arnaqueur") or
    "prefix" ("arnaque" also matches "arnaqueur", "arnaques"). ``networks`` limits the
    rule to some networks; empty means every network.
    """

    term: str
    severity: f.Severity = "block"
    reason: str = ""
    match: MatchMode = "word"
    networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        f.term(self.term)
        f.severity(self.severity)
        f.text(self.reason, "reason")
        if self.match not in ("word", "prefix"):
            raise f.RulesError("match", f"must be 'word' or 'prefix', got {self.match!r}")
        _set(self, "networks", f.items(self.networks, "networks", f.network))

    @classmethod
    def from_dict(cls, data: Any, *, default_severity: f.Severity = "block") -> TermRule:
        if isinstance(data, str):  # shorthand in hand-written JSON: just the term
            return cls(term=data, severity=default_severity)
        f.check_keys(data, {"term", "severity", "reason", "match", "networks"}, required={"term"})
        return cls(
            term=data["term"],
            severity=data.get("severity", default_severity),
            reason=data.get("reason", ""),
            match=data.get("match", "word"),
            networks=data.get("networks", ()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "severity": self.severity,
            "reason": self.reason,
            "match": self.match,
            "networks": list(self.networks),
        }


@dataclass(frozen=True)
class RequiredTerm:
    """At least one of ``terms`` must appear (e.g. the brand's name or handle on LinkedIn)."""

    terms: tuple[str, ...]
    networks: tuple[str, ...] = ()
    severity: f.Severity = "block"
    reason: str = ""

    def __post_init__(self) -> None:
        _set(self, "terms", f.items(self.terms, "terms", f.term))
        if not self.terms:
            raise f.RulesError("terms", "must list at least one term")
        _set(self, "networks", f.items(self.networks, "networks", f.network))
        f.severity(self.severity)
        f.text(self.reason, "reason")

    @classmethod
    def from_dict(cls, data: Any) -> RequiredTerm:
        f.check_keys(data, {"terms", "networks", "severity", "reason"}, required={"terms"})
        return cls(
            terms=data["terms"],
            networks=data.get("networks", ()),
            severity=data.get("severity", "block"),
            reason=data.get("reason", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "terms": list(self.terms),
            "networks": list(self.networks),
            "severity": self.severity,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DisclosureRule:
    """What a sponsored post must carry: any one of ``tags`` satisfies it.

    A tag written with "#" must appear as that hashtag; one without may appear as a word,
    a phrase or a hashtag ("publicité" is satisfied by "#publicité" too).
    """

    tags: tuple[str, ...] = DEFAULT_DISCLOSURE_TAGS
    severity: f.Severity = "block"

    def __post_init__(self) -> None:
        _set(self, "tags", f.items(self.tags, "tags", f.term))
        if not self.tags:
            raise f.RulesError("tags", "must list at least one tag, or no sponsored post passes")
        f.severity(self.severity)

    @classmethod
    def from_dict(cls, data: Any) -> DisclosureRule:
        f.check_keys(data, {"tags", "severity"})
        return cls(
            tags=data.get("tags", DEFAULT_DISCLOSURE_TAGS),
            severity=data.get("severity", "block"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"tags": list(self.tags), "severity": self.severity}


def term_rules(value: Any, field: str, default_severity: f.Severity) -> tuple[TermRule, ...]:
    def one(item: Any, path: str) -> TermRule:
        with f.at(path):
            return TermRule.from_dict(item, default_severity=default_severity)

    return f.items(value, field, one)


def required_terms(value: Any, field: str) -> tuple[RequiredTerm, ...]:
    def one(item: Any, path: str) -> RequiredTerm:
        with f.at(path):
            return RequiredTerm.from_dict(item)

    return f.items(value, field, one)
