"""Text ↔ rules for the charter form: one rule per line, columns separated by ``|``.

    banned term  | severity | reason | networks | match     arnaque | block | | | prefix
    required     : terms (comma-separated) | networks | severity | reason
    contact      : name | role | e-mail | phone
    per network  : network: number          per account: @handle: fr, en

Each parser raises ``LineError(line_number, message)``; the form shows it next to the
field. ``format_*`` write the canonical text back, so text → rules → text is stable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import (
    CharterRules,
    EscalationContact,
    RequiredTerm,
    RulesError,
    TermRule,
)

SEVERITY_WORDS = {
    "block": "block",
    "bloquant": "block",
    "bloquer": "block",
    "warn": "warn",
    "avertir": "warn",
    "avertissement": "warn",
    "alerte": "warn",
}
MATCH_WORDS = {"word": "word", "mot": "word", "prefix": "prefix", "préfixe": "prefix"}


class LineError(ValueError):
    def __init__(self, number: int, message: str) -> None:
        super().__init__(_("Line %(number)s: %(message)s") % {"number": number, "message": message})


def lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def split_list(text: str) -> list[str]:
    """Values separated by commas or line breaks."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def _columns(line: str, number: int, most: int) -> list[str]:
    columns = [c.strip() for c in line.split("|")]
    if len(columns) > most:
        raise LineError(number, _("at most %(most)s columns separated by |") % {"most": most})
    return columns + [""] * (most - len(columns))


def _severity(word: str, default: str, number: int) -> str:
    if not word:
        return default
    try:
        return SEVERITY_WORDS[word.lower()]
    except KeyError:
        raise LineError(
            number, _("severity must be “block” or “warn”, not “%(word)s”") % {"word": word}
        ) from None


@contextmanager
def _line(number: int) -> Iterator[None]:
    """Report the engine's own checks (empty term, bad e-mail…) against the line."""
    try:
        yield
    except RulesError as exc:
        raise LineError(number, str(exc)) from None


def parse_terms(text: str, default_severity: str) -> tuple[TermRule, ...]:
    rules = []
    for number, line in lines(text):
        term, severity, reason, networks, match = _columns(line, number, 5)
        if match and match.lower() not in MATCH_WORDS:
            raise LineError(number, _("match must be “word” or “prefix”"))
        with _line(number):
            rules.append(
                TermRule(
                    term=term,
                    severity=_severity(severity, default_severity, number),  # type: ignore[arg-type]
                    reason=reason,
                    match=MATCH_WORDS[match.lower()] if match else "word",  # type: ignore[arg-type]
                    networks=tuple(split_list(networks)),
                )
            )
    return tuple(rules)


def format_terms(rules: tuple[TermRule, ...]) -> str:
    out = []
    for rule in rules:
        columns = [rule.term, rule.severity, rule.reason, ", ".join(rule.networks)]
        columns.append("" if rule.match == "word" else rule.match)
        out.append(_join(columns, keep=2))
    return "\n".join(out)


def parse_required(text: str) -> tuple[RequiredTerm, ...]:
    groups = []
    for number, line in lines(text):
        terms, networks, severity, reason = _columns(line, number, 4)
        with _line(number):
            groups.append(
                RequiredTerm(
                    terms=tuple(split_list(terms)),
                    networks=tuple(split_list(networks)),
                    severity=_severity(severity, "block", number),  # type: ignore[arg-type]
                    reason=reason,
                )
            )
    return tuple(groups)


def format_required(groups: tuple[RequiredTerm, ...]) -> str:
    out = []
    for group in groups:
        severity = "" if group.severity == "block" else group.severity
        columns = [", ".join(group.terms), ", ".join(group.networks), severity, group.reason]
        out.append(_join(columns, keep=1))
    return "\n".join(out)


def parse_contacts(text: str) -> tuple[EscalationContact, ...]:
    contacts = []
    for number, line in lines(text):
        name, role, email, phone = _columns(line, number, 4)
        with _line(number):
            contacts.append(EscalationContact(name=name, role=role, email=email, phone=phone))
    return tuple(contacts)


def format_contacts(contacts: tuple[EscalationContact, ...]) -> str:
    return "\n".join(_join([c.name, c.role, c.email, c.phone], keep=1) for c in contacts)


def _join(columns: list[str], keep: int) -> str:
    """Columns joined by " | ", without the empty ones at the end."""
    while len(columns) > keep and not columns[-1]:
        columns.pop()
    return " | ".join(columns)


def parse_pairs(text: str, value: Callable[[str, int], Any]) -> dict[str, Any]:
    """``key: value`` lines (the key may itself contain ``:``, the value may not)."""
    pairs: dict[str, Any] = {}
    for number, line in lines(text):
        key, sep, rest = line.rpartition(":")
        if not sep or not key.strip():
            raise LineError(number, _("write “name: value”"))
        pairs[key.strip()] = value(rest.strip(), number)
    return pairs


def as_count(text: str, number: int) -> int:
    try:
        return int(text)
    except ValueError:
        raise LineError(number, _("“%(text)s” is not a whole number") % {"text": text}) from None


def as_list(text: str, number: int) -> list[str]:
    return split_list(text)


def format_pairs(pairs: Any) -> str:
    out = []
    for key, value in pairs:
        shown = ", ".join(value) if isinstance(value, list | tuple) else str(value)
        out.append(f"{key}: {shown}")
    return "\n".join(out)


def rules_initial(rules: CharterRules, hours: BusinessHours) -> dict[str, Any]:
    """The form's initial values (also valid as POST data) for these rules and hours."""
    return {
        "banned_terms": format_terms(rules.banned_terms),
        "competitors": format_terms(rules.competitors),
        "required_terms": format_required(rules.required_terms),
        "disclosure_tags": "\n".join(rules.disclosure.tags),
        "disclosure_severity": rules.disclosure.severity,
        "hashtag_limit": rules.hashtags.default,
        "hashtag_per_network": format_pairs(rules.hashtags.per_network),
        "hashtag_severity": rules.hashtags.severity,
        "utm_params": ", ".join(rules.utm.params),
        "utm_domains": ", ".join(rules.utm.domains),
        "utm_networks": ", ".join(rules.utm.networks),
        "utm_severity": rules.utm.severity,
        "languages_allowed": ", ".join(rules.languages.allowed),
        "languages_per_account": format_pairs(rules.languages.per_account),
        "languages_severity": rules.languages.severity,
        "tone_caps": rules.tone.caps,
        "tone_caps_min_length": rules.tone.caps_min_length,
        "tone_caps_allowed": ", ".join(rules.tone.caps_allowed),
        "tone_max_exclamations": rules.tone.max_exclamations,
        "response_business_minutes": rules.response_times.business_hours_minutes,
        "response_off_minutes": rules.response_times.off_hours_minutes,
        "business_days": list(hours.days),
        "business_start": hours.start.strftime("%H:%M"),
        "business_end": hours.end.strftime("%H:%M"),
        "escalation_contacts": format_contacts(rules.escalation_contacts),
    }
