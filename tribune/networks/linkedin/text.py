"""Post commentary in LinkedIn's "little" text format.

``\\ | { } @ [ ] ( ) < > # * _ ~`` are reserved: unescaped, LinkedIn may cut the post at
the first one. We escape them except in links (so they stay links) and in ``#hashtags``
(so they stay hashtags). https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
"""

from __future__ import annotations

import re

RESERVED = frozenset("\\|{}@[]()<>#*_~")
URL = re.compile(r"https?://\S+", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#])#(?=\w)")
ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")


def _escape_plain(text: str) -> str:
    keep = {m.start() for m in HASHTAG.finditer(text)}
    return "".join(
        "\\" + char if char in RESERVED and index not in keep else char
        for index, char in enumerate(text)
    )


def escape(text: str) -> str:
    parts, last = [], 0
    for match in URL.finditer(text):
        parts.append(_escape_plain(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_escape_plain(text[last:]))
    return "".join(parts)


def unescape(text: str) -> str:
    return ESCAPED.sub(r"\1", text)


def same_text(sent: str, commentary: str | None) -> bool:
    """Whether a post read back (escaped commentary) carries the text we sent."""
    return " ".join(sent.split()) == " ".join(unescape(commentary or "").split())
