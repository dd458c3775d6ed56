"""``check_content``: the one place where a text is checked against a brand's charter.

Used by the composer (live hints), the approval workflow (blocking problems stop a post),
moderation and the ``charter check`` command; all of them get the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import regex

from tribune.strategy.rules.entities import find_mentions
from tribune.strategy.rules.matching import Document, Span, SpanIndex, find_term
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.rules.normalize import fold_term
from tribune.strategy.rules.terms import TermRule
from tribune.strategy.rules.violations import Violation, sort_key, violation

# Languages analysis may report when it cannot tell; they mean "unknown" here.
_UNKNOWN_LANGUAGES = {"", "und", "unknown", "zxx", "mul"}
# A word in capitals: letters (with their accents) and nothing lowercase around them.
_CAPS_WORD = regex.compile(r"(?<![\p{L}\p{M}\p{N}_])[\p{Lu}\p{M}]+(?![\p{L}\p{M}\p{N}_])")
# Exclamation marks in a row, French-style spaces between them allowed ("! ! !").
_EXCLAMATIONS = regex.compile(r"[!\uff01\u203c](?:[ \t\u00a0\u202f]*[!\uff01\u203c])*")
_MARKS = {"!": 1, "\uff01": 1, "\u203c": 2}  # "‼" is two marks in one character


@dataclass(frozen=True)
class ContentContext:
    """What the engine knows about the post besides its text.

    ``language`` is the language the author declared; ``detected_language`` what the
    analysis module detected. The declared one wins; with neither, no language check.
    ``account`` (handle or id) selects the account's own allowed languages.
    """

    sponsored: bool = False
    language: str | None = None
    detected_language: str | None = None
    account: str | None = None


def check_content(
    rules: CharterRules,
    network: str,
    text: str,
    context: ContentContext | None = None,
) -> list[Violation]:
    """Every way ``text``, to be posted on ``network``, breaks ``rules``; sorted, stable."""
    context = context or ContentContext()
    network = network.strip().lower()
    doc = Document.of(text)
    found: list[Violation] = []
    found += _term_rules(doc, rules.banned_terms, network, "banned_term")
    found += _term_rules(doc, rules.competitors, network, "competitor_mention")
    found += _required_terms(doc, rules, network)
    found += _disclosure(doc, rules, context)
    found += _hashtags(doc, rules, network)
    found += _utm(doc, rules, network)
    found += _language(rules, context)
    found += _tone(doc, rules)
    unique = {(v.code, v.start, v.end, v.detail): v for v in found}
    return sorted(unique.values(), key=sort_key)


def _applies(networks: tuple[str, ...], network: str) -> bool:
    return not networks or network in networks


def _term_rules(
    doc: Document, rules: tuple[TermRule, ...], network: str, code: str
) -> list[Violation]:
    found = []
    for rule in rules:
        if not _applies(rule.networks, network):
            continue
        for span in find_term(doc, rule.term, prefix=rule.match == "prefix"):
            found.append(
                violation(code, rule.severity, span=span, detail=rule.term, reason=rule.reason)
            )
    return found


def _required_terms(doc: Document, rules: CharterRules, network: str) -> list[Violation]:
    found = []
    for rule in rules.required_terms:
        if _applies(rule.networks, network) and not any(find_term(doc, t) for t in rule.terms):
            found.append(
                violation(
                    "required_term_missing",
                    rule.severity,
                    detail=" / ".join(rule.terms),
                    reason=rule.reason,
                )
            )
    return found


def _disclosure(doc: Document, rules: CharterRules, context: ContentContext) -> list[Violation]:
    tags = rules.disclosure.tags
    if not context.sponsored or any(find_term(doc, tag) for tag in tags):
        return []
    return [violation("missing_disclosure", rules.disclosure.severity, detail=" / ".join(tags))]


def _hashtags(doc: Document, rules: CharterRules, network: str) -> list[Violation]:
    limit = rules.hashtags.limit_for(network)
    if limit is None or len(doc.hashtags) <= limit:
        return []
    # Point at the first hashtag beyond the limit: that is where the post goes wrong.
    first_extra = doc.hashtags[limit]
    return [
        violation(
            "too_many_hashtags",
            rules.hashtags.severity,
            span=(first_extra.start, first_extra.end),
            detail=first_extra.text,
            count=len(doc.hashtags),
            limit=limit,
        )
    ]


def _utm(doc: Document, rules: CharterRules, network: str) -> list[Violation]:
    rule = rules.utm
    if not rule.params or not _applies(rule.networks, network):
        return []
    found = []
    for url in doc.urls:
        parts = urlsplit(url.text if url.has_scheme else "https://" + url.text)
        if not rule.applies_to_host(parts.hostname or ""):
            continue
        # Only the query string counts: analytics tools ignore parameters in a #fragment.
        query = parse_qs(parts.query, keep_blank_values=False)
        missing = [param for param in rule.params if param not in query]
        if missing:
            found.append(
                violation(
                    "missing_utm",
                    rule.severity,
                    span=(url.start, url.end),
                    detail=", ".join(missing),
                )
            )
    return found


def _primary_match(language: str, allowed: str) -> bool:
    return language == allowed or language.startswith(allowed + "-")


def _language(rules: CharterRules, context: ContentContext) -> list[Violation]:
    language = (context.language or context.detected_language or "").strip().lower()
    language = language.replace("_", "-")
    allowed = rules.languages.allowed_for(context.account)
    if language in _UNKNOWN_LANGUAGES or not allowed:
        return []
    if any(_primary_match(language, a) for a in allowed):
        return []
    return [
        violation(
            "wrong_language",
            rules.languages.severity,
            detail=language,
            allowed=", ".join(allowed),
        )
    ]


def _tone(doc: Document, rules: CharterRules) -> list[Violation]:
    tone = rules.tone
    found = []
    if tone.caps:
        allowed = {fold_term(word) for word in tone.caps_allowed}
        mentions = find_mentions(doc.text, list(doc.urls))
        skipped = SpanIndex(
            [(e.start, e.end) for e in (*doc.urls, *doc.emails, *doc.hashtags, *mentions)]
        )
        for match in _CAPS_WORD.finditer(doc.text):
            span: Span = (match.start(), match.end())
            letters = sum(1 for char in match.group(0) if char.isalpha())
            if letters < tone.caps_min_length or fold_term(match.group(0)) in allowed:
                continue
            if skipped.overlaps(span):
                continue
            found.append(violation("tone_caps", "warn", span=span, detail=match.group(0)))
    if tone.max_exclamations is not None:
        for match in _EXCLAMATIONS.finditer(doc.text):
            count = sum(_MARKS.get(char, 0) for char in match.group(0))
            if count > tone.max_exclamations and not doc.in_link(match.span()):
                found.append(
                    violation(
                        "tone_exclamations",
                        "warn",
                        span=match.span(),
                        detail=match.group(0),
                        count=count,
                    )
                )
    return found
