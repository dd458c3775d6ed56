"""Duplicate detection and one-click merge / un-merge.

Suggestions compare every active member pair that shares a signal:

- the same email address (an identity's email, or one written in a bio): 0.95
- a profile address (URL) of one member written in the other's bio, or the same
  personal site in both bios: 0.85
- the same display name (accents, case and word order ignored) and a cross-link (one's
  bio names the other's handle): 0.85; the same name alone on two networks: 0.6
- close names (RapidFuzz token-sort ratio ≥ 88 on accent-stripped names, so "Hélène
  Dupré-Lévêque" meets "helene dupre leveque"): 0.4 to 0.6 by similarity

Signals add up (capped at 0.99). A merge records which rows moved and both profiles as
they were, so that un-merge gives each member back exactly what was theirs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from itertools import combinations
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.community.models import (
    BriefingRecipient,
    Feedback,
    Identity,
    Interaction,
    Invitation,
    Member,
    Merge,
    MergeSuggestion,
)
from tribune.community.services.members import CommunityError, active_members
from tribune.core.audit import record_audit

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_RE = re.compile(r"https?://[^\s<>\"')]+", re.I)
HANDLE_RE = re.compile(r"(?<![\w@])@([\w][\w.-]{1,60})")
FUZZY_CUTOFF = 88.0
FULL_SCAN = 3000


def fold(name: str) -> str:
    """Lower case, accents removed, punctuation as spaces, words sorted."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(sorted(w for w in words if len(w) > 1 or w.isdigit()))


def _norm_url(url: str) -> str:
    url = re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/.,;")
    return url


def _signals(members: list[Member]) -> dict[int, dict[str, Any]]:
    by_member: dict[int, dict[str, Any]] = {}
    for member in members:
        emails: set[str] = set()
        urls: set[str] = set()
        bio_urls: set[str] = set()
        handles: set[str] = set()
        mentioned: set[str] = set()
        networks: set[str] = set()
        for identity in member.identities.all():
            networks.add(identity.network)
            if identity.email:
                emails.add(identity.email.lower())
            if identity.url:
                urls.add(_norm_url(identity.url))
            if identity.network not in (Identity.EMAIL, Identity.PHONE, Identity.WEB):
                handles.add(identity.handle.lower())
            if identity.network == Identity.WEB:
                urls.add(_norm_url(identity.handle))
            bio = identity.bio or ""
            emails |= {e.lower().rstrip(".") for e in EMAIL_RE.findall(bio)}
            bio_urls |= {_norm_url(u) for u in URL_RE.findall(bio)}
            mentioned |= {h.lower().rstrip(".") for h in HANDLE_RE.findall(bio)}
        by_member[member.pk] = {
            "emails": emails,
            "urls": urls,
            "bio_urls": bio_urls,
            "handles": handles,
            "mentioned": mentioned,
            "networks": networks,
            "name": fold(member.display_name),
        }
    return by_member


def score_pair(a: dict[str, Any], b: dict[str, Any], fuzzy: float) -> tuple[float, list[dict]]:
    reasons: list[dict[str, str]] = []
    confidence = 0.0
    shared = a["emails"] & b["emails"]
    if shared:
        confidence += 0.95
        reasons.append({"code": "email", "text": _("Same email address: %s") % min(shared)})
    linked = (a["urls"] & b["bio_urls"]) | (b["urls"] & a["bio_urls"])
    same_site = a["bio_urls"] & b["bio_urls"]
    if linked or same_site:
        confidence += 0.85
        reasons.append(
            {"code": "url", "text": _("Same address in the bio: %s") % min(linked or same_site)}
        )
    same_name = bool(a["name"]) and a["name"] == b["name"]
    cross = (a["mentioned"] & b["handles"]) | (b["mentioned"] & a["handles"])
    if same_name and cross:
        confidence += 0.85
        reasons.append(
            {
                "code": "crosslink",
                "text": _("Same name, and one bio links the other: @%s") % min(cross),
            }
        )
    elif same_name and a["networks"] != b["networks"]:
        confidence += 0.6
        reasons.append({"code": "name", "text": _("Same name on different networks")})
    elif same_name:
        confidence += 0.45
        reasons.append({"code": "name", "text": _("Same name")})
    elif fuzzy >= FUZZY_CUTOFF:
        confidence += 0.4 + (fuzzy - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF) * 0.2
        reasons.append({"code": "fuzzy", "text": _("Similar names (%d%% alike)") % round(fuzzy)})
    elif cross:
        confidence += 0.3
        reasons.append(
            {"code": "crosslink", "text": _("One bio links the other: @%s") % min(cross)}
        )
    return min(confidence, 0.99), reasons


def find_duplicates(brand: Brand, minimum: float = 0.4) -> list[tuple[int, int, float, list]]:
    from rapidfuzz import fuzz, process

    members = list(active_members().prefetch_related("identities"))
    signals = _signals(members)
    candidates: dict[tuple[int, int], float] = defaultdict(float)
    # Exact signals through inverted indexes (no pairwise scan).
    index: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pk, s in signals.items():
        for e in s["emails"]:
            index[("e", e)].add(pk)
        for u in s["urls"] | s["bio_urls"]:
            index[("u", u)].add(pk)
        for h in s["handles"] | s["mentioned"]:
            index[("h", h)].add(pk)
    for ids in index.values():
        if 1 < len(ids) <= 50:
            for a, b in combinations(sorted(ids), 2):
                candidates[(a, b)] += 0
    # Names: fuzzy matches (exact folded names score 100) among names of 5+ letters. Up
    # to FULL_SCAN people every pair is compared (C speed); above, only people sharing a
    # word of their name (a typo rarely hits every word).
    pks = [m.pk for m in members if len(signals[m.pk]["name"]) >= 5]
    groups: list[list[int]] = [pks]
    if len(pks) > FULL_SCAN:
        by_word: dict[str, list[int]] = defaultdict(list)
        for pk in pks:
            for word in set(signals[pk]["name"].split()):
                if len(word) >= 3:
                    by_word[word].append(pk)
        groups = [g for g in by_word.values() if 1 < len(g) <= 500]
    for group in groups:
        names = [signals[pk]["name"] for pk in group]
        if len(names) < 2:
            continue
        matrix = process.cdist(
            names, names, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_CUTOFF, workers=1
        )
        rows, cols = (matrix >= FUZZY_CUTOFF).nonzero()
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            if i < j:
                key = (min(group[i], group[j]), max(group[i], group[j]))
                candidates[key] = max(candidates[key], float(matrix[i, j]))
    found = []
    for (a, b), similarity in candidates.items():
        confidence, reasons = score_pair(signals[a], signals[b], similarity)
        if confidence >= minimum and reasons:
            found.append((a, b, confidence, reasons))
    return sorted(found, key=lambda f: -f[2])


def refresh_suggestions(brand: Brand) -> int:
    """Store new suggestions; dismissed and merged pairs stay as they were."""
    created = 0
    for a, b, confidence, reasons in find_duplicates(brand):
        suggestion, new = MergeSuggestion.objects.get_or_create(
            brand=brand,
            first_id=a,
            second_id=b,
            defaults={"confidence": confidence, "reasons": reasons},
        )
        if not new and suggestion.status == MergeSuggestion.Status.OPEN:
            suggestion.confidence, suggestion.reasons = confidence, reasons
            suggestion.save(update_fields=["confidence", "reasons"])
        created += new
    return created


SNAPSHOT = (
    "display_name",
    "languages",
    "location",
    "company",
    "tags",
    "notes",
    "email_consent",
    "email_consent_at",
    "email_consent_source",
    "stage",
    "tier",
    "perks",
)


def _snapshot(member: Member) -> dict[str, Any]:
    out = {}
    for field in SNAPSHOT:
        value = getattr(member, field)
        out[field] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _restore(member: Member, data: dict[str, Any]) -> None:
    from django.utils.dateparse import parse_datetime

    for field in SNAPSHOT:
        if field in data:
            value = data[field]
            if field == "email_consent_at" and value:
                value = parse_datetime(value)
            setattr(member, field, value)


# Rows that belong to a member and move with a merge. Invitations and briefing
# recipients are unique per (event|briefing, member): a clash stays with its owner.
MOVABLE: dict[str, tuple[type[models.Model], str]] = {
    "identity": (Identity, ""),
    "interaction": (Interaction, ""),
    "feedback": (Feedback, ""),
    "invitation": (Invitation, "event_id"),
    "briefing": (BriefingRecipient, "briefing_id"),
}


@transaction.atomic
def do_merge(survivor: Member, absorbed: Member, actor: User | None) -> Merge:
    if survivor.pk == absorbed.pk:
        raise CommunityError(_("A member cannot be merged with themselves."))
    survivor = Member.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Member.objects.select_for_update().get(pk=absorbed.pk)
    if not survivor.is_active or not absorbed.is_active:
        raise CommunityError(_("Only active members can be merged."))
    merge = Merge(
        brand=survivor.brand,
        survivor=survivor,
        absorbed=absorbed,
        survivor_before=_snapshot(survivor),
        absorbed_before=_snapshot(absorbed),
        merged_by=actor if getattr(actor, "pk", None) else None,
        merged_at=timezone.now(),
    )
    moved: dict[str, list[int]] = {}
    for key, (model, unique_with) in MOVABLE.items():
        rows = model._default_manager.filter(member=absorbed)
        if unique_with:
            taken = model._default_manager.filter(member=survivor).values_list(unique_with)
            rows = rows.exclude(**{f"{unique_with}__in": taken})
        ids = list(rows.values_list("pk", flat=True))
        model._default_manager.filter(pk__in=ids).update(member=survivor)
        moved[key] = ids
    merge.moved = moved
    # The survivor's profile completed with the other's.
    survivor.languages = sorted(set(survivor.languages) | set(absorbed.languages))
    survivor.tags = sorted(set(survivor.tags) | set(absorbed.tags))
    survivor.location = survivor.location or absorbed.location
    survivor.company = survivor.company or absorbed.company
    if absorbed.notes:
        survivor.notes = "\n\n".join(n for n in (survivor.notes, absorbed.notes) if n)
    if absorbed.email_consent_at and (
        not survivor.email_consent_at or absorbed.email_consent_at > survivor.email_consent_at
    ):
        survivor.email_consent = absorbed.email_consent
        survivor.email_consent_at = absorbed.email_consent_at
        survivor.email_consent_source = absorbed.email_consent_source
    survivor.save()
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into"])
    merge.save()
    MergeSuggestion.objects.filter(
        first__in=[survivor, absorbed], second__in=[survivor, absorbed]
    ).update(status=MergeSuggestion.Status.MERGED)
    record_audit(
        "community.merged",
        actor=actor,
        brand=survivor.brand,
        obj=merge,
        after={"survivor": survivor.pk, "absorbed": absorbed.pk, "moved": moved},
    )
    return merge


@transaction.atomic
def do_unmerge(merge: Merge, actor: User | None) -> Member:
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise CommunityError(_("This merge has already been undone."))
    survivor = Member.objects.select_for_update().get(pk=merge.survivor_id)
    absorbed = Member.objects.select_for_update().get(pk=merge.absorbed_id)
    if survivor.merged_into_id:
        raise CommunityError(
            _("%(name)s was merged again since: undo that merge first.") % {"name": survivor}
        )
    if survivor.erased_at or absorbed.erased_at:
        raise CommunityError(_("An erased member cannot be un-merged."))
    for key, (model, _unique) in MOVABLE.items():
        ids = merge.moved.get(key, [])
        model._default_manager.filter(pk__in=ids).update(member=absorbed)
    _restore(survivor, merge.survivor_before)
    survivor.save()
    _restore(absorbed, merge.absorbed_before)
    absorbed.merged_into = None
    absorbed.save()
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    MergeSuggestion.objects.filter(
        first__in=[survivor, absorbed], second__in=[survivor, absorbed]
    ).update(status=MergeSuggestion.Status.DISMISSED)
    record_audit(
        "community.unmerged",
        actor=actor,
        brand=survivor.brand,
        obj=merge,
        after={"survivor": survivor.pk, "absorbed": absorbed.pk},
    )
    return absorbed
