"""Validation helpers for the charter rules: every error names the field that is wrong.

The rules are stored as JSON on a brand's charter version and edited in forms, so a bad
value must say where it is ("banned_terms[2].severity: …") for the form to show it next
to the right input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal, cast

import regex

from tribune.strategy.rules.normalize import fold_term, has_word_char

Severity = Literal["block", "warn"]
SEVERITIES: tuple[Severity, ...] = ("block", "warn")
MAX_TERM_LENGTH = 200
MAX_ITEMS = 1000

_NETWORK = regex.compile(r"[a-z][a-z0-9_-]{0,31}")
_LANGUAGE = regex.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_PARAM = regex.compile(r"[A-Za-z0-9_.\-\[\]]{1,64}")
_DOMAIN = regex.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_EMAIL = regex.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = regex.compile(r"\+?[0-9 .()\-]{6,24}")


class RulesError(ValueError):
    """A charter rule set that cannot be used; ``field`` is the path of the bad value."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}" if field else problem)
        self.field = field
        self.problem = problem


def _join(prefix: str, field: str) -> str:
    if not field:
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


@contextmanager
def at(prefix: str) -> Iterator[None]:
    """Prefix the field path of errors raised inside (nested objects, list items)."""
    try:
        yield
    except RulesError as exc:
        raise RulesError(_join(prefix, exc.field), exc.problem) from None


def check_keys(data: Any, allowed: set[str], *, required: set[str] | frozenset[str] = frozenset()):
    if not isinstance(data, Mapping):
        raise RulesError("", f"must be an object, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise RulesError(
            unknown[0], f"unknown field (expected one of {', '.join(sorted(allowed))})"
        )
    for key in sorted(required):
        if key not in data:
            raise RulesError(key, "is required")
    return data


def severity(value: Any, field: str = "severity") -> Severity:
    if value not in SEVERITIES:
        raise RulesError(field, f"must be 'block' or 'warn', got {value!r}")
    return cast(Severity, value)


def text(value: Any, field: str, *, max_length: int = 500) -> str:
    if not isinstance(value, str):
        raise RulesError(field, f"must be a string, got {type(value).__name__}")
    if len(value) > max_length:
        raise RulesError(field, f"must be at most {max_length} characters")
    return value


def term(value: Any, field: str = "term") -> str:
    value = text(value, field, max_length=MAX_TERM_LENGTH)
    if regex.search(r"[^\P{Cc}\t\n\r]", value):
        raise RulesError(field, "must not contain control characters")
    if not has_word_char(fold_term(value)):
        raise RulesError(field, f"must contain a letter or a digit, got {value!r}")
    return value


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise RulesError(field, f"must be true or false, got {value!r}")
    return value


def integer(value: Any, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesError(field, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise RulesError(field, f"must be between {low} and {high}, got {value}")
    return value


def items[T](value: Any, field: str, check: Callable[[Any, str], T]) -> tuple[T, ...]:
    """A list (or tuple) of values, each checked; errors name the item's index."""
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise RulesError(field, f"must be a list, got {type(value).__name__}")
    if len(value) > MAX_ITEMS:
        raise RulesError(field, f"must have at most {MAX_ITEMS} items")
    return tuple(check(item, f"{field}[{index}]") for index, item in enumerate(value))


def mapping(value: Any, field: str) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise RulesError(field, f"must be an object, got {type(value).__name__}")
    return value


def _pattern(pattern: regex.Pattern[str], what: str) -> Callable[[Any, str], str]:
    def check(value: Any, field: str) -> str:
        value = text(value, field, max_length=254)
        normalised = value.strip().lower() if what != "a URL parameter name" else value.strip()
        if not pattern.fullmatch(normalised):
            raise RulesError(field, f"must be {what}, got {value!r}")
        return normalised

    return check


network = _pattern(_NETWORK, "a network name such as 'mastodon' or 'bluesky'")
language = _pattern(_LANGUAGE, "a language code such as 'fr' or 'en-GB'")
url_param = _pattern(_PARAM, "a URL parameter name")
domain = _pattern(_DOMAIN, "a domain name such as 'tribune.fr'")
email = _pattern(_EMAIL, "an e-mail address")
phone = _pattern(_PHONE, "a phone number")
