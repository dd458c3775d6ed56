"""Links, hashtags and mentions found in a post, with their spans in the original text.

Shared by the charter engine and by ``tribune.publishing.textcount`` so that what the
composer counts as a link is exactly what the charter checks for UTM parameters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import regex

EntityKind = Literal["url", "email", "hashtag", "mention"]


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    start: int
    end: int
    text: str
    has_scheme: bool = True  # urls only: False for a bare "tribune.fr/offre"


# Top-level domains we recognise in links written without "https://". The networks that
# shorten such links (X) know every IANA TLD; we keep the common generic ones and the
# country codes our French-speaking users meet, so "etc.Il" is not taken for a link.
_TLDS = (
    "com|net|org|info|biz|fr|be|ch|lu|ca|qc|mc|re|nc|pf|ma|tn|dz|sn|ci|cm|uk|de|es|it|nl|pt"
    "|eu|io|co|me|tv|ai|ly|gl|to|us|xyz|app|dev|social|online|site|shop|store|blog|news"
    "|tech|cloud|page|link|live|pro|paris|bzh|alsace|corsica|quebec|gouv|edu|gov|int"
)
# What may follow a link's host; stops at spaces, angle brackets, quotes and French
# guillemets, which surround links in text but never belong to them.
_TAIL = r"[^\s<>\"«»]*"
_URL = regex.compile(
    r"(?<![\w@/.:-])(?:"
    r"(?P<scheme>https?://)[^\s<>\"«»/?#]+" + _TAIL + r"|"
    r"(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")(?![\w-])"
    r"(?:[/?#]" + _TAIL + r")?"
    r")",
    regex.IGNORECASE,
)
# Punctuation that ends a sentence rather than a link ("voir https://x.fr/a." or "(…)").
_TRAILING = ".,;:!?'\"…*»)]}\u2019"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

# A hashtag is "#" (or the full-width "＃") then letters, marks, digits or "_", not glued
# to a word (so "page#section" and "&#39;" are not hashtags), and not digits only.
_HASHTAG = regex.compile(r"(?<![\w&/#\uff03])[#\uff03]([\p{L}\p{M}\p{N}_]+)")
# "@name", a Bluesky handle "@name.bsky.social", or a fediverse "@name@instance.tld";
# not inside an e-mail address ("contact@tribune.fr").
_MENTION = regex.compile(
    r"(?<![\w@/.+-])@[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?(?:@[a-z0-9-]+(?:\.[a-z0-9-]+)+)?",
    regex.IGNORECASE,
)


_EMAIL = regex.compile(
    r"(?<![\w.+-])[\w.+-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+",
    regex.IGNORECASE,
)


def find_emails(text: str) -> list[Entity]:
    return [Entity("email", m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]


def _trim(url: str) -> str:
    while url and url[-1] in _TRAILING:
        last = url[-1]
        opener = _CLOSERS.get(last)
        # Keep a closing bracket that closes one inside the link (Wikipedia style).
        if opener is not None and url.count(opener) >= url.count(last):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[Entity]:
    found: list[Entity] = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        with_scheme = match.group("scheme") is not None
        if with_scheme and not _has_host(url):
            continue
        if url:
            start = match.start()
            found.append(Entity("url", start, start + len(url), url, with_scheme))
    return found


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an invalid IPv6 literal "http://[x"
        return False


def _outside(spans: Iterable[Entity], start: int, end: int) -> bool:
    return all(end <= s.start or start >= s.end for s in spans)


def find_hashtags(text: str, urls: list[Entity] | None = None) -> list[Entity]:
    urls = find_urls(text) if urls is None else urls
    found = []
    for match in _HASHTAG.finditer(text):
        body = match.group(1)
        if regex.search(r"\p{L}", body) and _outside(urls, match.start(), match.end()):
            found.append(Entity("hashtag", match.start(), match.end(), match.group(0)))
    return found


def find_mentions(text: str, urls: list[Entity] | None = None) -> list[Entity]:
    urls = find_urls(text) if urls is None else urls
    return [
        Entity("mention", m.start(), m.end(), m.group(0))
        for m in _MENTION.finditer(text)
        if _outside(urls, m.start(), m.end())
    ]


def hashtag_segments(text: str, tag: Entity) -> list[tuple[int, int]]:
    """Split a hashtag's body into the words it glues together, as spans of ``text``.

    "#ArnaqueTotale" gives "Arnaque", "Totale"; "#HTMLParser" gives "HTML", "Parser";
    "#JO2024" gives "JO", "2024"; "_" separates too. Accents stay with their letter.
    An all-lowercase "#arnaquetotale" stays one segment: nothing says where to cut it.
    """
    segments: list[tuple[int, int]] = []
    start = tag.start + 1
    for position in range(tag.start + 1, tag.end):
        char = text[position]
        if char == "_":
            if position > start:
                segments.append((start, position))
            start = position + 1
            continue
        if position > start and _starts_word(text, position, tag.end):
            segments.append((start, position))
            start = position
    if start < tag.end:
        segments.append((start, tag.end))
    return segments


def _starts_word(text: str, position: int, end: int) -> bool:
    char = text[position]
    previous = _previous_base(text, position)
    if previous is None or _is_mark(char):
        return False
    if char.isdigit() != previous.isdigit():
        return True
    if char.isupper() and previous.islower():
        return True
    # The last capital of a run that a lowercase letter follows starts a word: HTML|Parser.
    following = text[position + 1] if position + 1 < end else ""
    return char.isupper() and previous.isupper() and following.islower()


def _previous_base(text: str, position: int) -> str | None:
    """The nearest preceding character that is not a combining mark."""
    index = position - 1
    while index >= 0 and _is_mark(text[index]):
        index -= 1
    return text[index] if index >= 0 and text[index] not in "#\uff03_" else None


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")
