"""Builders of inbox rows for tests, the sandbox "audience" that writes to a brand, and
the isolation matrix's URL factories."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.inbox.models import (
    Identity,
    Message,
    ModerationRule,
    RuleAction,
    SavedReply,
    Thread,
)
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.sandbox.models import Event, Profile
from tribune.networks.sandbox.models import Post as NetworkPost
from tribune.networks.services import do_connect_account

_ids = itertools.count(1)


# --- the sandbox network: people writing to the brand ------------------------------------
def person(handle: str = "camille.durand", *, followers: int = 150, lang: str = "fr") -> Profile:
    profile, _ = Profile.objects.get_or_create(
        handle=handle,
        defaults={
            "display_name": handle.replace(".", " ").title(),
            "lang": lang,
            "base_followers": followers,
            "created_at": timezone.now(),
        },
    )
    return profile


def mention(brand_handle: str, text: str, *, by: Profile | None = None) -> NetworkPost:
    """Someone mentions the brand on the sandbox network (as the simulator does)."""
    brand = Profile.objects.get(handle=brand_handle)
    author = by or person()
    post = NetworkPost.objects.create(
        author=author, text=text, lang=author.lang, created_at=timezone.now()
    )
    Event.objects.create(
        kind="mention", actor=author, target=brand, post=post, created_at=post.created_at
    )
    return post


def reply(
    brand_handle: str, parent: NetworkPost, text: str, *, by: Profile | None = None
) -> NetworkPost:
    """Someone answers ``parent`` (a post of the brand or of anyone in the thread)."""
    brand = Profile.objects.get(handle=brand_handle)
    author = by or person()
    post = NetworkPost.objects.create(
        author=author,
        text=text,
        lang=author.lang,
        created_at=timezone.now(),
        reply_to=parent,
        root=parent.root or parent,
    )
    Event.objects.create(
        kind="reply",
        actor=author,
        target=brand,
        post=post,
        subject=parent,
        created_at=post.created_at,
    )
    return post


def brand_post(brand_handle: str, text: str = "Nouveauté chez Alpha") -> NetworkPost:
    profile = Profile.objects.get(handle=brand_handle)
    return NetworkPost.objects.create(
        author=profile, text=text, lang=profile.lang, created_at=timezone.now()
    )


# --- inbox rows ----------------------------------------------------------------------------
def account_of(brand: Brand) -> SocialAccount:
    with brand_scope(brand):
        found = SocialAccount.objects.filter(brand=brand).first()
        if found is not None:
            return found
        return do_connect_account(brand, "sandbox", Credentials(handle=f"{brand.slug}.box"), None)


def identity(brand: Brand, handle: str = "lea", **fields) -> Identity:  # type: ignore[no-untyped-def]
    now = timezone.now()
    with brand_scope(brand):
        row, _ = Identity.objects.get_or_create(
            brand=brand,
            network="sandbox",
            remote_id=handle,
            defaults={"handle": handle, "first_seen_at": now, "last_seen_at": now, **fields},
        )
        return row


def thread(
    brand: Brand, text: str = "Bonjour, une question ?", *, at: datetime | None = None, **fields
) -> Thread:  # type: ignore[no-untyped-def]
    """A thread with one inbound message."""
    at = at or timezone.now()
    account = account_of(brand)
    author = identity(brand)
    n = next(_ids)
    with brand_scope(brand):
        row = Thread.objects.create(
            brand=brand,
            account=account,
            network=account.network,
            key=f"t-{n}",
            author=author,
            last_text=text,
            last_author_label=author.name,
            last_activity_at=at,
            created_at=at,
            message_count=1,
            **fields,
        )
        Message.objects.create(
            brand=brand,
            account=account,
            thread=row,
            remote_id=f"m-{n}",
            kind="mention",
            author=author,
            text=text,
            created_at=at,
        )
        return row


def message(brand: Brand) -> Message:
    row = thread(brand)
    with brand_scope(brand):
        return row.messages.get()


def rule(brand: Brand, **fields) -> ModerationRule:  # type: ignore[no-untyped-def]
    values = {"name": "Toxiques", "min_toxicity": 0.5, "action_hide": True, "action_flag": True}
    values.update(fields)
    with brand_scope(brand):
        return ModerationRule.objects.create(brand=brand, **values)


def rule_action(brand: Brand) -> RuleAction:
    msg = message(brand)
    with brand_scope(brand):
        return RuleAction.objects.create(
            brand=brand,
            rule=rule(brand),
            rule_name="Toxiques",
            message=msg,
            thread=msg.thread,
            author=msg.author,
            action="flag",
        )


def saved_reply(brand: Brand, **fields) -> SavedReply:  # type: ignore[no-untyped-def]
    values = {"title": "Merci", "language": "fr", "body": "Merci {name} ! L'équipe {brand}"}
    values.update(fields)
    with brand_scope(brand):
        return SavedReply.objects.create(brand=brand, **values)


# URL keyword → a function creating such an object in a brand and returning its id.
URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "thread_id": lambda brand: thread(brand).pk,
    "message_id": lambda brand: message(brand).pk,
    "rule_id": lambda brand: rule(brand).pk,
    "rule_action_id": lambda brand: rule_action(brand).pk,
    "saved_reply_id": lambda brand: saved_reply(brand).pk,
    "thread_op": lambda brand: "close",
    "message_op": lambda brand: "hide",
}
