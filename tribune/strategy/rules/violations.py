"""What the engine reports: one ``Violation`` per problem, with French and English text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tribune.strategy.rules.fields import Severity

# code: (French template, English template). Codes are stable: the composer, the approval
# screen and moderation key their behaviour and their tests on them.
MESSAGES: dict[str, tuple[str, str]] = {
    "banned_term": (
        "Terme interdit par la charte : « {term} ».",
        "Term banned by the charter: “{term}”.",
    ),
    "competitor_mention": (
        "Mention d’un concurrent : « {term} ».",
        "Mentions a competitor: “{term}”.",
    ),
    "required_term_missing": (
        "Mention obligatoire absente (une parmi : {term}).",
        "Required mention missing (one of: {term}).",
    ),
    "missing_disclosure": (
        "Contenu sponsorisé sans mention de publicité (une parmi : {term}).",
        "Sponsored content without a disclosure (one of: {term}).",
    ),
    "too_many_hashtags": (
        "{count} hashtags, la charte en autorise {limit} au plus sur ce réseau.",
        "{count} hashtags; the charter allows at most {limit} on this network.",
    ),
    "missing_utm": (
        "Lien sans paramètre de suivi {term}.",
        "Link without tracking parameter {term}.",
    ),
    "wrong_language": (
        "Langue « {term} » non prévue pour ce compte (autorisées : {allowed}).",
        "Language “{term}” is not planned for this account (allowed: {allowed}).",
    ),
    "tone_caps": (
        "Évitez les mots en capitales : « {term} ».",
        "Avoid words in capitals: “{term}”.",
    ),
    "tone_exclamations": (
        "Trop de points d’exclamation à la suite ({count}).",
        "Too many exclamation marks in a row ({count}).",
    ),
}
_REASON = (" Motif : {reason}", " Reason: {reason}")


@dataclass(frozen=True)
class Violation:
    """One rule broken by a text.

    ``start``/``end`` index the original text in code points (Python string offsets) when
    the problem sits somewhere in it; use ``normalize.utf16_offset`` for JavaScript.
    ``detail`` is the term, tag, parameter or word concerned, for programs.
    """

    code: str
    severity: Severity
    message_fr: str
    message_en: str
    start: int | None = None
    end: int | None = None
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == "block"

    @property
    def span(self) -> tuple[int, int] | None:
        return None if self.start is None or self.end is None else (self.start, self.end)

    def message(self, language: str = "fr") -> str:
        """The message in ``language`` ("fr", "en", "en-GB"…); French when unknown."""
        return self.message_en if language.lower().startswith("en") else self.message_fr

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
            "start": self.start,
            "end": self.end,
            "detail": self.detail,
        }


def violation(
    code: str,
    severity: Severity,
    *,
    span: tuple[int, int] | None = None,
    detail: str = "",
    reason: str = "",
    **params: Any,
) -> Violation:
    french, english = MESSAGES[code]
    values = {"term": detail, **params}
    message_fr = french.format(**values)
    message_en = english.format(**values)
    if reason:
        message_fr += _REASON[0].format(reason=reason)
        message_en += _REASON[1].format(reason=reason)
    start, end = span if span is not None else (None, None)
    return Violation(code, severity, message_fr, message_en, start, end, detail)


def blocking(violations: Iterable[Violation]) -> bool:
    """True when any violation must stop the post (publishing, approval)."""
    return any(v.severity == "block" for v in violations)


def sort_key(item: Violation) -> tuple[int, int, int, str, str]:
    """Problems about the whole post first, then in reading order."""
    if item.start is None or item.end is None:
        return (0, 0, 0, item.code, item.detail)
    return (1, item.start, item.end, item.code, item.detail)
