"""A/B tests: two texts for the same message, split across time or across accounts.

The winner is the text with the higher engagement rate ((likes + replies + reposts +
quotes) / impressions, summed over its accounts at their latest figures), declared only
once both sides have at least ``MIN_IMPRESSIONS`` impressions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from tribune.accounts.models import Brand, User
from tribune.networks.models import SocialAccount
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus
from tribune.publishing.workflow import do_save_post

MIN_IMPRESSIONS = 200


@dataclass(frozen=True)
class Side:
    post: Post
    impressions: int
    engagement: int

    @property
    def rate(self) -> float | None:
        return 100 * self.engagement / self.impressions if self.impressions else None


@transaction.atomic
def do_create_ab_test(
    brand: Brand,
    author: User,
    *,
    text_a: str,
    text_b: str,
    accounts: list[SocialAccount],
    scheduled_at: datetime | None,
    split: str = "time",
    delay_hours: int = 24,
    **common: Any,
) -> list[Post]:
    """Two posts sharing ``ab_group``. ``split="time"``: same accounts, B ``delay_hours``
    later; ``split="accounts"``: the accounts alternate between A and B."""
    group = uuid.uuid4()
    if split == "accounts" and len(accounts) >= 2:
        plans = [(text_a, accounts[0::2], scheduled_at), (text_b, accounts[1::2], scheduled_at)]
    else:
        later = scheduled_at + timedelta(hours=delay_hours) if scheduled_at else None
        plans = [(text_a, accounts, scheduled_at), (text_b, accounts, later)]
    posts = []
    for label, (text, targets, when) in zip("AB", plans, strict=True):
        post = do_save_post(
            brand, author, text=text, accounts=list(targets), scheduled_at=when, **common
        )
        Post.objects.filter(pk=post.pk).update(ab_group=group, ab_label=label)
        post.ab_group, post.ab_label = group, label
        posts.append(post)
    return posts


def compare(post: Post) -> tuple[list[Side], Side | None]:
    """Both sides of ``post``'s A/B test, and the winner when it can be called."""
    if post.ab_group is None:
        return [], None
    sides = []
    for member in Post.objects.filter(ab_group=post.ab_group).order_by("ab_label"):
        latest: dict[int, PostMetricSnapshot] = {}
        for row in PostMetricSnapshot.objects.filter(variant__post=member).order_by("at"):
            latest[row.variant_id] = row
        sides.append(
            Side(
                member,
                sum(r.impressions or 0 for r in latest.values()),
                sum(r.engagement or 0 for r in latest.values()),
            )
        )
    ready = len(sides) == 2 and all(
        s.post.status == PostStatus.PUBLISHED and s.impressions >= MIN_IMPRESSIONS for s in sides
    )
    winner = max(sides, key=lambda s: s.rate or 0) if ready else None
    return sides, winner
