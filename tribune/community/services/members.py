"""Members and identities: creation, profile edits, consent, manual interactions, and
the sync that links inbox and listening authors (by network + handle) to members."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.community.models import Identity, Interaction, Member, SyncCursor
from tribune.core.audit import record_audit
from tribune.networks.base import NetworkError

logger = logging.getLogger(__name__)

NETWORK_KINDS = {"mention", "reply", "quote", "dm", "repost", "like", "follow"}
_PHONE_CLEAN = re.compile(r"[^\d+]")


class CommunityError(ValueError):
    """Input a person can fix; the message is shown as is."""


def normalize_handle(network: str, handle: str) -> str:
    handle = handle.strip()
    if network == Identity.PHONE:
        return _PHONE_CLEAN.sub("", handle)
    if network == Identity.WEB:
        return handle.lower().rstrip("/")
    return handle.lstrip("@").lower()


def find_identity(network: str, handle: str) -> Identity | None:
    return (
        Identity.objects.select_related("member")
        .filter(network=network, handle=normalize_handle(network, handle))
        .first()
    )


def active_members() -> Any:
    return Member.objects.filter(merged_into__isnull=True, erased_at__isnull=True)


def live_member(member: Member) -> Member:
    """Follow ``merged_into`` to the member that holds the person now."""
    seen = set()
    while member.merged_into_id and member.pk not in seen:
        seen.add(member.pk)
        member = Member.objects.get(pk=member.merged_into_id)
    return member


def identity_for(
    brand: Brand,
    network: str,
    handle: str,
    *,
    display_name: str = "",
    followers: int | None = None,
    bio: str = "",
    url: str = "",
    lang: str = "",
    inbox_identity_id: int | None = None,
) -> Identity:
    """The identity for (network, handle), creating a new member for an unknown one."""
    key = normalize_handle(network, handle)
    found = Identity.objects.select_related("member").filter(network=network, handle=key).first()
    if found is not None:
        changed = []
        for field, value in (
            ("followers", followers),
            ("bio", bio),
            ("display_name", display_name),
            ("inbox_identity_id", inbox_identity_id),
        ):
            if value and getattr(found, field) != value:
                setattr(found, field, value)
                changed.append(field)
        if changed:
            found.save(update_fields=changed)
        return found
    member = Member.objects.create(
        brand=brand,
        display_name=display_name or handle,
        languages=[lang] if lang and lang != "und" else [],
    )
    try:
        with transaction.atomic():
            return Identity.objects.create(
                brand=brand,
                member=member,
                network=network,
                handle=key,
                display_name=display_name,
                followers=followers,
                bio=bio,
                url=url,
                email=key if network == Identity.EMAIL else "",
                phone=key if network == Identity.PHONE else "",
                inbox_identity_id=inbox_identity_id,
            )
    except IntegrityError:  # created meanwhile by another sync
        member.delete()
        return Identity.objects.select_related("member").get(network=network, handle=key)


@transaction.atomic
def do_create_member(
    brand: Brand,
    actor: User | None,
    *,
    display_name: str,
    email: str = "",
    phone: str = "",
    network: str = "",
    handle: str = "",
    consent: bool = False,
    consent_source: str = "",
) -> Member:
    display_name = display_name.strip()
    if not display_name:
        raise CommunityError(_("Give the member a name."))
    member = Member.objects.create(brand=brand, display_name=display_name)
    for net, value in ((Identity.EMAIL, email), (Identity.PHONE, phone), (network, handle)):
        if net and value.strip():
            do_add_identity(member, net, value)
    if consent:
        do_set_consent(member, actor, True, consent_source or _("entered by the team"))
    record_audit("community.member_created", actor=actor, brand=brand, obj=member)
    return member


def do_add_identity(member: Member, network: str, value: str, **extra: Any) -> Identity:
    network = network.strip().lower()
    key = normalize_handle(network, value)
    if not network or not key:
        raise CommunityError(_("An identity needs a network and a handle."))
    if network == Identity.EMAIL and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", key):
        raise CommunityError(_("This email address does not look valid."))
    other = Identity.objects.filter(network=network, handle=key).first()
    if other is not None:
        if other.member_id == member.pk:
            return other
        raise CommunityError(
            _("This identity already belongs to another member: merge the two members instead.")
        )
    return Identity.objects.create(
        brand=member.brand,
        member=member,
        network=network,
        handle=key,
        email=key if network == Identity.EMAIL else extra.pop("email", ""),
        phone=key if network == Identity.PHONE else extra.pop("phone", ""),
        url=key if network == Identity.WEB else extra.pop("url", ""),
        **extra,
    )


def do_set_consent(member: Member, actor: User | None, given: bool, source: str) -> None:
    member.email_consent = given
    member.email_consent_at = timezone.now()
    member.email_consent_source = source[:200]
    member.save(update_fields=["email_consent", "email_consent_at", "email_consent_source"])
    record_audit(
        "community.consent_changed",
        actor=actor,
        brand=member.brand,
        obj=member,
        after={"email_consent": given, "source": source[:200]},
    )


PROFILE_FIELDS = ("display_name", "location", "company", "notes", "tier", "perks")


@transaction.atomic
def do_update_profile(member: Member, actor: User | None, data: dict[str, Any]) -> None:
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(member, field, str(data[field]).strip())
    if not member.display_name:
        raise CommunityError(_("Give the member a name."))
    for field in ("languages", "tags"):
        if field in data:
            value = data[field]
            items = value if isinstance(value, list) else str(value).split(",")
            setattr(member, field, sorted({i.strip().lower() for i in items if i.strip()}))
    member.save()
    record_audit("community.member_updated", actor=actor, brand=member.brand, obj=member)


def do_log_interaction(
    member: Member,
    actor: User | None,
    *,
    kind: str,
    occurred_at: datetime,
    summary: str,
    channel: str = "",
) -> Interaction:
    if kind not in Interaction.OFFLINE:
        raise CommunityError(
            _("Choose an offline channel: email, call, SMS, message, meetup or gift.")
        )
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise CommunityError(_("An interaction cannot be logged in the future."))
    if not summary.strip():
        raise CommunityError(_("Summarise the interaction in a few words."))
    return Interaction.objects.create(
        brand=member.brand,
        member=live_member(member),
        kind=kind,
        channel=channel or kind,
        occurred_at=occurred_at,
        summary=summary.strip()[:5000],
        logged_by=actor if getattr(actor, "pk", None) else None,
    )


def record_interaction(
    identity: Identity,
    *,
    source_key: str,
    kind: str,
    channel: str,
    occurred_at: datetime,
    summary: str = "",
    url: str = "",
    sentiment: str = "",
    reach: int = 0,
) -> bool:
    """Store an online interaction once (``source_key``); False if already there."""
    if Interaction.objects.filter(source_key=source_key).exists():
        return False
    try:
        with transaction.atomic():
            Interaction.objects.create(
                brand=identity.brand,
                member=live_member(identity.member),
                identity=identity,
                kind=kind,
                channel=channel,
                occurred_at=occurred_at,
                summary=summary[:5000],
                url=url[:1000],
                sentiment=sentiment,
                reach=reach,
                source_key=source_key,
            )
    except IntegrityError:
        return False
    return True


def _cursor(brand: Brand, source: str) -> SyncCursor:
    return SyncCursor.objects.get_or_create(brand=brand, source=source)[0]


def sync_inbox(brand: Brand, limit: int = 5000) -> int:
    """Inbound inbox messages → identities (by network + handle) and interactions."""
    from tribune.inbox.models import Message

    cursor = _cursor(brand, "inbox")
    after = int(cursor.cursor or 0)
    rows = list(
        Message.objects.filter(direction="in", pk__gt=after, author__isnull=False)
        .select_related("author", "thread")
        .order_by("pk")[:limit]
    )
    stored = 0
    for message in rows:
        author = message.author
        assert author is not None
        identity = identity_for(
            brand,
            message.thread.network,
            author.handle,
            display_name=author.display_name,
            followers=author.followers,
            lang=author.lang,
            inbox_identity_id=author.pk,
        )
        stored += record_interaction(
            identity,
            source_key=f"inbox:{message.pk}",
            kind=message.kind if message.kind in NETWORK_KINDS else "mention",
            channel=message.thread.network,
            occurred_at=message.created_at,
            summary=message.text,
            url=message.url,
            sentiment=message.sentiment,
            reach=author.followers or 0,
        )
    if rows:
        cursor.cursor = str(rows[-1].pk)
    cursor.synced_at = timezone.now()
    cursor.save()
    return stored


def sync_listening(brand: Brand, limit: int = 5000) -> int:
    """Listening mentions from social networks (not web articles) → members."""
    from tribune.listening.models import Mention

    cursor = _cursor(brand, "listening")
    after = int(cursor.cursor or 0)
    rows = list(
        Mention.objects.filter(pk__gt=after)
        .exclude(author="")
        .exclude(network="web")
        .order_by("pk")[:limit]
    )
    stored = 0
    for mention in rows:
        identity = identity_for(
            brand,
            mention.network,
            mention.author,
            followers=mention.reach or None,
            lang=mention.language,
        )
        stored += record_interaction(
            identity,
            source_key=f"listening:{mention.pk}",
            kind="mention",
            channel=mention.network,
            occurred_at=mention.published_at,
            summary=mention.text,
            url=mention.url,
            sentiment=mention.sentiment,
            reach=mention.reach,
        )
    if rows:
        cursor.cursor = str(rows[-1].pk)
    cursor.synced_at = timezone.now()
    cursor.save()
    return stored


# Inbox stores mentions, replies, quotes and DMs; likes, reposts and follows are read
# here through the connector (never the sandbox tables), with our own cursor.
SOCIAL_ONLY = {"like", "repost", "follow"}


def sync_network_events(brand: Brand, pages: int = 20) -> int:
    from tribune.networks.models import SocialAccount

    stored = 0
    for account in SocialAccount.objects.filter(brand=brand, network="sandbox", status="active"):
        cursor = _cursor(brand, f"sandbox:{account.pk}")
        connector = account.connector()
        for _page in range(pages):
            try:
                page = connector.fetch_inbound(cursor.cursor)
            except NetworkError as exc:  # the next sync tries again from the same cursor
                logger.warning("community sync of account %s: %s", account.pk, exc)
                break
            for item in page.items:
                if item.kind not in SOCIAL_ONLY:
                    continue
                identity = identity_for(
                    brand,
                    account.network,
                    item.author.handle,
                    display_name=item.author.display_name,
                    followers=item.author.followers,
                    bio=item.author.bio,
                    lang=item.author.lang,
                )
                stored += record_interaction(
                    identity,
                    source_key=f"sandbox:{account.pk}:{item.remote_id}",
                    kind=item.kind,
                    channel=account.network,
                    occurred_at=item.created_at,
                    reach=item.author.followers or 0,
                )
            if page.cursor == cursor.cursor or not page.items:
                break
            cursor.cursor = page.cursor
        cursor.synced_at = timezone.now()
        cursor.save()
    return stored


def sync_brand(brand: Brand) -> dict[str, int]:
    """Everything new since the last sync; safe to run again (idempotent)."""
    return {
        "inbox": sync_inbox(brand),
        "listening": sync_listening(brand),
        "network": sync_network_events(brand),
    }
