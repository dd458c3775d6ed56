"""What a rule would have done on the last days' messages, without doing anything."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.inbox import rules as matching
from tribune.inbox.models import Message, ModerationRule

MAX_MESSAGES = 20_000  # keeps a dry run within a couple of seconds
SAMPLE = 50


@dataclass
class DryRun:
    days: int
    evaluated: int = 0
    matched: int = 0
    truncated: bool = False
    actions: Counter[str] = field(default_factory=Counter)
    samples: list[tuple[Message, list[str], list[str]]] = field(default_factory=list)

    @property
    def action_counts(self) -> list[tuple[str, int]]:
        # A list, not the Counter: templates would read ``actions.items`` as a key.
        return sorted(self.actions.items())


def dry_run(brand: Brand, rule: ModerationRule, days: int = 30) -> DryRun:
    """Evaluate ``rule`` (saved or not) on the inbound messages of the last ``days``.
    Automatic replies are counted with the per-author limit applied."""
    result = DryRun(days=days)
    since = timezone.now() - timedelta(days=days)
    planned = matching.planned_actions(rule)
    replied_at: dict[int, list] = {}
    window = timedelta(hours=max(1, rule.auto_reply_hours))
    messages = (
        Message.objects.filter(brand=brand, direction=Message.Direction.IN, created_at__gte=since)
        .select_related("author", "account")
        .order_by("created_at", "id")
    )
    for message in messages[: MAX_MESSAGES + 1].iterator(chunk_size=1000):
        if result.evaluated == MAX_MESSAGES:
            result.truncated = True
            break
        result.evaluated += 1
        candidate = matching.Candidate.of(message, message.author, message.account.network)
        if not matching.matches(rule, candidate):
            continue
        result.matched += 1
        actions = [a for a in planned if a != "auto_reply"]
        if "auto_reply" in planned and message.author_id:
            times = replied_at.setdefault(message.author_id, [])
            if not times or message.created_at - times[-1] >= window:
                times.append(message.created_at)
                actions.append("auto_reply")
        result.actions.update(actions)
        if len(result.samples) < SAMPLE:
            words = matching.matched_keywords(rule, message.text)
            result.samples.append((message, actions, words))
    return result
