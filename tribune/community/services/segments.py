"""Segments: saved filters over members, and computed segments (k-means on behaviour
and vocabulary) described in words."""

from __future__ import annotations

import contextlib
import math
from collections import Counter, defaultdict
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand
from tribune.community.models import Interaction, Level, Member, Segment, Stage
from tribune.community.services.members import active_members

FILTER_KEYS = ("level", "stage", "tag", "language", "network", "min_score", "consent", "q")

GROUPS = {
    "conversation": ("mention", "reply", "quote", "dm"),
    "amplification": ("repost", "like", "share", "follow"),
    "offline": ("email", "call", "sms", "im", "meetup", "gift", "attended", "rsvp"),
}


def clean_filters(data: Any) -> dict[str, str]:
    return {k: str(data.get(k, "")).strip()[:100] for k in FILTER_KEYS if data.get(k)}


def apply_filters(filters: dict[str, str]) -> QuerySet[Member]:
    rows = active_members()
    if filters.get("level") in Level.values:
        rows = rows.filter(level=filters["level"])
    if filters.get("stage") in Stage.values:
        rows = rows.filter(stage=filters["stage"])
    if filters.get("tag"):
        rows = rows.filter(tags__icontains=f'"{filters["tag"].lower()}"')
    if filters.get("language"):
        rows = rows.filter(languages__icontains=f'"{filters["language"].lower()}"')
    if filters.get("network"):
        rows = rows.filter(identities__network=filters["network"]).distinct()
    if filters.get("min_score"):
        with contextlib.suppress(ValueError):
            rows = rows.filter(score__gte=float(filters["min_score"]))
    if filters.get("consent") == "yes":
        rows = rows.filter(email_consent=True)
    if filters.get("q"):
        q = filters["q"]
        rows = rows.filter(
            Q(display_name__icontains=q) | Q(identities__handle__icontains=q.lstrip("@"))
        ).distinct()
    return rows


def describe_filters(filters: dict[str, str]) -> str:
    parts = []
    if filters.get("level"):
        parts.append(
            _("level %s") % Level(filters["level"]).label
            if filters["level"] in Level.values
            else filters["level"]
        )
    if filters.get("stage") in Stage.values and filters.get("stage"):
        parts.append(_("outreach stage %s") % Stage(filters["stage"]).label)
    if filters.get("tag"):
        parts.append(_("tagged “%s”") % filters["tag"])
    if filters.get("language"):
        parts.append(_("speaks %s") % filters["language"])
    if filters.get("network"):
        parts.append(_("present on %s") % filters["network"])
    if filters.get("min_score"):
        parts.append(_("score at least %s") % filters["min_score"])
    if filters.get("consent") == "yes":
        parts.append(_("accepts emails"))
    if filters.get("q"):
        parts.append(_("name or handle contains “%s”") % filters["q"])
    return ", ".join(str(p) for p in parts) or _("every member")


def segment_members(segment: Segment) -> QuerySet[Member]:
    if segment.kind == Segment.Kind.COMPUTED:
        return active_members().filter(pk__in=segment.member_ids)
    return apply_filters(segment.filters)


def _features(members: list[Member]) -> tuple[np.ndarray, dict[int, Counter]]:
    counts: dict[int, Counter] = defaultdict(Counter)
    words: dict[int, Counter] = defaultdict(Counter)
    from tribune.analysis.normalize import lexical_tokens
    from tribune.analysis.vocabulary import EN_FUNCTION_WORDS, FR_FUNCTION_WORDS

    stop = FR_FUNCTION_WORDS | EN_FUNCTION_WORDS

    for member_id, kind, summary in Interaction.objects.filter(member__in=members).values_list(
        "member_id", "kind", "summary"
    ):
        counts[member_id][kind] += 1
        if kind in GROUPS["conversation"]:
            words[member_id].update(
                t for t in lexical_tokens(summary or "") if len(t) > 3 and t not in stop
            )
    rows = []
    for m in members:
        c = counts[m.pk]
        total = sum(c.values()) or 1
        rows.append(
            [
                math.log1p(m.activity),
                m.reach,
                m.sentiment,
                *(sum(c[k] for k in GROUPS[g]) / total for g in GROUPS),
            ]
        )
    return np.asarray(rows, dtype=np.float64), words


def _kmeans(x: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=k, replace=False)]
    labels = np.zeros(len(x), dtype=int)
    for _round in range(50):
        distances = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = distances.argmin(axis=1)
        if _round and np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            if (labels == c).any():
                centres[c] = x[labels == c].mean(axis=0)
    return labels


FEATURE_NAMES = ("activity", "reach", "sentiment", "conversation", "amplification", "offline")


def _describe(centre: np.ndarray, words: Counter) -> str:
    """Words for the features that set this group apart (z-scores of its centre)."""
    phrases = {
        ("activity", True): _("very active"),
        ("activity", False): _("rarely active"),
        ("reach", True): _("large audiences"),
        ("reach", False): _("small audiences"),
        ("sentiment", True): _("positive about the brand"),
        ("sentiment", False): _("critical of the brand"),
        ("conversation", True): _("talk with the brand"),
        ("amplification", True): _("mostly like and repost"),
        ("offline", True): _("met offline or at events"),
    }
    picked = []
    for index in np.argsort(-np.abs(centre)):
        name = FEATURE_NAMES[int(index)]
        if abs(centre[index]) < 0.5:
            break
        phrase = phrases.get((name, bool(centre[index] > 0)))
        if phrase:
            picked.append(str(phrase))
        if len(picked) == 3:
            break
    text = ", ".join(picked) or _("average on every measure")
    top = [w for w, _n in words.most_common(3)]
    if top:
        text += " — " + _("talk about %s") % ", ".join(top)
    return text[0].upper() + text[1:]


def compute_segments(brand: Brand, k: int = 0) -> list[Segment]:
    """Replace the computed segments with a fresh clustering of active members."""
    members = list(active_members().filter(score__gt=0))
    Segment.objects.filter(kind=Segment.Kind.COMPUTED).delete()
    if len(members) < 4:
        return []
    x, words = _features(members)
    std = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(std > 0, std, 1)
    k = k or max(2, min(6, round(math.sqrt(len(members) / 3))))
    labels = _kmeans(z, min(k, len(members)))
    created = []
    for c in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == c)
        vocab: Counter = Counter()
        for i in idx:
            vocab.update(words[members[i].pk])
        description = _describe(z[idx].mean(axis=0), vocab)
        created.append(
            Segment.objects.create(
                brand=brand,
                kind=Segment.Kind.COMPUTED,
                name=_("Group %(n)d (%(count)d people)") % {"n": c + 1, "count": len(idx)},
                description=description,
                member_ids=[members[i].pk for i in idx],
            )
        )
    return created
