"""YouTube channel connector on the Data API v3: what the API allows, said honestly.

- ``publish`` uploads **one video** (title = first line of the text, description = the
  text); a text-only post is refused: YouTube's API has no community posts. That is why
  "publish" is not among the capabilities, while "media" is.
- ``publish`` with ``reply_to`` writes a comment (on a video or under a comment).
- ``update_metadata`` changes an existing video's title, description or tags.
Credentials: ``remote_id`` = the channel id (``UC…``), OAuth tokens in ``secrets``.
https://developers.google.com/youtube/v3/docs
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from tribune.networks.base import (
    AccountMetrics,
    Connector,
    Credentials,
    InboundPage,
    PostMetrics,
    PostRequest,
    PublishedPost,
    Rejected,
    RemoteRef,
    TextLimits,
)
from tribune.networks.youtube import comments, oauth, videos
from tribune.networks.youtube.client import YouTube


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def _count(value: str | None) -> int | None:
    return int(value) if value is not None else None


class YouTubeConnector(Connector):
    name = "youtube"
    label = "YouTube"
    # No "publish" (no text posts), no "mentions" or "dms" (the API has neither); replies
    # are comments under the video (hence "first_comment", not "threads").
    capabilities = frozenset(
        {"media", "delete", "first_comment", "replies", "account_metrics", "post_metrics"}
        | {"refresh"}
    )
    limits = TextLimits(max_length=videos.MAX_DESCRIPTION, max_media=1)

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        super().__init__(credentials)
        self._transport, self._allow_private = transport, allow_private
        self.api = self._api()

    def _api(self) -> YouTube:
        token = self.credentials.secrets.get("access_token", "")
        return YouTube(token, transport=self._transport, allow_private=self._allow_private)

    @property
    def channel_id(self) -> str:
        if not self.credentials.remote_id:
            found = self.api.json("GET", "channels", params={"part": "snippet", "mine": "true"})
            if not found.get("items"):
                raise Rejected("This Google account has no YouTube channel.")
            channel = found["items"][0]
            self.credentials = Credentials(
                handle=channel["snippet"].get("customUrl") or channel["snippet"]["title"],
                secrets=self.credentials.secrets,
                remote_id=channel["id"],
                expires_at=self.credentials.expires_at,
            )
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        self.credentials = oauth.refresh(
            self.credentials, transport=self._transport, allow_private=self._allow_private
        )
        self.api = self._api()
        return self.credentials

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        if post.content_warning:
            raise Rejected("YouTube has no content warnings.")
        if post.reply_to is not None:
            answer = comments.reply(self.api, post.reply_to, post.text)
            video_id = answer["snippet"].get("videoId", "")
            return PublishedPost(
                answer["id"],
                f"{watch_url(video_id)}&lc={answer['id']}" if video_id else "",
                datetime.now(UTC),
                uri=f"youtube:comment:{answer['id']}",
            )
        video = videos.upload(self.api, post)
        return PublishedPost(
            video["id"],
            watch_url(video["id"]),
            datetime.now(UTC),
            uri=f"youtube:video:{video['id']}",
        )

    def update_metadata(
        self,
        ref: RemoteRef,
        *,
        title: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
    ) -> None:
        videos.update_metadata(
            self.api, ref.remote_id, title=title, description=description, tags=tags
        )

    def delete(self, ref: RemoteRef) -> None:
        """A video or a comment; deleting twice is fine (404 counts as deleted)."""
        path = "videos" if comments.is_video(ref) else "comments"
        try:
            self.api.request("DELETE", path, params={"id": ref.remote_id})
        except Rejected as exc:
            if not exc.detail.startswith("404"):
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        """A video in the channel's uploads since ``since`` whose description is the text."""
        since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - timedelta(minutes=10)
        for item in videos.uploads(self.api, self.channel_id):
            snippet = item["snippet"]
            added = comments.parse_time(snippet["publishedAt"])
            if added < since:
                return None
            if " ".join(snippet.get("description", "").split()) == " ".join(text.split()):
                video_id = snippet["resourceId"]["videoId"]
                return PublishedPost(
                    video_id, watch_url(video_id), added, uri=f"youtube:video:{video_id}"
                )
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        return comments.inbound(self.api, self.channel_id, cursor, limit)

    def fetch_account_metrics(self) -> AccountMetrics:
        found = self.api.json(
            "GET", "channels", params={"part": "statistics", "id": self.channel_id}
        )
        stats = (found.get("items") or [{}])[0].get("statistics") or {}
        hidden = stats.get("hiddenSubscriberCount")
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=None if hidden else _count(stats.get("subscriberCount")),
            posts=_count(stats.get("videoCount")),
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Videos that still exist. ``viewCount`` is the video views. YouTube has no
        impressions in the Data API; the view count is the nearest number and is also
        reported as ``impressions`` (so videos get an engagement rate). Likes are absent
        when the owner hides them; dislikes are private; there are no saves."""
        ids = [ref.remote_id for ref in refs if comments.is_video(ref)]
        metrics = []
        for start in range(0, len(ids), 50):
            found = self.api.json(
                "GET",
                "videos",
                params={"part": "statistics", "id": ",".join(ids[start : start + 50])},
            )
            now = datetime.now(UTC)
            for video in found.get("items") or []:
                stats = video.get("statistics") or {}
                metrics.append(
                    PostMetrics(
                        remote_id=video["id"],
                        at=now,
                        likes=_count(stats.get("likeCount")),
                        replies=_count(stats.get("commentCount")),
                        impressions=_count(stats.get("viewCount")),
                        video_views=_count(stats.get("viewCount")),
                    )
                )
        return metrics
