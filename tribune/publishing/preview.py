"""A per-network preview of a post: links, hashtags and mentions as the network will
show them, and the passages a charter rule objects to, marked in place."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tribune.publishing.checks import Problem
from tribune.strategy.rules.entities import find_hashtags, find_mentions, find_urls


def preview_html(text: str, problems: list[Problem]) -> SafeString:
    marks: list[tuple[int, int, str, str]] = []  # start, end, css class, title
    for problem in problems:
        if problem.start is not None and problem.end is not None and problem.end > problem.start:
            marks.append((problem.start, problem.end, f"flag {problem.severity}", problem.message))
    urls = find_urls(text)
    for kind, entities in (
        ("link", urls),
        ("tag", find_hashtags(text, urls)),
        ("mention", find_mentions(text, urls)),
    ):
        for entity in entities:
            marks.append((entity.start, entity.end, kind, ""))
    # Rule marks first, then the longest entity; overlapping later marks are dropped.
    marks.sort(key=lambda m: (m[0], not m[2].startswith("flag"), -(m[1] - m[0])))
    pieces: list[str] = []
    cursor = 0
    for start, end, css, title in marks:
        if start < cursor:
            continue
        pieces.append(escape(text[cursor:start]))
        if title:
            pieces.append(
                format_html('<mark class="{}" title="{}">{}</mark>', css, title, text[start:end])
            )
        else:
            pieces.append(format_html('<span class="{}">{}</span>', css, text[start:end]))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return mark_safe("".join(pieces).replace("\n", "<br>"))  # noqa: S308 - every piece escaped
