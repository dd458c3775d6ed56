"""How long a post is for each network, counted the way that network counts it.

Used by the composer's live checks. Each network's rules come from its public
documentation (linked below); where a network does not document its unit, we count the
conservative way (more, never less, than the network) so a post we accept is never
rejected for its length.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

import regex

from tribune.strategy.rules.entities import Entity, find_hashtags, find_mentions, find_urls

Unit = Literal["graphemes", "weighted", "utf16"]


@dataclass(frozen=True)
class NetworkText:
    limit: int
    unit: Unit
    url_length: int | None = None  # every link counts this many, when the network says so
    mention_local_part: bool = False  # "@user@instance" counts as "@user"
    max_hashtags: int | None = None
    max_mentions: int | None = None
    max_bytes: int | None = None  # UTF-8 size limit of the stored text
    counts_content_warning: bool = False


NETWORKS: dict[str, NetworkText] = {
    # https://docs.bsky.app/docs/advanced-guides/post-richtext and the record schema
    # https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/feed/post.json
    # (text: maxGraphemes 300, maxLength 3000 UTF-8 bytes). Links count as written: the
    # text we send holds the whole link (the official app's shortening is display only).
    "bluesky": NetworkText(limit=300, unit="graphemes", max_bytes=3000),
    # https://docs.joinmastodon.org/user/posting/#text and
    # https://docs.joinmastodon.org/entities/Instance/#characters_reserved_per_url : 500 by
    # default (each instance may change it, and the URL length), every http(s) link counts
    # 23, a remote mention counts only "@user". The server counts grapheme clusters (its
    # StatusLengthValidator), content warning included.
    "mastodon": NetworkText(
        limit=500,
        unit="graphemes",
        url_length=23,
        mention_local_part=True,
        counts_content_warning=True,
    ),
    # https://docs.x.com/resources/fundamentals/counting-characters and twitter-text v3
    # (https://github.com/twitter/twitter-text/blob/master/config/v3.json): NFC text, a
    # weight of 1 for code points in the ranges below and 2 elsewhere, every emoji 2,
    # every link 23, on a budget of 280.
    "x": NetworkText(limit=280, unit="weighted", url_length=23),
    # https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
    # (commentary: 3000 characters). Unit undocumented: UTF-16 units, what their web
    # composer's JavaScript measures (an emoji counts 2).
    "linkedin": NetworkText(limit=3000, unit="utf16"),
    # https://developers.facebook.com/docs/pages-api/posts : the Graph API does not state
    # the message limit; 63,206 is the limit Facebook's own composer enforces.
    "facebook": NetworkText(limit=63206, unit="utf16"),
    # https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
    # (caption: at most 2,200 characters, 30 hashtags and 20 @ tags).
    "instagram": NetworkText(limit=2200, unit="utf16", max_hashtags=30, max_mentions=20),
    # Tribune's own offline network: Bluesky-like, with Mastodon's default length.
    "sandbox": NetworkText(limit=500, unit="graphemes"),
}
ALIASES = {"twitter": "x"}

# twitter-text v3: code points in these ranges weigh 1 (Latin, Greek, Cyrillic, Hebrew,
# Arabic, Devanagari… up to U+10FF, and some punctuation); everything else weighs 2.
_X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_GRAPHEME = regex.compile(r"\X")
# An emoji, for X: a cluster with an emoji-presentation character, a flag (regional
# indicators), a keycap, or a pictograph made emoji by the variation selector U+FE0F.
_EMOJI = regex.compile(
    r"\p{Emoji_Presentation}|\p{Regional_Indicator}|\u20e3|\p{Extended_Pictographic}\ufe0f"
)


@dataclass(frozen=True)
class TextMeasure:
    """A text measured for one network.

    ``over_limit`` is true when any of the network's limits is exceeded (length, and for
    some networks hashtags, mentions or bytes); ``problems`` says which, with the stable
    codes "too_long", "too_many_hashtags", "too_many_mentions", "too_many_bytes".
    """

    network: str
    length: int
    limit: int
    remaining: int
    over_limit: bool
    urls: tuple[str, ...]
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    problems: tuple[str, ...] = ()
    max_hashtags: int | None = None
    max_mentions: int | None = None


def network_text(network: str) -> NetworkText:
    name = ALIASES.get(network.strip().lower(), network.strip().lower())
    try:
        return NETWORKS[name]
    except KeyError:
        known = ", ".join(sorted(NETWORKS))
        raise ValueError(f"Unknown network {network!r}; text rules exist for: {known}") from None


def measure(
    network: str,
    text: str,
    *,
    limit: int | None = None,
    url_length: int | None = None,
    content_warning: str = "",
) -> TextMeasure:
    """Measure ``text`` for ``network``.

    ``limit`` and ``url_length`` override the network's defaults (a Mastodon instance's
    ``configuration.statuses`` values). ``content_warning`` counts towards Mastodon's
    limit, as the server adds it to the text's length.
    """
    rules = network_text(network)
    name = ALIASES.get(network.strip().lower(), network.strip().lower())
    limit = rules.limit if limit is None else limit
    url_length = rules.url_length if url_length is None else url_length
    if rules.unit == "weighted":
        text = unicodedata.normalize("NFC", text)
    urls = find_urls(text)
    hashtags = find_hashtags(text, urls)
    mentions = find_mentions(text, urls)

    if rules.unit == "weighted":
        length = _x_weighted_length(text, urls, url_length or 0)
    elif rules.unit == "graphemes":
        countable = text
        if url_length is not None or rules.mention_local_part:
            countable = _countable(text, urls, mentions, url_length, rules.mention_local_part)
        if rules.counts_content_warning:
            countable = content_warning + countable
        length = count_graphemes(countable)
    else:
        length = count_utf16(unicodedata.normalize("NFC", text))

    problems = []
    if length > limit:
        problems.append("too_long")
    if rules.max_hashtags is not None and len(hashtags) > rules.max_hashtags:
        problems.append("too_many_hashtags")
    if rules.max_mentions is not None and len(mentions) > rules.max_mentions:
        problems.append("too_many_mentions")
    if rules.max_bytes is not None and len(text.encode("utf-8")) > rules.max_bytes:
        problems.append("too_many_bytes")
    return TextMeasure(
        network=name,
        length=length,
        limit=limit,
        remaining=limit - length,
        over_limit=bool(problems),
        urls=tuple(url.text for url in urls),
        hashtags=tuple(tag.text for tag in hashtags),
        mentions=tuple(mention.text for mention in mentions),
        problems=tuple(problems),
        max_hashtags=rules.max_hashtags,
        max_mentions=rules.max_mentions,
    )


def count_graphemes(text: str) -> int:
    """User-perceived characters: a flag, an emoji family or "e" + accent count 1."""
    return sum(1 for _ in _GRAPHEME.finditer(text))


def count_utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _countable(
    text: str,
    urls: list[Entity],
    mentions: list[Entity],
    url_length: int | None,
    mention_local_part: bool,
) -> str:
    """The text as Mastodon counts it: http(s) links replaced by ``url_length`` characters
    (links without a scheme count as written there), remote mentions cut to "@user"."""
    replacements: list[tuple[int, int, str]] = []
    if url_length is not None:
        replacements += [(u.start, u.end, "x" * url_length) for u in urls if u.has_scheme]
    if mention_local_part:
        replacements += [(m.start, m.end, "@" + m.text[1:].split("@", 1)[0]) for m in mentions]
    parts, position = [], 0
    for start, end, replacement in sorted(replacements):
        if start < position:  # overlapping entities: the first one wins
            continue
        parts += [text[position:start], replacement]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _x_weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _X_LIGHT_RANGES) else 2


def _x_weighted_length(text: str, urls: list[Entity], url_length: int) -> int:
    """twitter-text v3's weighted length of an NFC text (links with or without scheme)."""
    url_at = {url.start: url for url in urls}
    length, position = 0, 0
    while position < len(text):
        url = url_at.get(position)
        if url is not None:
            length += url_length
            position = url.end
            continue
        match = _GRAPHEME.match(text, position)
        end = match.end() if match else position + 1
        # A cluster never swallows the start of a link that follows it.
        end = min([end, *(start for start in url_at if position < start < end)])
        cluster = text[position:end]
        if _EMOJI.search(cluster):
            length += 2
        else:
            length += sum(_x_weight(char) for char in cluster)
        position = end
    return length
