"""Folding helpers: compare French and English text without case, accents or typographic
variants, while remembering where each folded character came from in the original text.

Folding is done one original character at a time, so every folded character knows the
index of the character it came from; spans found in folded text map back exactly onto the
original (emoji, combining accents and ligatures never shift them).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

# Typographic apostrophes people (and phone keyboards) type in French elisions: all are
# treated as the straight one, so "l’arnaque" and "l'arnaque" read the same.
APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u0060\u00b4\u2032\uff07")

# Letters that have no Unicode decomposition but that a French reader treats as their
# plain spelling ("cœur" is searched as "coeur").
_SPELLED_OUT = {"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i"}

_WHITESPACE = regex.compile(r"\s+")
_EDGE_WHITESPACE = regex.compile(r"^\s+|\s+$")


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """Fold one character: compatibility-decompose, drop accents, casefold.

    May return "" (an accent on its own, an invisible formatting character) or several
    characters ("ﬁ" becomes "fi", "ß" becomes "ss").
    """
    if char in APOSTROPHES:
        return "'"
    # Invisible format characters (zero-width space, soft hyphen, joiners, direction marks)
    # are dropped so that "arn\u200baque" cannot slip past a banned term.
    if unicodedata.category(char) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.casefold()
    return "".join(_SPELLED_OUT.get(c, c) for c in folded)


@dataclass(frozen=True)
class Folded:
    """A folded copy of ``original`` with, for each folded character, its source index."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the folded range ``[start, end)`` (non-empty) back to the original text.

        The end is extended over accents and invisible characters that folded to nothing
        right after the match, so that highlighting "arnaque" in "arnaque" + U+0301 covers
        the accent too.
        """
        o_start = self.origin[start]
        o_end = self.origin[end - 1] + 1
        while o_end < len(self.original) and _vanishes(self.original[o_end]):
            o_end += 1
        return o_start, o_end


def _vanishes(char: str) -> bool:
    return fold_char(char) == "" and not char.isspace()


def fold(text: str) -> Folded:
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return Folded(original=text, text="".join(parts), origin=tuple(origin))


def fold_text(text: str) -> str:
    """Folded text alone, whitespace runs collapsed (for comparisons, not spans)."""
    # The regex engine's notion of whitespace, the one the term patterns use, not str.strip's
    # (which also strips control characters such as U+001F).
    return _EDGE_WHITESPACE.sub("", _WHITESPACE.sub(" ", fold(text).text))


def fold_term(term: str) -> str:
    """A rule's term as it is compared: folded, whitespace collapsed, trimmed."""
    return fold_text(term)


def has_word_char(text: str) -> bool:
    return regex.search(r"\w", text) is not None


def utf16_offset(text: str, index: int) -> int:
    """Convert a code-point offset (what spans use) to a UTF-16 offset, the unit of a
    JavaScript string, for the composer's highlighting."""
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)
