"""Does a moderation rule match a message? Pure functions, no database.

Keywords are matched with the charter engine (``tribune.strategy.rules.matching``):
case- and accent-insensitive whole words ("arnaque" finds "ARNAQUÉ" and "#arnaque",
not "arnaqueur" unless the term ends with ``*``), never inside a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tribune.inbox import conf
from tribune.inbox.models import AuthorCondition, Identity, Message, ModerationRule
from tribune.strategy.rules.fields import RulesError
from tribune.strategy.rules.fields import term as check_term
from tribune.strategy.rules.matching import Document, find_term


@dataclass(frozen=True)
class Candidate:
    """What rules look at, for a stored message or one being stored."""

    text: str
    language: str
    sentiment: str
    toxicity: float
    network: str
    kind: str
    followers: int | None
    blocked: bool

    @classmethod
    def of(cls, message: Message, author: Identity | None, network: str) -> Candidate:
        return cls(
            text=message.text,
            language=message.language,
            sentiment=message.sentiment,
            toxicity=message.toxicity,
            network=network,
            kind=message.kind,
            followers=author.followers if author else None,
            blocked=bool(author and author.blocked),
        )


def parse_keywords(text: str) -> list[dict[str, str]]:
    """One term per line (or separated by commas); a final ``*`` asks for a prefix match.
    Raises ``ValueError`` naming the line."""
    found: list[dict[str, str]] = []
    for number, line in enumerate(text.replace(",", "\n").splitlines(), start=1):
        raw = line.strip()
        if not raw:
            continue
        prefix = raw.endswith("*")
        term = raw.rstrip("*").strip()
        try:
            check_term(term)
        except RulesError as exc:
            raise ValueError(f"{number}: {term!r}: {exc}") from None
        found.append({"term": term, "match": "prefix" if prefix else "word"})
    return found


def keywords_text(keywords: list[dict[str, Any]]) -> str:
    return "\n".join(k["term"] + ("*" if k.get("match") == "prefix" else "") for k in keywords)


def has_condition(rule: ModerationRule) -> bool:
    return bool(
        rule.keywords
        or rule.languages
        or rule.sentiments
        or rule.networks
        or rule.kinds
        or rule.min_toxicity is not None
        or rule.author_condition
    )


def matched_keywords(rule: ModerationRule, text: str) -> list[str]:
    if not rule.keywords:
        return []
    doc = Document.of(text)
    return [
        k["term"]
        for k in rule.keywords
        if find_term(doc, k["term"], prefix=k.get("match") == "prefix")
    ]


def _author_ok(rule: ModerationRule, candidate: Candidate) -> bool:
    followers = candidate.followers
    vip = (followers or 0) >= conf.vip_followers()
    match rule.author_condition:
        case AuthorCondition.NEW:
            return followers is None or followers < rule.new_account_followers
        case AuthorCondition.BLOCKED:
            return candidate.blocked
        case AuthorCondition.VIP:
            return vip
        case AuthorCondition.NOT_VIP:
            return not vip
    return True


def matches(rule: ModerationRule, candidate: Candidate) -> bool:
    """Every condition the rule sets must hold; a rule without conditions never matches."""
    if not has_condition(rule):
        return False
    checks = (
        not rule.languages or candidate.language in rule.languages,
        not rule.sentiments or candidate.sentiment in rule.sentiments,
        not rule.networks or candidate.network in rule.networks,
        not rule.kinds or candidate.kind in rule.kinds,
        rule.min_toxicity is None or candidate.toxicity >= rule.min_toxicity,
        _author_ok(rule, candidate),
    )
    if not all(checks):
        return False
    return not rule.keywords or bool(matched_keywords(rule, candidate.text))


def planned_actions(rule: ModerationRule) -> list[str]:
    """The rule's actions, as ``RuleAction.Action`` values, in the order they run."""
    actions = []
    if rule.action_hide:
        actions.append("hide")
    if rule.action_flag:
        actions.append("flag")
    if rule.action_tag_id or rule.action_tag is not None:  # unsaved tag: a dry run
        actions.append("tag")
    if rule.action_assign_id:
        actions.append("assign")
    if rule.action_auto_reply.strip():
        actions.append("auto_reply")
    if rule.action_escalate:
        actions.append("escalate")
    return actions
