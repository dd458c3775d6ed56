"""Comments: replies (``commentThreads.insert`` on a video, ``comments.insert`` under a
comment) and inbound comments on the channel's videos.

``commentThreads.list?allThreadsRelatedToChannelId=…&order=time`` pages from the newest
thread; each thread carries up to five replies. The cursor is by time (``TimeCursor``).
https://developers.google.com/youtube/v3/docs/commentThreads/list
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tribune.networks.base import InboundItem, InboundPage, RemoteAuthor, RemoteRef
from tribune.networks.meta.cursor import TimeCursor
from tribune.networks.youtube.client import YouTube

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")  # comment ids are longer ("Ugz…AaABAg")
MAX_PAGES = 3


def is_video(ref: RemoteRef) -> bool:
    if ref.uri.startswith("youtube:"):
        return ref.uri.startswith("youtube:video:")
    return bool(VIDEO_ID.match(ref.remote_id))


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def reply(api: YouTube, target: RemoteRef, text: str) -> dict[str, Any]:
    """A top-level comment on a video, or a reply in a comment's thread (YouTube threads
    are one level deep: a reply to a reply goes under the top-level comment)."""
    if is_video(target):
        body = {
            "snippet": {
                "videoId": target.remote_id,
                "topLevelComment": {"snippet": {"textOriginal": text}},
            }
        }
        return api.json("POST", "commentThreads", params={"part": "snippet"}, json=body, write=True)
    parent = target.remote_id.split(".", 1)[0]
    body = {"snippet": {"parentId": parent, "textOriginal": text}}
    return api.json("POST", "comments", params={"part": "snippet"}, json=body, write=True)


def _item(comment: dict[str, Any], video_id: str, parent: str) -> InboundItem:
    snippet = comment["snippet"]
    return InboundItem(
        remote_id=comment["id"],
        kind="reply",
        author=RemoteAuthor(
            remote_id=(snippet.get("authorChannelId") or {}).get("value", ""),
            handle=snippet.get("authorDisplayName", ""),
            display_name=snippet.get("authorDisplayName", ""),
            avatar_url=snippet.get("authorProfileImageUrl", ""),
        ),
        created_at=parse_time(snippet["publishedAt"]),
        text=snippet.get("textOriginal") or snippet.get("textDisplay", ""),
        url=f"https://www.youtube.com/watch?v={video_id}&lc={comment['id']}",
        in_reply_to=parent,
        root_id=video_id,
        raw=comment,
    )


def inbound(api: YouTube, channel_id: str, cursor: str, limit: int) -> InboundPage:
    position = TimeCursor.decode(cursor)
    items: list[InboundItem] = []
    token = None
    for _ in range(MAX_PAGES if position.after else 1):
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": channel_id,
            "order": "time",
            "maxResults": 100,
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        page = api.json("GET", "commentThreads", params=params)
        oldest = None
        for thread in page.get("items") or []:
            top = thread["snippet"]["topLevelComment"]
            video_id = thread["snippet"].get("videoId") or top["snippet"].get("videoId", "")
            items.append(_item(top, video_id, video_id))
            for answer in (thread.get("replies") or {}).get("comments") or []:
                items.append(_item(answer, video_id, answer["snippet"].get("parentId", top["id"])))
            oldest = parse_time(top["snippet"]["publishedAt"])
        token = page.get("nextPageToken")
        if not token or (position.after and oldest and oldest < position.after):
            break
    items = [i for i in items if i.author.remote_id != channel_id]
    taken, position = position.take(items, lambda i: (i.created_at, i.remote_id), limit)
    return InboundPage(items=taken, cursor=position.encode() or cursor)
