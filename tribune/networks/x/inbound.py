"""Mentions → ``InboundItem``, with a ``since_id`` cursor that never repeats a post.

``GET /2/users/:id/mentions`` pages from the newest. With ``since_id`` it returns every
mention newer than that id (up to the 800 most recent), so a poll walks all its pages,
sorts them oldest first (post ids are time-ordered snowflakes) and hands out the first
``limit``; the cursor is the id of the last one handed out.
https://docs.x.com/x-api/users/get-mentions
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tribune.networks.base import InboundItem, InboundKind, RemoteAuthor

TWEET_FIELDS = [
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "lang",
    "entities",
]
USER_FIELDS = ["username", "name", "public_metrics", "profile_image_url", "description"]
EXPANSIONS = ["author_id"]


def id_key(tweet_id: str) -> int:
    return int(tweet_id)


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _author(user: dict[str, Any] | None, author_id: str) -> RemoteAuthor:
    user = user or {}
    return RemoteAuthor(
        remote_id=author_id,
        handle=user.get("username", ""),
        display_name=user.get("name", ""),
        followers=(user.get("public_metrics") or {}).get("followers_count"),
        avatar_url=user.get("profile_image_url", ""),
        bio=user.get("description", ""),
    )


def to_item(tweet: dict[str, Any], users: dict[str, dict[str, Any]], own_id: str) -> InboundItem:
    refs = {ref["type"]: ref["id"] for ref in tweet.get("referenced_tweets") or []}
    kind: InboundKind = "mention"
    parent = ""
    if "quoted" in refs:
        kind, parent = "quote", refs["quoted"]
    elif "replied_to" in refs:
        parent = refs["replied_to"]
        if tweet.get("in_reply_to_user_id") == own_id:
            kind = "reply"
    author = _author(users.get(tweet["author_id"]), tweet["author_id"])
    return InboundItem(
        remote_id=tweet["id"],
        kind=kind,
        author=author,
        created_at=parse_time(tweet["created_at"]),
        text=tweet.get("text", ""),
        url=f"https://x.com/{author.handle or 'i'}/status/{tweet['id']}",
        in_reply_to=parent,
        root_id=tweet.get("conversation_id", "") if parent else "",
        raw=tweet,
    )
