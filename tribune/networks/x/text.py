"""Comparing the text we sent with a post X shows back (reconciliation).

X returns ``text`` with ``&``, ``<`` and ``>`` escaped, every link replaced by a t.co link
(``entities.urls`` keeps the ``expanded_url``) and, for posts with images, a trailing
t.co link to the media. https://docs.x.com/x-api/fundamentals/data-dictionary
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)


def _url_key(url: str) -> str:
    return re.sub(r"^https?://", "", url, flags=re.IGNORECASE).rstrip("/").lower()


def comparable(text: str) -> str:
    text = URL.sub(lambda m: _url_key(m.group(0)), text)
    return " ".join(text.split())


def expanded_text(tweet: dict[str, Any]) -> str:
    """The post's text with t.co links expanded and media links dropped."""
    text = tweet.get("text", "")
    for url in (tweet.get("entities") or {}).get("urls", []):
        short = url.get("url", "")
        if not short:
            continue
        target = "" if url.get("media_key") else url.get("expanded_url") or short
        text = text.replace(short, target)
    return unescape(text)


def same_text(sent: str, tweet: dict[str, Any]) -> bool:
    return comparable(sent) == comparable(expanded_text(tweet))
