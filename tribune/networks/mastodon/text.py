"""Mastodon sends statuses as HTML (https://docs.joinmastodon.org/spec/microformats/);
these helpers turn it back into text, and compare it with the text we sent."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any

# ``@user@server.example`` is shown as ``@user`` in the rendered HTML.
REMOTE_MENTION = re.compile(r"(?<![\w@])@(\w+)@[\w.-]+\w")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self.paragraphs:
                self.parts.append("\n\n")
            self.paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """``<p>Un<br>deux</p><p>trois</p>`` → ``"Un\\ndeux\\n\\ntrois"``. Links keep their
    full text: Mastodon hides parts of long URLs in ``<span class="invisible">``."""
    if not html:
        return ""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return unescape("".join(parser.parts)).strip()


def comparable(text: str) -> str:
    """What must match between the text we sent and the status we find: whitespace
    collapsed, remote mentions shortened as Mastodon renders them."""
    return " ".join(REMOTE_MENTION.sub(r"@\1", text).split())


def same_text(sent: str, status_html: str | None) -> bool:
    return comparable(sent) == comparable(plain_text(status_html))


def jsonable(value: Any) -> Any:
    """Mastodon.py's answers (dicts with ``datetime`` values) → plain JSON values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value if not isinstance(value, str) else str(value)
    return str(value)
