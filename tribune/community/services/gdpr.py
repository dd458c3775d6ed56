"""GDPR: export everything about a member (JSON + readable HTML) and erase a member.

Erasure removes the member (and the members merged into them), their identities,
interactions, invitations, briefing deliveries and feedback; blanks the personal data
that inbox and listening keep about the same person (author rows, texts, addresses);
then sweeps every text, char and JSON column of every brand-owned table for the
person's identifiers (handles, emails, phone numbers, addresses, full names) and
replaces them with "[erased]". One audit entry records the erasure with counts only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from tribune.accounts.models import Brand, User
from tribune.community.models import (
    BriefingRecipient,
    Feedback,
    Identity,
    Interaction,
    Invitation,
    Member,
    Merge,
)
from tribune.core.audit import record_audit

ERASED = "[erased]"


def _group(member: Member) -> list[Member]:
    """The member and everyone merged into them (the same person)."""
    found, todo = [member], [member.pk]
    while todo:
        children = list(Member.objects.filter(merged_into_id__in=todo))
        found += children
        todo = [c.pk for c in children]
    return found


def _linked_inbox_identities(identities: list[Identity]) -> Any:
    from tribune.inbox.models import Identity as InboxIdentity

    q = Q(pk__in=[i.inbox_identity_id for i in identities if i.inbox_identity_id])
    for i in identities:
        q |= Q(network=i.network, handle__iexact=i.handle)
    return InboxIdentity.objects.filter(q)


def _linked_mentions(identities: list[Identity]) -> Any:
    from tribune.listening.models import Mention

    q = Q(pk__in=[])
    for i in identities:
        q |= Q(network=i.network, author__iexact=i.handle)
    return Mention.objects.filter(q)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_member(member: Member) -> dict[str, Any]:
    group = _group(member)
    identities = list(Identity.objects.filter(member__in=group))
    inbox_ids = list(_linked_inbox_identities(identities))
    from tribune.inbox.models import Message

    def row(obj: models.Model, fields: list[str]) -> dict[str, Any]:
        return {f: _iso(getattr(obj, f)) for f in fields}

    return {
        "exported_at": timezone.now().isoformat(),
        "brand": member.brand.name,
        "member": row(
            member,
            [
                "display_name",
                "languages",
                "location",
                "company",
                "tags",
                "notes",
                "email_consent",
                "email_consent_at",
                "email_consent_source",
                "level",
                "score",
                "stage",
                "tier",
                "perks",
                "created_at",
            ],
        ),
        "merged_profiles": [m.display_name for m in group[1:]],
        "identities": [
            row(
                i,
                ["network", "handle", "display_name", "url", "email", "phone", "bio", "followers"],
            )
            for i in identities
        ],
        "interactions": [
            row(i, ["kind", "channel", "occurred_at", "summary", "url", "sentiment"])
            for i in Interaction.objects.filter(member__in=group).order_by("occurred_at")
        ],
        "events": [
            {
                "event": inv.event.title,
                "starts_at": _iso(inv.event.starts_at),
                **row(
                    inv,
                    [
                        "status",
                        "email",
                        "responded_at",
                        "checked_in_at",
                        "survey_rating",
                        "survey_answer",
                    ],
                ),
            }
            for inv in Invitation.objects.filter(member__in=group).select_related("event")
        ],
        "briefings": [
            {
                "briefing": r.briefing.title,
                **row(
                    r, ["email", "sent_at", "opened_at", "clicks", "shared_at", "broke_embargo_at"]
                ),
            }
            for r in BriefingRecipient.objects.filter(member__in=group).select_related("briefing")
        ],
        "feedback": [
            row(f, ["received_at", "source", "category", "sentiment", "text"])
            for f in Feedback.objects.filter(member__in=group)
        ],
        "inbox_messages": [
            row(m, ["created_at", "kind", "text", "url"])
            for m in Message.objects.filter(author__in=inbox_ids, direction="in")
        ],
        "listening_mentions": [
            row(m, ["published_at", "network", "author", "text", "url"])
            for m in _linked_mentions(identities)
        ],
    }


def export_json(member: Member) -> str:
    return json.dumps(export_member(member), ensure_ascii=False, indent=2)


def identifiers(member: Member) -> set[str]:
    """Strings that identify the person: what the sweep and the tests look for."""
    group = _group(member)
    found: set[str] = set()
    for m in group:
        if len(m.display_name) >= 6 or " " in m.display_name.strip():
            found.add(m.display_name.strip())
    for i in Identity.objects.filter(member__in=group):
        for value in (i.handle, i.email, i.phone, i.url):
            if value and len(value) >= 4:
                found.add(value)
        if i.display_name and (len(i.display_name) >= 6 or " " in i.display_name.strip()):
            found.add(i.display_name.strip())
    return {f for f in found if f.strip()}


def _brand_models() -> list[type[models.Model]]:
    out = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "brand" in names:
            out.append(model)
    return out


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _scrub(value: Any, patterns: list[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        for p in patterns:
            value = p.sub(ERASED, value)
        return value
    if isinstance(value, list):
        return [_scrub(v, patterns) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, patterns) for k, v in value.items()}
    return value


def sweep(brand: Brand, strings: set[str]) -> int:
    """Replace the strings in every text/char/JSON column of the brand's rows."""
    if not strings:
        return 0
    ordered = sorted(strings, key=len, reverse=True)
    patterns = [re.compile(re.escape(s), re.I) for s in ordered]
    changed = 0
    for model in _brand_models():
        fields = [
            f
            for f in model._meta.get_fields()
            if isinstance(f, TEXT_FIELDS) and f.concrete and not f.primary_key
        ]
        if not fields:
            continue
        manager = model._base_manager
        rows = manager.filter(brand=brand)
        # Text columns are searched by the database; JSON ones are read and searched
        # here (SQLite stores non-ASCII characters escaped inside JSON text).
        q = Q()
        for f in fields:
            if not isinstance(f, models.JSONField):
                for s in ordered:
                    q |= Q(**{f"{f.attname}__icontains": s})
        json_fields = [f for f in fields if isinstance(f, models.JSONField)]
        candidates = set(rows.filter(q).values_list("pk", flat=True)) if q else set()
        lowered = [s.lower() for s in ordered]
        for f in json_fields:
            for pk, value in rows.exclude(**{f"{f.attname}__isnull": True}).values_list(
                "pk", f.attname
            ):
                text = json.dumps(value, ensure_ascii=False).lower()
                if any(s in text for s in lowered):
                    candidates.add(pk)
        for obj in manager.filter(pk__in=candidates):
            updates = []
            for f in fields:
                old = getattr(obj, f.attname)
                new = _scrub(old, patterns)
                if new != old:
                    if isinstance(f, models.CharField) and f.max_length:
                        new = new[: f.max_length]
                    setattr(obj, f.attname, new)
                    updates.append(f.attname)
            if updates:
                values = {u: getattr(obj, u) for u in updates}
                try:
                    with transaction.atomic():
                        manager.filter(pk=obj.pk).update(**values)
                except IntegrityError:  # a unique column: make the placeholder unique
                    unique = f"[erased-{obj.pk}]"
                    manager.filter(pk=obj.pk).update(
                        **{
                            k: v.replace(ERASED, unique) if isinstance(v, str) else v
                            for k, v in values.items()
                        }
                    )
                changed += 1
    return changed


@transaction.atomic
def do_erase(member: Member, actor: User | None, ip_address: str | None = None) -> dict[str, int]:
    from tribune.inbox.models import Message, Thread

    brand = member.brand
    group = _group(member)
    identities = list(Identity.objects.filter(member__in=group))
    strings = identifiers(member)
    counts: dict[str, int] = {}
    # Inbox: the author rows lose every personal field; their messages lose their text.
    inbox_rows = list(_linked_inbox_identities(identities))
    messages = Message.objects.filter(author__in=inbox_rows)
    counts["inbox_messages"] = messages.update(text="", url="", author=None)
    Thread.objects.filter(author__in=inbox_rows).update(
        last_text="", last_author_label="", author=None
    )
    for row in inbox_rows:
        row.remote_id = f"erased-{row.pk}"
        row.handle = ERASED
        row.display_name = ""
        row.avatar_url = ""
        row.followers = None
        row.lang = ""
        row.save()
    counts["inbox_identities"] = len(inbox_rows)
    # Listening: the mentions stay counted (volumes, alerts) without who or what.
    mentions = _linked_mentions(identities)
    counts["mentions"] = 0
    for mention in mentions:
        mention.author = ""
        mention.text = ""
        mention.title = ""
        mention.url = ""
        mention.key = f"erased:{mention.pk}"
        mention.save(update_fields=["author", "text", "title", "url", "key"])
        counts["mentions"] += 1
    # Community rows.
    counts["identities"] = len(identities)
    counts["interactions"] = Interaction.objects.filter(member__in=group).count()
    counts["feedback"] = Feedback.objects.filter(member__in=group).delete()[0]
    Merge.objects.filter(Q(survivor__in=group) | Q(absorbed__in=group)).delete()
    ids = [m.pk for m in group]
    Member.objects.filter(pk__in=ids).update(merged_into=None)
    Member.objects.filter(pk__in=ids).delete()  # cascades: identities, interactions, …
    counts["swept_rows"] = sweep(brand, strings)
    counts["members"] = len(ids)
    record_audit(
        "community.member_erased",
        actor=actor,
        brand=brand,
        after={"member_ids": ids, **counts},
        ip_address=ip_address,
    )
    return counts
