"""Instagram reads: comments and tags as inbound items, and post metrics.

Comments on the account's recent media (and their replies) are ``reply`` items; media in
which the account is tagged (``/{ig-user-id}/tags``) are ``mention`` items. @mentions in
other people's captions and comments reach apps only through webhooks, not by polling.
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tribune.networks.base import InboundItem, InboundPage, PostMetrics, Rejected, RemoteAuthor
from tribune.networks.meta import common
from tribune.networks.meta.cursor import TimeCursor
from tribune.networks.meta.graph import Graph

COMMENT = "id,text,timestamp,username,from{id,username}"
MEDIA_COMMENTS = f"id,permalink,comments.limit(50){{{COMMENT},replies.limit(50){{{COMMENT}}}}}"
RECENT_MEDIA = 10


def _comment(comment: dict[str, Any], parent: str, media: dict[str, Any]) -> InboundItem:
    who = comment.get("from") or {}
    username = who.get("username") or comment.get("username", "")
    return InboundItem(
        remote_id=comment["id"],
        kind="reply",
        author=RemoteAuthor(remote_id=str(who.get("id") or ""), handle=username),
        created_at=common.parse_time(comment["timestamp"]),
        text=comment.get("text", ""),
        url=media.get("permalink", ""),
        in_reply_to=parent,
        root_id=media["id"],
        raw=comment,
    )


def inbound(graph: Graph, ig_user_id: str, handle: str, cursor: str, limit: int) -> InboundPage:
    items: list[InboundItem] = []
    recent = graph.get(f"{ig_user_id}/media", fields=MEDIA_COMMENTS, limit=RECENT_MEDIA)
    for media in recent.get("data") or []:
        for comment in (media.get("comments") or {}).get("data") or []:
            items.append(_comment(comment, media["id"], media))
            for reply in (comment.get("replies") or {}).get("data") or []:
                items.append(_comment(reply, comment["id"], media))
    # The account's own answers are not inbound.
    items = [i for i in items if i.author.remote_id != ig_user_id and i.author.handle != handle]
    tags = graph.get(
        f"{ig_user_id}/tags", fields="id,caption,timestamp,username,permalink", limit=25
    )
    for media in tags.get("data") or []:
        items.append(
            InboundItem(
                remote_id=media["id"],
                kind="mention",
                author=RemoteAuthor(remote_id="", handle=media.get("username", "")),
                created_at=common.parse_time(media["timestamp"]),
                text=media.get("caption", ""),
                url=media.get("permalink", ""),
                raw=media,
            )
        )
    position = TimeCursor.decode(cursor)
    taken, position = position.take(items, lambda i: (i.created_at, i.remote_id), limit)
    return InboundPage(items=taken, cursor=position.encode() or cursor)


def post_metrics(graph: Graph, ids: list[str]) -> list[PostMetrics]:
    """Likes and comments for media that still exist; insights where the account allows:
    ``views`` as impressions (Instagram replaced ``impressions`` with ``views`` in 2025:
    times the media was displayed or played) and ``saved`` as saves. For a video (feed
    video or reel) the same ``views`` figure is its plays, so it is also its video views;
    other media have none."""
    metrics = []
    for start in range(0, len(ids), 50):
        batch = ",".join(ids[start : start + 50])
        counts = graph.get("", ids=batch, fields=COUNTS)
        insights = _insights(graph, batch)
        now = datetime.now(UTC)
        for media_id, media in counts.items():
            found = insights.get(media_id) or {}
            views = _value(found, "views")
            metrics.append(
                PostMetrics(
                    remote_id=media_id,
                    at=now,
                    likes=media.get("like_count"),  # absent when the owner hides likes
                    replies=media.get("comments_count"),
                    impressions=views,
                    saves=_value(found, "saved"),
                    video_views=views if _is_video(media) else None,
                )
            )
    return metrics


COUNTS = "like_count,comments_count,media_type,media_product_type"


def _insights(graph: Graph, batch: str) -> dict[str, Any]:
    """``views`` and ``saved`` in one call; stories refuse ``saved`` (and a refused
    metric fails the whole call), so without it on refusal, then nothing."""
    for metric in ("views,saved", "views"):
        try:
            return graph.get("", ids=batch, fields=f"insights.metric({metric})")
        except Rejected:
            continue
    return {}


def _is_video(media: dict[str, Any]) -> bool:
    return media.get("media_type") == "VIDEO" or media.get("media_product_type") == "REELS"


def _value(media: dict[str, Any], name: str) -> int | None:
    for metric in (media.get("insights") or {}).get("data") or []:
        if metric.get("name") == name:
            values = metric.get("values") or [{}]
            value = values[-1].get("value", metric.get("total_value", {}).get("value"))
            return int(value) if value is not None else None
    return None
