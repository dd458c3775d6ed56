"""Notifications → ``InboundItem``, with a cursor that never repeats an item.

The cursor is the id of the newest notification handed out. A poll asks for
``min_id=<cursor>``: the notifications *immediately* newer than it (``since_id`` would
return the newest ones and leave a gap when more than a page arrived), oldest first.
https://docs.joinmastodon.org/methods/notifications/#get
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tribune.networks.base import InboundItem, InboundKind, RemoteAuthor
from tribune.networks.mastodon.text import jsonable, plain_text

# ``status`` notifications (posts by accounts the brand subscribed to with the bell) are
# not addressed to the brand; when they mention or answer it, a ``mention`` comes too.
TYPES = ["mention", "quote", "reblog", "favourite", "follow"]
PAGE_SIZE = 80  # the API's maximum


def id_key(value: Any) -> tuple[int, str]:
    """Order of ids: numeric snowflakes on Mastodon, sortable ULIDs elsewhere."""
    text = str(value)
    return len(text), text


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def author(account: Any) -> RemoteAuthor:
    return RemoteAuthor(
        remote_id=str(account["id"]),
        handle=str(account.get("acct") or account.get("username") or ""),
        display_name=account.get("display_name") or "",
        followers=account.get("followers_count"),
        avatar_url=account.get("avatar") or "",
        bio=plain_text(account.get("note")),
    )


def _status_kind(status: Any, own_id: str) -> InboundKind:
    if status.get("visibility") == "direct":
        return "dm"
    if own_id and str(status.get("in_reply_to_account_id") or "") == own_id:
        return "reply"
    return "mention"


def _quoted_id(status: Any) -> str:
    quote = status.get("quote") or {}
    quoted = quote.get("quoted_status") or {}
    return str(quoted.get("id") or "")


def to_item(notification: Any, own_id: str) -> InboundItem | None:
    kind_name = notification.get("type")
    status = notification.get("status") or {}
    base: dict[str, Any] = {
        "author": author(notification["account"]),
        "created_at": _time(notification["created_at"]),
        "raw": jsonable(notification),
    }
    if kind_name in {"mention", "quote"} and status:
        kind: InboundKind = "quote" if kind_name == "quote" else _status_kind(status, own_id)
        return InboundItem(
            remote_id=str(status["id"]),
            kind=kind,
            text=plain_text(status.get("content")),
            url=status.get("url") or status.get("uri") or "",
            in_reply_to=_quoted_id(status)
            if kind == "quote"
            else str(status.get("in_reply_to_id") or ""),
            **base,
        )
    simple: dict[str, InboundKind] = {"favourite": "like", "reblog": "repost", "follow": "follow"}
    if kind_name in simple:
        return InboundItem(
            remote_id=f"notification/{notification['id']}",
            kind=simple[kind_name],
            in_reply_to=str(status.get("id") or ""),
            url=status.get("url") or "",
            **base,
        )
    return None  # polls, edits, admin, moderation, "status", types added later
