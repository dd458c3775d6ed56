"""Find a charter term in a post.

Semantics (see docs/charter-rules.md):
- case- and accent-insensitive: "arnaque" matches "Arnaqué", "ARNAQUE", "arnaque";
- whole words: "arnaque" matches in "l'arnaque", "d’arnaque", "#arnaque", "anti-arnaque",
  not in "arnaqueur" (unless the rule asks for a prefix match);
- several words match across any whitespace, line breaks included;
- a term written "#tag" matches only that hashtag; "@name" only that mention;
- hashtags glued in camel case are read word by word: "#ArnaqueTotale" holds "arnaque",
  "totale" and "arnaque totale"; "#arnaquetotale" holds only "arnaque totale";
- never inside a link or an e-mail address.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import regex

from tribune.strategy.rules.entities import (
    Entity,
    find_emails,
    find_hashtags,
    find_urls,
    hashtag_segments,
)
from tribune.strategy.rules.normalize import Folded, fold, fold_term

Span = tuple[int, int]


class SpanIndex:
    """Answers "does this span overlap any of these?" in log time (long posts have
    hundreds of links and hashtags, and every match asks)."""

    def __init__(self, spans: list[Span]) -> None:
        spans = sorted(spans)
        self._starts = [start for start, _end in spans]
        self._max_ends = list(accumulate((end for _start, end in spans), max))

    def overlaps(self, span: Span) -> bool:
        start, end = span
        # Among the spans starting before our end, does the furthest-reaching one pass our
        # start?
        count = bisect_left(self._starts, end)
        return count > 0 and self._max_ends[count - 1] > start


@dataclass(frozen=True)
class HashtagWords:
    """A hashtag cut into words (see ``hashtag_segments``), folded once per post."""

    spans: tuple[Span, ...]
    words: tuple[str, ...]
    body: Span
    folded_body: str


@dataclass(frozen=True)
class Document:
    """A post prepared once for all the rules: folded text, links and hashtags."""

    text: str
    folded: Folded
    urls: tuple[Entity, ...]
    emails: tuple[Entity, ...]
    hashtags: tuple[Entity, ...]
    hashtag_words: tuple[HashtagWords, ...]
    links: SpanIndex

    @classmethod
    def of(cls, text: str) -> Document:
        urls = find_urls(text)
        hashtags = find_hashtags(text, urls)
        words = []
        for tag in hashtags:
            spans = tuple(hashtag_segments(text, tag))
            folded = tuple(fold_term(text[start:end]) for start, end in spans)
            body = (tag.start + 1, tag.end)
            words.append(HashtagWords(spans, folded, body, fold_term(text[body[0] : body[1]])))
        emails = find_emails(text)
        return cls(
            text,
            fold(text),
            tuple(urls),
            tuple(emails),
            hashtags=tuple(hashtags),
            hashtag_words=tuple(words),
            links=SpanIndex([(e.start, e.end) for e in (*urls, *emails)]),
        )

    def in_link(self, span: Span) -> bool:
        """Inside a link or an e-mail address, where words are addresses, not speech."""
        return self.links.overlaps(span)


@lru_cache(maxsize=2048)
def _pattern(term: str, prefix: bool) -> regex.Pattern[str]:
    words = fold_term(term).split(" ")
    body = r"\s+".join(regex.escape(word) for word in words)
    # A boundary is needed only on a side where the term ends with a word character (or
    # a sigil): "#ad" must not be glued to a preceding letter, "!" may be followed by
    # anything. "#" and "@" are not word characters, so "arnaque" matches "#arnaque".
    left = r"(?<!\w)" if regex.match(r"[\w#@]", words[0]) else ""
    right = ""
    if regex.search(r"\w$", words[-1]):
        # A prefix match spans the whole word, so the composer highlights "arnaqueur".
        right = r"\w*" if prefix else r"(?!\w)"
    return regex.compile(left + body + right)


def find_term(doc: Document, term: str, *, prefix: bool = False) -> list[Span]:
    """Spans of ``term`` in the original text, in reading order, without duplicates."""
    spans: set[Span] = set()
    for match in _pattern(term, prefix).finditer(doc.folded.text):
        if match.end() > match.start():
            span = doc.folded.span(match.start(), match.end())
            if not doc.in_link(span):
                spans.add(span)
    spans.update(_in_hashtags(doc, term, prefix))
    return sorted(spans)


def _in_hashtags(doc: Document, term: str, prefix: bool) -> list[Span]:
    words = fold_term(term).split(" ")
    if not all(regex.fullmatch(r"\w+", word) for word in words):
        return []  # "#tag", "@name", "l'arnaque" cannot hide inside a camel-case hashtag
    found: list[Span] = []
    glued = "".join(words)
    for tag in doc.hashtag_words:
        for first in range(len(tag.spans) - len(words) + 1):
            if _words_match(list(tag.words[first : first + len(words)]), words, prefix):
                found.append((tag.spans[first][0], tag.spans[first + len(words) - 1][1]))
        body = tag.folded_body
        if len(words) > 1 and (body == glued or (prefix and body.startswith(glued))):
            found.append(tag.body)
    return found


def _words_match(candidate: list[str], words: list[str], prefix: bool) -> bool:
    if candidate[:-1] != words[:-1]:
        return False
    last = candidate[-1]
    return last == words[-1] or (prefix and last.startswith(words[-1]))
