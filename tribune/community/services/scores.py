"""Scores, levels and opinion leaders. Every formula is written here once and shown to
users as is (``FORMULAS``), so that a score can always be explained.

- activity = Σ weight(kind) × ½^(age in days / 30) over the member's interactions
- reach = log10(1 + largest follower count) / 6, capped at 1 (1 M followers → 1)
- sentiment = (positive − negative) / interactions with a sentiment, decayed the same way
- influence = PageRank in the brand's interaction graph × number of people (1 = average)
- score = activity × (1 + sentiment / 2) + 20 × reach + 5 × min(influence, 10)
- level: ambassador when enrolled in the programme; core from score 40 with an
  interaction in the last 30 days; regular from score 10; newcomer below.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.community.models import Identity, Interaction, Level, Member, Stage
from tribune.webhooks import hooks as webhook_hooks

HALF_LIFE_DAYS = 30.0
WEIGHTS = {
    "mention": 3.0,
    "reply": 3.0,
    "quote": 4.0,
    "dm": 2.0,
    "repost": 2.0,
    "like": 0.5,
    "follow": 1.0,
    "rsvp": 2.0,
    "attended": 8.0,
    "share": 6.0,
    "briefing": 0.0,
    "email": 1.0,
    "call": 2.0,
    "sms": 1.0,
    "im": 1.0,
    "meetup": 6.0,
    "gift": 0.0,
}
REGULAR_FROM = 10.0
CORE_FROM = 40.0
CORE_RECENT_DAYS = 30
RISING_WINDOW_DAYS = 7

FORMULAS = [
    (_("Activity"), _("sum of weight × ½^(age in days ÷ 30) over every interaction")),
    (_("Reach"), _("log10(1 + followers) ÷ 6, at most 1 (1 million followers = 1)")),
    (_("Sentiment"), _("(positive − negative) ÷ interactions with a sentiment, decayed")),
    (_("Influence"), _("PageRank in the brand's interaction graph × people (1 = average)")),
    (_("Score"), _("activity × (1 + sentiment ÷ 2) + 20 × reach + 5 × min(influence, 10)")),
    (
        _("Level"),
        _(
            "ambassador: in the ambassador programme; core: score ≥ 40 and active in the last "
            "30 days; regular: score ≥ 10; newcomer: below"
        ),
    ),
]

HANDLE_RE = re.compile(r"(?<![\w@])@([\w][\w.-]{1,60})")


@dataclass
class Parts:
    activity: float = 0.0
    positive: float = 0.0
    negative: float = 0.0
    rated: float = 0.0
    last_at: datetime | None = None


def decay(age: timedelta) -> float:
    return float(0.5 ** (max(age.total_seconds(), 0) / 86400 / HALF_LIFE_DAYS))


def _parts(rows: list[tuple[int, str, str, datetime]], now: datetime) -> dict[int, Parts]:
    parts: dict[int, Parts] = defaultdict(Parts)
    for member_id, kind, sentiment, at in rows:
        if at > now:
            continue
        p = parts[member_id]
        d = decay(now - at)
        p.activity += WEIGHTS.get(kind, 1.0) * d
        if sentiment in ("positive", "negative", "neutral"):
            p.rated += d
            p.positive += d if sentiment == "positive" else 0
            p.negative += d if sentiment == "negative" else 0
        if p.last_at is None or at > p.last_at:
            p.last_at = at
    return parts


def combine(activity: float, sentiment: float, reach: float, influence: float) -> float:
    return activity * (1 + sentiment / 2) + 20 * reach + 5 * min(influence, 10.0)


def level_for(score: float, stage: str, last_at: datetime | None, now: datetime) -> str:
    if stage == Stage.AMBASSADOR:
        return Level.AMBASSADOR
    recent = last_at is not None and now - last_at <= timedelta(days=CORE_RECENT_DAYS)
    if score >= CORE_FROM and recent:
        return Level.CORE
    if score >= REGULAR_FROM:
        return Level.REGULAR
    return Level.NEWCOMER


def interaction_graph(
    members: list[Member], now: datetime, topic: str = ""
) -> tuple[dict[int, float], dict[int, int]]:
    """PageRank and community of each member in the brand's interaction graph.

    Nodes are members and the brand. An interaction by a member is an edge member →
    brand; a member whose text names another member's handle (@handle, same network)
    gives member → member. Edge weights are decayed like activity, so recent talk counts
    more. ``topic`` keeps only interactions whose text contains it."""
    import igraph

    ids = [m.pk for m in members]
    index = {pk: i + 1 for i, pk in enumerate(ids)}  # 0 is the brand
    handles: dict[tuple[str, str], int] = {}
    for identity in Identity.objects.filter(member_id__in=ids).values_list(
        "network", "handle", "member_id"
    ):
        handles[(identity[0], identity[1])] = identity[2]
    weights: dict[tuple[int, int], float] = defaultdict(float)
    rows = Interaction.objects.filter(member_id__in=ids, occurred_at__lte=now).exclude(
        kind__in=["briefing", "gift"]
    )
    if topic:
        rows = rows.filter(summary__icontains=topic)
    for member_id, channel, summary, at in rows.values_list(
        "member_id", "channel", "summary", "occurred_at"
    ):
        d = decay(now - at)
        source = index[member_id]
        weights[(source, 0)] += d
        for handle in HANDLE_RE.findall(summary or ""):
            target = handles.get((channel, handle.lower().rstrip(".")))
            if target and target != member_id and target in index:
                weights[(source, index[target])] += d
    if not weights:
        return {}, {}
    graph = igraph.Graph(n=len(ids) + 1, edges=list(weights), directed=True)
    graph.es["weight"] = list(weights.values())
    ranks = graph.pagerank(weights="weight", directed=True)
    scale = len(ids) + 1
    linked = {a for a, _b in weights} | {b for _a, b in weights}
    # People outside the graph (no interaction, or none on the topic) have no influence.
    influence = {pk: ranks[index[pk]] * scale for pk in ids if index[pk] in linked}
    # Communities among members only (the brand would glue everyone together).
    people = graph.subgraph(range(1, len(ids) + 1)).as_undirected(
        mode="collapse", combine_edges="sum"
    )
    clusters: dict[int, int] = {}
    if people.ecount():
        membership = people.community_multilevel(weights="weight").membership
        sizes: dict[int, int] = defaultdict(int)
        for c in membership:
            sizes[c] += 1
        for pk, c in zip(ids, membership, strict=True):
            if sizes[c] > 1:
                clusters[pk] = c
    return influence, clusters


def _reach(members: list[Member]) -> dict[int, float]:
    best: dict[int, int] = defaultdict(int)
    for member_id, followers in Identity.objects.filter(
        member_id__in=[m.pk for m in members], followers__isnull=False
    ).values_list("member_id", "followers"):
        best[member_id] = max(best[member_id], followers or 0)
    return {pk: min(1.0, math.log10(1 + f) / 6) for pk, f in best.items()}


def score_brand(brand: Brand, now: datetime | None = None) -> int:
    """Recompute every active member's scores and level (one query per table)."""
    now = now or timezone.now()
    earlier = now - timedelta(days=RISING_WINDOW_DAYS)
    members = list(Member.objects.filter(merged_into__isnull=True, erased_at__isnull=True))
    if not members:
        return 0
    rows = list(
        Interaction.objects.filter(member__in=members).values_list(
            "member_id", "kind", "sentiment", "occurred_at"
        )
    )
    current, before = _parts(rows, now), _parts(rows, earlier)
    reach = _reach(members)
    influence, clusters = interaction_graph(members, now)
    with transaction.atomic():
        for member in members:
            p, q = current[member.pk], before[member.pk]
            sentiment = (p.positive - p.negative) / p.rated if p.rated else 0.0
            old_sentiment = (q.positive - q.negative) / q.rated if q.rated else 0.0
            r, inf = reach.get(member.pk, 0.0), influence.get(member.pk, 0.0)
            member.activity = round(p.activity, 3)
            member.sentiment = round(sentiment, 3)
            member.reach = round(r, 3)
            member.influence = round(inf, 4)
            member.score = round(combine(p.activity, sentiment, r, inf), 2)
            member.previous_score = round(combine(q.activity, old_sentiment, r, 0.0), 2)
            before_level = member.level
            member.level = level_for(member.score, member.stage, p.last_at, now)
            webhook_hooks.member_level_changed(member, before_level)
            member.cluster = clusters.get(member.pk)
            member.score_details = {
                "activity": member.activity,
                "sentiment": member.sentiment,
                "reach": member.reach,
                "influence": member.influence,
                "last_interaction": p.last_at.isoformat() if p.last_at else None,
            }
            member.scored_at = now
        Member.objects.bulk_update(
            members,
            [
                "activity",
                "sentiment",
                "reach",
                "influence",
                "score",
                "previous_score",
                "level",
                "cluster",
                "score_details",
                "scored_at",
            ],
            batch_size=500,
        )
    return len(members)


def explain(member: Member) -> list[tuple[str, str]]:
    """The member's score as a worked sum, for the profile page."""
    d = member.score_details or {}
    a, s = d.get("activity", 0.0), d.get("sentiment", 0.0)
    r, i = d.get("reach", 0.0), d.get("influence", 0.0)
    return [
        (str(_("Activity")), f"{a:.1f}"),
        (str(_("Sentiment")), f"{s:+.2f}"),
        (str(_("Reach")), f"{r:.2f}"),
        (str(_("Influence")), f"{i:.2f}"),
        (
            str(_("Score")),
            f"{a:.1f} × (1 + {s:+.2f} ÷ 2) + 20 × {r:.2f} + 5 × {min(i, 10):.2f} = "
            f"{combine(a, s, r, i):.1f}",
        ),
    ]


def rising(limit: int = 10) -> list[Member]:
    members = list(
        Member.objects.filter(merged_into__isnull=True, erased_at__isnull=True, score__gt=0)
    )
    members.sort(key=lambda m: -(m.score - m.previous_score))
    return [m for m in members if m.score > m.previous_score][:limit]


def leaders(brand: Brand, topic: str = "", limit: int = 20) -> list[tuple[Member, float]]:
    members = list(Member.objects.filter(merged_into__isnull=True, erased_at__isnull=True))
    if topic:
        influence, _clusters = interaction_graph(members, timezone.now(), topic)
    else:
        influence = {m.pk: m.influence for m in members}
    by_pk = {m.pk: m for m in members}
    ranked = sorted(influence.items(), key=lambda kv: -kv[1])
    return [(by_pk[pk], value) for pk, value in ranked[:limit] if value > 0]
