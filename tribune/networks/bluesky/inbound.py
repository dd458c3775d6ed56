"""Notifications → ``InboundItem``, with a cursor that never repeats an item.

``app.bsky.notification.listNotifications`` pages from the newest; its own cursor walks
backwards in time and cannot say "what is new since last time". Our cursor is the
``indexedAt`` of the last item handed out, plus short hashes of the items handed out at
exactly that instant (ties are rare but real). A poll walks back until it reaches the
cursor, then returns what is newer, oldest first.
https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from atproto_client.models.app.bsky.notification.list_notifications import Notification

from tribune.networks.base import InboundItem, InboundKind, RemoteAuthor

KINDS: dict[str, InboundKind] = {
    "mention": "mention",
    "reply": "reply",
    "quote": "quote",
    "like": "like",
    "repost": "repost",
    "follow": "follow",
}
MAX_PAGES = 20
WEB_APP = "https://bsky.app"


@dataclass(frozen=True)
class Cursor:
    after: datetime | None = None
    seen: frozenset[str] = frozenset()  # hashes of items handed out at exactly ``after``

    @classmethod
    def decode(cls, text: str) -> Cursor:
        if not text:
            return cls()
        stamp, _, hashes = text.partition("~")
        try:
            after = datetime.fromisoformat(stamp)
        except ValueError:
            return cls()  # a cursor we did not write: start over from the newest page
        return cls(after, frozenset(h for h in hashes.split(",") if h))

    def encode(self) -> str:
        if self.after is None:
            return ""
        return self.after.isoformat() + "~" + ",".join(sorted(self.seen))

    def is_new(self, at: datetime, uri: str) -> bool:
        if self.after is None:
            return True
        return at > self.after or (at == self.after and uri_hash(uri) not in self.seen)


def uri_hash(uri: str) -> str:
    return hashlib.sha256(uri.encode()).hexdigest()[:12]


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def post_url(uri: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` → the post's page on bsky.app."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"{WEB_APP}/profile/{parts[0]}/post/{parts[2]}"
    return ""


def _author(view: Any) -> RemoteAuthor:
    return RemoteAuthor(
        remote_id=view.did,
        handle=view.handle,
        display_name=view.display_name or "",
        avatar_url=view.avatar or "",
        bio=getattr(view, "description", None) or "",
    )


def to_item(notification: Notification) -> InboundItem | None:
    kind = KINDS.get(notification.reason)
    if kind is None:
        return None  # starter packs, verifications, "like via repost", ...
    record = notification.record
    text, parent, root = "", notification.reason_subject or "", ""
    reply = getattr(record, "reply", None)
    if kind in {"mention", "reply", "quote"}:
        text = getattr(record, "text", "") or ""
        if reply is not None:
            parent, root = reply.parent.uri, reply.root.uri
    return InboundItem(
        remote_id=notification.uri,
        kind=kind,
        author=_author(notification.author),
        created_at=parse_time(notification.indexed_at),
        text=text,
        url=post_url(notification.uri),
        in_reply_to=parent,
        root_id=root,
        raw=notification.model_dump(mode="json", by_alias=True, exclude_none=True),
    )


def collect(
    list_page: Callable[[str | None, int], Any], cursor: Cursor, limit: int
) -> list[Notification]:
    """Notifications newer than ``cursor``, oldest first.

    ``list_page(api_cursor, page_size)`` returns one page of ``listNotifications``. With no
    cursor, only the newest page is read (no back-fill of the whole history).
    """
    newer: list[Notification] = []
    api_cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = list_page(api_cursor, 100 if cursor.after else max(1, min(limit, 100)))
        reached = False
        for item in page.notifications:
            if cursor.is_new(parse_time(item.indexed_at), item.uri):
                newer.append(item)
            else:
                reached = True
        if reached or not page.cursor or cursor.after is None:
            break
        api_cursor = page.cursor
    newer.sort(key=lambda n: (parse_time(n.indexed_at), n.uri))
    return newer


def page_out(
    newer: Iterable[Notification], cursor: Cursor, limit: int
) -> tuple[list[InboundItem], Cursor]:
    """Up to ``limit`` items (oldest first) and the cursor just past the last one used."""
    items: list[InboundItem] = []
    after, seen = cursor.after, set(cursor.seen)
    for notification in newer:
        item = to_item(notification)
        if item is not None and len(items) >= limit:
            break
        at = parse_time(notification.indexed_at)
        if at != after:
            after, seen = at, set()
        seen.add(uri_hash(notification.uri))
        if item is not None:
            items.append(item)
    return items, Cursor(after, frozenset(seen))
