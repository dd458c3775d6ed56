"""Rules about the form of a post: hashtags, tracked links, language, tone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tribune.strategy.rules import fields as f
from tribune.strategy.rules.normalize import fold_term
from tribune.strategy.rules.terms import _set


def _pairs(value: Any, field: str) -> list[tuple[Any, Any]]:
    """Key/value pairs from a JSON object or from the sorted tuple of pairs we store."""
    if isinstance(value, Mapping):
        return list(value.items())
    pairs = []
    for index, pair in enumerate(f.items(value, field, lambda item, _path: item)):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise f.RulesError(f"{field}[{index}]", "must be a (key, value) pair")
        pairs.append((pair[0], pair[1]))
    return pairs


def _network_limits(value: Any, field: str) -> tuple[tuple[str, int], ...]:
    limits = {}
    for key, number in _pairs(value, field):
        name = f.network(key, field)
        limits[name] = f.integer(number, f"{field}.{name}", low=0, high=1000)
    return tuple(sorted(limits.items()))


@dataclass(frozen=True)
class HashtagLimit:
    """At most ``default`` hashtags per post, or the network's own number if overridden.
    None means no limit."""

    default: int | None = None
    per_network: tuple[tuple[str, int], ...] = ()
    severity: f.Severity = "warn"

    def __post_init__(self) -> None:
        if self.default is not None:
            f.integer(self.default, "default", low=0, high=1000)
        _set(self, "per_network", _network_limits(self.per_network, "per_network"))
        f.severity(self.severity)

    def limit_for(self, network: str) -> int | None:
        return dict(self.per_network).get(network, self.default)

    @classmethod
    def from_dict(cls, data: Any) -> HashtagLimit:
        f.check_keys(data, {"default", "per_network", "severity"})
        return cls(
            default=data.get("default"),
            per_network=_network_limits(
                f.mapping(data.get("per_network", {}), "per_network"), "per_network"
            ),
            severity=data.get("severity", "warn"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "default": self.default,
            "per_network": dict(self.per_network),
            "severity": self.severity,
        }


@dataclass(frozen=True)
class UtmRule:
    """Every link must carry these query parameters (with a value).

    ``domains`` limits the check to links towards these sites and their subdomains (the
    brand's own sites: a UTM on a press article's link is pointless); empty means every
    link. Parameter names are case-sensitive, as analytics tools read them.
    """

    params: tuple[str, ...] = ()
    severity: f.Severity = "warn"
    domains: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _set(self, "params", f.items(self.params, "params", f.url_param))
        f.severity(self.severity)
        _set(self, "domains", f.items(self.domains, "domains", f.domain))
        _set(self, "networks", f.items(self.networks, "networks", f.network))

    def applies_to_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return not self.domains or any(host == d or host.endswith("." + d) for d in self.domains)

    @classmethod
    def from_dict(cls, data: Any) -> UtmRule:
        f.check_keys(data, {"params", "severity", "domains", "networks"})
        return cls(
            params=data.get("params", ()),
            severity=data.get("severity", "warn"),
            domains=data.get("domains", ()),
            networks=data.get("networks", ()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": list(self.params),
            "severity": self.severity,
            "domains": list(self.domains),
            "networks": list(self.networks),
        }


def _account_languages(value: Any, field: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    accounts = {}
    for account, languages in _pairs(value, field):
        name = f.text(account, field, max_length=200)
        if not name.strip():
            raise f.RulesError(field, "account names must not be empty")
        accounts[name] = f.items(languages, f"{field}.{name}", f.language)
    return tuple(sorted(accounts.items()))


@dataclass(frozen=True)
class LanguageRule:
    """Languages a post may be written in: ``allowed`` for every account, or the account's
    own list in ``per_account`` (keyed by the account's handle or id). Empty: no check.
    "fr" allows "fr-CA" too; "fr-CA" allows only "fr-CA"."""

    allowed: tuple[str, ...] = ()
    per_account: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: f.Severity = "warn"

    def __post_init__(self) -> None:
        _set(self, "allowed", f.items(self.allowed, "allowed", f.language))
        _set(self, "per_account", _account_languages(self.per_account, "per_account"))
        f.severity(self.severity)

    def allowed_for(self, account: str | None) -> tuple[str, ...]:
        return dict(self.per_account).get(account or "", self.allowed)

    @classmethod
    def from_dict(cls, data: Any) -> LanguageRule:
        f.check_keys(data, {"allowed", "per_account", "severity"})
        return cls(
            allowed=data.get("allowed", ()),
            per_account=_account_languages(
                f.mapping(data.get("per_account", {}), "per_account"), "per_account"
            ),
            severity=data.get("severity", "warn"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": list(self.allowed),
            "per_account": {account: list(langs) for account, langs in self.per_account},
            "severity": self.severity,
        }


@dataclass(frozen=True)
class ToneRule:
    """Tone hints, always warnings: words in capitals ("PROMO") and runs of "!".

    ``caps_allowed`` lists acronyms and brand names written in capitals (compared without
    case or accents). ``max_exclamations`` is the longest accepted run; None disables.
    """

    caps: bool = True
    caps_min_length: int = 4
    caps_allowed: tuple[str, ...] = ()
    max_exclamations: int | None = 2

    def __post_init__(self) -> None:
        f.boolean(self.caps, "caps")
        f.integer(self.caps_min_length, "caps_min_length", low=2, high=100)
        _set(self, "caps_allowed", f.items(self.caps_allowed, "caps_allowed", f.term))
        if self.max_exclamations is not None:
            f.integer(self.max_exclamations, "max_exclamations", low=1, high=100)

    def allows_caps(self, word: str) -> bool:
        return fold_term(word) in {fold_term(allowed) for allowed in self.caps_allowed}

    @classmethod
    def from_dict(cls, data: Any) -> ToneRule:
        f.check_keys(data, {"caps", "caps_min_length", "caps_allowed", "max_exclamations"})
        return cls(
            caps=data.get("caps", True),
            caps_min_length=data.get("caps_min_length", 4),
            caps_allowed=data.get("caps_allowed", ()),
            max_exclamations=data.get("max_exclamations", 2),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "caps": self.caps,
            "caps_min_length": self.caps_min_length,
            "caps_allowed": list(self.caps_allowed),
            "max_exclamations": self.max_exclamations,
        }
