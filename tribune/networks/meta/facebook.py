"""Facebook Page connector (Graph API): feed posts, photos, one video, comments as replies.

A video goes in one request to ``graph-video.facebook.com/{page}/videos`` (``source``
file, text as ``description``): https://developers.facebook.com/docs/video-api/guides/publishing

Credentials: ``remote_id`` = the Page id, ``secrets["access_token"]`` = a Page access
token (from a long-lived user token it does not expire; there is no refresh token).
https://developers.facebook.com/docs/pages-api/posts
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tribune.networks.base import (
    AccountMetrics,
    Connector,
    Credentials,
    InboundItem,
    InboundPage,
    MediaItem,
    NetworkError,
    PostMetrics,
    PostRequest,
    PublishedPost,
    Rejected,
    RemoteRef,
    TextLimits,
)
from tribune.networks.meta import common
from tribune.networks.meta.cursor import TimeCursor
from tribune.networks.meta.errors import is_gone
from tribune.networks.meta.graph import VIDEO_URL, Graph

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime"})
MAX_VIDEO_BYTES = 1024 * 1024 * 1024  # single-request upload (the resumable one goes further)
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"
FEED_COMMENTS = f"id,comments.order(reverse_chronological).limit(50){{{COMMENT_FIELDS}}}"
RECENT_POSTS = 10


def post_url(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"


class FacebookPageConnector(Connector):
    name = "facebook"
    label = "Facebook Page"
    # No "refresh" (Page tokens do not expire), no DMs (Messenger is a separate platform),
    # no "threads": a reply is a comment under the post (hence "first_comment").
    capabilities = frozenset(
        {"publish", "delete", "media", "first_comment", "mentions", "replies"}
        | {"account_metrics", "post_metrics"}
    )
    limits = TextLimits(max_length=63206, max_media=10)

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        super().__init__(credentials)
        token = credentials.secrets.get("access_token", "")
        self.graph = Graph(
            token, label="Facebook", transport=transport, allow_private=allow_private
        )

    @property
    def page_id(self) -> str:
        if not self.credentials.remote_id:
            raise Rejected("The Facebook Page id is missing; reconnect the Page.")
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        raise Rejected("Facebook Page tokens do not expire; reconnect the Page to renew access.")

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        common.check_public(post, "Facebook Page")
        self._check_media(post.media)
        # No language parameter (Facebook detects it); Page photo uploads have no alt-text
        # parameter in the Graph API (Facebook writes automatic alt text).
        if post.reply_to is not None:
            answer = self.graph.post(f"{post.reply_to.remote_id}/comments", {"message": post.text})
            post_id = answer["id"]
        elif post.media and post.media[0].mime_type in VIDEO_TYPES:
            # One upload publishes the video on the Page with the text as its description.
            video = post.media[0]
            answer = self.graph.post(
                f"{VIDEO_URL}/{self.page_id}/videos",
                {"description": post.text, "published": "true"},
                files={"source": _file(video)},
            )
            video_id = str(answer["id"])
            return PublishedPost(
                remote_id=video_id,
                url=f"https://www.facebook.com/{self.page_id}/videos/{video_id}",
                published_at=datetime.now(UTC),
            )
        elif len(post.media) == 1:
            answer = self.graph.post(
                f"{self.page_id}/photos",
                {"message": post.text, "published": "true"},
                files={"source": _file(post.media[0])},
            )
            post_id = answer.get("post_id") or answer["id"]
        else:
            data: dict[str, Any] = {"message": post.text}
            for index, item in enumerate(post.media):
                # Unpublished photos are invisible until attached: a retry duplicates nothing.
                photo = self.graph.post(
                    f"{self.page_id}/photos",
                    {"published": "false"},
                    files={"source": _file(item)},
                    write=False,
                )
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo["id"]})
            post_id = self.graph.post(f"{self.page_id}/feed", data)["id"]
        return PublishedPost(
            remote_id=post_id, url=post_url(post_id), published_at=datetime.now(UTC)
        )

    def _check_media(self, media: Sequence[MediaItem]) -> None:
        if any(item.mime_type.startswith("video/") for item in media):
            if len(media) > 1:
                raise Rejected("A Page post takes one video on its own, without photos.")
            if media[0].mime_type not in VIDEO_TYPES:
                raise Rejected("Tribune publishes MP4 or MOV videos to Facebook Pages.")
            if len(media[0].content) > MAX_VIDEO_BYTES:
                raise Rejected("Tribune uploads Page videos of up to 1 GB.")
            return
        if len(media) > self.limits.max_media:
            raise Rejected(
                f"Tribune attaches at most {self.limits.max_media} photos to a Page post."
            )
        if any(item.mime_type not in IMAGE_TYPES for item in media):
            raise Rejected(
                "Tribune publishes photos (JPEG, PNG, GIF, BMP, TIFF) to Facebook Pages."
            )

    def delete(self, ref: RemoteRef) -> None:
        try:
            self.graph.delete(ref.remote_id)
        except NetworkError as exc:
            if not is_gone(exc):  # deleting twice is fine
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        """The Page's own feed posts since ``since`` (minus clock slack) with the same text."""
        posts = self.graph.pages(
            f"{self.page_id}/feed",
            max_pages=3,
            fields="id,message,created_time,from,permalink_url",
            since=common.unix(since - common.RECONCILE_SLACK),
            limit=25,
        )
        for entry in posts:
            created = common.parse_time(entry["created_time"])
            mine = (entry.get("from") or {}).get("id", self.page_id) == self.page_id
            same = common.comparable(entry.get("message")) == common.comparable(text)
            if mine and same and created >= common.aware(since) - common.RECONCILE_SLACK:
                return PublishedPost(
                    remote_id=entry["id"],
                    url=entry.get("permalink_url") or post_url(entry["id"]),
                    published_at=created,
                )
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        """Comments on the Page's recent posts (``reply``) and posts that tag the Page
        (``mention``). Reactions have no timestamps in the API, so they are not items."""
        items: list[InboundItem] = []
        feed = self.graph.get(f"{self.page_id}/feed", fields=FEED_COMMENTS, limit=RECENT_POSTS)
        for entry in feed.get("data") or []:
            for comment in (entry.get("comments") or {}).get("data") or []:
                if (comment.get("from") or {}).get("id") != self.page_id:
                    items.append(_comment_item(comment, entry["id"]))
        tagged = self.graph.get(
            f"{self.page_id}/tagged", fields="id,message,created_time,from,permalink_url", limit=25
        )
        items += [_tagged_item(entry) for entry in tagged.get("data") or []]
        position = TimeCursor.decode(cursor)
        taken, position = position.take(items, lambda i: (i.created_at, i.remote_id), limit)
        return InboundPage(items=taken, cursor=position.encode() or cursor)

    def fetch_account_metrics(self) -> AccountMetrics:
        page = self.graph.get(self.page_id, fields="followers_count,fan_count")
        return AccountMetrics(at=datetime.now(UTC), followers=page.get("followers_count"))

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Reactions, comments and shares for posts that still exist; impressions from
        ``post_impressions`` insights where Meta still gives them (Meta has been retiring
        Page insights metrics since 2024; a refused metric leaves ``impressions`` None).

        A video is published as a Video node (its id has no ``{page}_`` prefix), which has
        no ``shares`` field: asking for it would fail the whole batch. Videos are read on
        their own: reactions, comments, and ``total_video_views`` from their
        ``video_insights`` as video views; no saves anywhere (the API does not count them)."""
        ids = [ref.remote_id for ref in refs]
        posts = self._read_batches(
            [i for i in ids if "_" in i],
            f"{INTERACTIONS},shares",
            self._impressions,
            lambda node, extra: {
                "reposts": (node.get("shares") or {}).get("count", 0),
                "impressions": extra,
            },
        )
        videos = self._read_batches(
            [i for i in ids if "_" not in i],
            INTERACTIONS,
            self._video_views,
            lambda _node, extra: {"video_views": extra},
        )
        return posts + videos

    def _read_batches(
        self,
        ids: list[str],
        fields: str,
        insight: Callable[[str], dict[str, int]],
        specific: Callable[[dict[str, Any], int | None], dict[str, Any]],
    ) -> list[PostMetrics]:
        """Counts of ``ids`` by batches of 50 (the most ``?ids=`` takes), each batch with
        one call for its counts and one for ``insight``; ``specific`` turns a node and its
        insight figure into the fields that differ between posts and videos."""
        metrics = []
        for start in range(0, len(ids), 50):
            batch = ",".join(ids[start : start + 50])
            counts = self.graph.get("", ids=batch, fields=fields)
            extra = insight(batch)
            now = datetime.now(UTC)
            for node_id, node in counts.items():
                metrics.append(
                    PostMetrics(
                        remote_id=node_id,
                        at=now,
                        likes=_total(node, "reactions"),
                        replies=_total(node, "comments"),
                        **specific(node, extra.get(node_id)),
                    )
                )
        return metrics

    def _video_views(self, batch: str) -> dict[str, int]:
        """``total_video_views``: plays of 3 seconds or more (or nearly the whole video
        when shorter). A refused metric leaves the videos' views None."""
        try:
            answer = self.graph.get(
                "", ids=batch, fields="video_insights.metric(total_video_views)"
            )
        except Rejected:
            return {}
        return {
            video_id: value
            for video_id, video in answer.items()
            if (value := _insight(video, "video_insights", "total_video_views")) is not None
        }

    def _impressions(self, batch: str) -> dict[str, int]:
        try:
            answer = self.graph.get("", ids=batch, fields="insights.metric(post_impressions)")
        except Rejected:  # deprecated metric or missing read_insights permission
            return {}
        return {
            post_id: value
            for post_id, post in answer.items()
            if (value := _insight(post, "insights", "post_impressions")) is not None
        }


INTERACTIONS = "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"


def _insight(node: dict[str, Any], edge: str, name: str) -> int | None:
    """The latest value of one insights metric of a node, None when absent."""
    for metric in (node.get(edge) or {}).get("data") or []:
        values = metric.get("values") or [{}]
        if metric.get("name") == name and "value" in values[-1]:
            return int(values[-1]["value"])
    return None


def _file(item: MediaItem) -> tuple[str, bytes, str]:
    return (item.filename or "photo", item.content, item.mime_type)


def _total(post: dict[str, Any], edge: str) -> int | None:
    return ((post.get(edge) or {}).get("summary") or {}).get("total_count")


def _comment_item(comment: dict[str, Any], post_id: str) -> InboundItem:
    parent = (comment.get("parent") or {}).get("id") or post_id
    return InboundItem(
        remote_id=comment["id"],
        kind="reply",
        author=common.author(comment.get("from")),
        created_at=common.parse_time(comment["created_time"]),
        text=comment.get("message", ""),
        url=comment.get("permalink_url", ""),
        in_reply_to=parent,
        root_id=post_id,
        raw=comment,
    )


def _tagged_item(entry: dict[str, Any]) -> InboundItem:
    return InboundItem(
        remote_id=entry["id"],
        kind="mention",
        author=common.author(entry.get("from")),
        created_at=common.parse_time(entry["created_time"]),
        text=entry.get("message", ""),
        url=entry.get("permalink_url", ""),
        raw=entry,
    )
