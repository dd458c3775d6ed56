"""Comments (``socialActions``) and share statistics for organization posts.

Inbound items are the comments on the page's recent posts and the replies under them,
from people other than the page; LinkedIn's comment lists have no "since" parameter, so
the cursor is by time (``TimeCursor``). Mentions of the page are not available here.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api ·
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tribune.networks.base import (
    InboundItem,
    InboundPage,
    PostMetrics,
    PublishedPost,
    RemoteAuthor,
    RemoteRef,
)
from tribune.networks.linkedin.client import LinkedIn, urn
from tribune.networks.meta.cursor import TimeCursor

RECENT_POSTS = 10
COMMENTS_PER_POST = 50
STATISTICS_BATCH = 20


def _millis(value: int | None) -> datetime:
    return datetime.fromtimestamp((value or 0) / 1000, tz=UTC)


def comment_parts(comment_urn: str) -> tuple[str, str]:
    """``urn:li:comment:(urn:li:activity:1,2)`` → (``urn:li:activity:1``, ``2``)."""
    inner = comment_urn.removeprefix("urn:li:comment:(").removesuffix(")")
    thread, _, comment_id = inner.rpartition(",")
    return thread, comment_id


def comment(api: LinkedIn, organization: str, target: RemoteRef, text: str) -> PublishedPost:
    """A comment on a post, or a reply under a comment, as the organization."""
    target_urn = target.uri or target.remote_id
    body: dict[str, Any] = {"actor": organization, "message": {"text": text}}
    if target_urn.startswith("urn:li:comment:"):
        body["object"] = comment_parts(target_urn)[0]
        body["parentComment"] = target_urn
    else:
        body["object"] = target_urn
    response = api.request(
        "POST", f"socialActions/{urn(target_urn)}/comments", json=body, write=True
    )
    answer = response.json() if response.content else {}
    comment_urn = answer.get("$URN") or response.headers.get("x-restli-id", "")
    url = f"https://www.linkedin.com/feed/update/{body['object']}/"
    return PublishedPost(comment_urn, url, datetime.now(UTC), uri=comment_urn)


def delete_comment(api: LinkedIn, organization: str, comment_urn: str) -> None:
    thread, comment_id = comment_parts(comment_urn)
    api.request(
        "DELETE",
        f"socialActions/{urn(thread)}/comments/{comment_id}",
        query=f"actor={urn(organization)}",
    )


def _item(entry: dict[str, Any], post: str) -> InboundItem:
    actor = entry.get("actor", "")
    return InboundItem(
        remote_id=entry.get("commentUrn") or entry.get("$URN") or entry["id"],
        kind="reply",
        author=RemoteAuthor(remote_id=actor, handle=actor),
        created_at=_millis((entry.get("created") or {}).get("time")),
        text=(entry.get("message") or {}).get("text", ""),
        url=f"https://www.linkedin.com/feed/update/{post}/",
        in_reply_to=entry.get("parentComment") or post,
        root_id=post,
        raw=entry,
    )


def _comments(api: LinkedIn, target: str) -> list[dict[str, Any]]:
    answer = api.json(
        "GET", f"socialActions/{urn(target)}/comments", query=f"count={COMMENTS_PER_POST}"
    )
    return answer.get("elements") or []


def inbound(
    api: LinkedIn, organization: str, posts: list[str], cursor: str, limit: int
) -> InboundPage:
    items = []
    for post in posts:
        for entry in _comments(api, post):
            items.append(_item(entry, post))
            replies = (entry.get("commentsSummary") or {}).get("aggregatedTotalComments", 0)
            if replies:
                target = entry.get("commentUrn") or entry.get("$URN") or ""
                items += [_item(reply, post) for reply in _comments(api, target)]
    items = [i for i in items if i.author.remote_id != organization]
    position = TimeCursor.decode(cursor)
    taken, position = position.take(items, lambda i: (i.created_at, i.remote_id), limit)
    return InboundPage(items=taken, cursor=position.encode() or cursor)


def share_statistics(api: LinkedIn, organization: str, ids: list[str]) -> list[PostMetrics]:
    """Lifetime totals per post. ``clickCount`` counts every click on the post (content,
    page name, logo), which is the closest LinkedIn comes to link clicks."""
    metrics = []
    for start in range(0, len(ids), STATISTICS_BATCH):
        batch = ids[start : start + STATISTICS_BATCH]
        query = f"q=organizationalEntity&organizationalEntity={urn(organization)}"
        for param, kind in (("shares", ":share:"), ("ugcPosts", ":ugcPost:")):
            wanted = [urn(i) for i in batch if kind in i]
            if wanted:
                query += f"&{param}=List({','.join(wanted)})"
        answer = api.json("GET", "organizationalEntityShareStatistics", query=query)
        now = datetime.now(UTC)
        for element in answer.get("elements") or []:
            totals = element.get("totalShareStatistics") or {}
            metrics.append(
                PostMetrics(
                    remote_id=element.get("share") or element.get("ugcPost") or "",
                    at=now,
                    likes=totals.get("likeCount"),
                    replies=totals.get("commentCount"),
                    reposts=totals.get("shareCount"),
                    impressions=totals.get("impressionCount"),
                    link_clicks=totals.get("clickCount"),
                )
            )
    return metrics
