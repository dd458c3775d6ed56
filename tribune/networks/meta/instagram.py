"""Instagram professional account connector (Instagram API with Facebook Login).

Publishing is two steps: create a container (``POST /{ig-user-id}/media``, Instagram
fetches the image from a public URL), then ``POST /{ig-user-id}/media_publish``. A carousel
is 2–10 child containers and a parent; one video is a Reel (``media_type=REELS``). Only
the publish step makes a post, so only its timeout is an ``UnknownOutcome``. Accounts may
publish a limited number of posts per 24 h (``content_publishing_limit``); when it is used
up we say so with ``RateLimited``.
https://developers.facebook.com/docs/instagram-platform/content-publishing
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx

from tribune.networks.base import (
    AccountMetrics,
    Connector,
    Credentials,
    InboundPage,
    MediaItem,
    NetworkError,
    PostMetrics,
    PostRequest,
    PublishedPost,
    RateLimited,
    Rejected,
    RemoteRef,
    TextLimits,
    Unavailable,
)
from tribune.networks.meta import common, instagram_read
from tribune.networks.meta.errors import is_gone
from tribune.networks.meta.graph import Graph

MAX_HASHTAGS, MAX_MENTIONS = 30, 20
WAIT_ATTEMPTS, WAIT_SECONDS = 10, 3.0
VIDEO_WAIT_ATTEMPTS = 30  # 90 s: under the publisher's stuck delay (120 s by default)
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime"})
MAX_VIDEO_BYTES = 300 * 1024 * 1024
MediaUrl = Callable[[MediaItem], str]


def storage_url(item: MediaItem) -> str:
    """Default: store the image with Django's storage and return its absolute URL."""
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    suffix = {"video/mp4": ".mp4", "video/quicktime": ".mov"}.get(item.mime_type, ".jpg")
    name = f"instagram/{hashlib.sha256(item.content).hexdigest()[:32]}{suffix}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(item.content))
    url = default_storage.url(name)
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url


class InstagramConnector(Connector):
    name = "instagram"
    label = "Instagram"
    # No text-only posts, no DMs, no refresh (the Page token does not expire), no
    # "threads": a reply is a comment under the post (hence "first_comment").
    capabilities = frozenset(
        {"publish", "delete", "media", "first_comment", "mentions", "replies"}
        | {"account_metrics", "post_metrics"}
    )
    limits = TextLimits(max_length=2200, max_media=10)

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
        media_url: MediaUrl = storage_url,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(credentials)
        token = credentials.secrets.get("access_token", "")
        self.graph = Graph(
            token, label="Instagram", transport=transport, allow_private=allow_private
        )
        self.media_url = media_url
        self._sleep = sleep

    @property
    def ig_user_id(self) -> str:
        if not self.credentials.remote_id:
            raise Rejected("The Instagram account id is missing; reconnect the account.")
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        raise Rejected("Instagram access through a Facebook Page does not expire; reconnect it.")

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        if post.reply_to is not None:
            return self._comment(post)
        common.check_public(post, "Instagram")
        self._check(post)
        self._check_quota()
        caption = {"caption": post.text} if post.text else {}
        if post.media[0].mime_type.startswith("video/"):
            # A video is published as a Reel (also shown in the feed); Instagram fetches
            # the file from its URL and processes it for a while.
            container = self._create(
                {
                    "media_type": "REELS",
                    "video_url": self.media_url(post.media[0]),
                    "share_to_feed": "true",
                    **caption,
                }
            )
            self._wait(container, attempts=VIDEO_WAIT_ATTEMPTS)
        elif len(post.media) == 1:
            container = self._container(post.media[0], **caption)
        else:
            children = [self._container(item, is_carousel_item="true") for item in post.media]
            container = self._create(
                {"media_type": "CAROUSEL", "children": ",".join(children), **caption}
            )
        if not post.media[0].mime_type.startswith("video/"):
            self._wait(container)
        media_id = self.graph.post(f"{self.ig_user_id}/media_publish", {"creation_id": container})[
            "id"
        ]
        return PublishedPost(
            media_id,
            self._permalink(media_id),
            datetime.now(UTC),
            uri=f"instagram:media:{media_id}",
        )

    def _check(self, post: PostRequest) -> None:
        if not post.media:
            raise Rejected("Instagram posts need at least one image.")
        if len(post.media) > self.limits.max_media:
            raise Rejected("An Instagram carousel takes at most 10 images.")
        videos = [item for item in post.media if item.mime_type.startswith("video/")]
        if videos and len(post.media) > 1:
            raise Rejected("Tribune publishes one video on its own to Instagram (a Reel).")
        if videos and videos[0].mime_type not in VIDEO_TYPES:
            raise Rejected("Instagram takes MP4 or MOV videos.")
        if videos and len(videos[0].content) > MAX_VIDEO_BYTES:
            raise Rejected("Instagram Reels are limited to 300 MB.")
        if not videos and any(item.mime_type != "image/jpeg" for item in post.media):
            raise Rejected("Instagram publishes JPEG images only.")
        if len(post.text) > self.limits.max_length:
            raise Rejected("Instagram captions are limited to 2,200 characters.")
        if len(re.findall(r"(?<!\w)#\w", post.text)) > MAX_HASHTAGS:
            raise Rejected("Instagram captions take at most 30 hashtags.")
        if len(re.findall(r"(?<![\w@])@[\w.]", post.text)) > MAX_MENTIONS:
            raise Rejected("Instagram captions take at most 20 @mentions.")

    def _check_quota(self) -> None:
        answer = self.graph.get(
            f"{self.ig_user_id}/content_publishing_limit", fields="quota_usage,config"
        )
        usage = (answer.get("data") or [{}])[0]
        total = (usage.get("config") or {}).get("quota_total")
        if total is not None and usage.get("quota_usage", 0) >= total:
            raise RateLimited(
                f"Instagram allows {total} API posts per 24 hours and they are used up.",
                retry_after=3600,
            )

    def _container(self, item: MediaItem, **extra: str) -> str:
        data = {"image_url": self.media_url(item), **extra}
        if item.alt_text:
            data["alt_text"] = item.alt_text  # since March 2025, images only
        return self._create(data)

    def _create(self, data: dict[str, str]) -> str:
        # A container is not a post: a retry cannot duplicate anything people see.
        return str(self.graph.post(f"{self.ig_user_id}/media", data, write=False)["id"])

    def _wait(self, container: str, attempts: int = WAIT_ATTEMPTS) -> None:
        """Until the container is ``FINISHED`` (images usually are at once, videos take
        a while)."""
        for _ in range(attempts):
            status = self.graph.get(container, fields="status_code").get("status_code")
            if status in {"FINISHED", None}:
                return
            if status in {"ERROR", "EXPIRED"}:
                raise Rejected(f"Instagram could not prepare the media ({status}).")
            self._sleep(WAIT_SECONDS)
        raise Unavailable("Instagram is still preparing the media; we will try again.")

    def _permalink(self, media_id: str) -> str:
        try:  # the post exists: failing to read its address must not fail the publish
            return self.graph.get(media_id, fields="permalink").get("permalink", "")
        except NetworkError:
            return ""

    def _comment(self, post: PostRequest) -> PublishedPost:
        """A reply: ``/{media}/comments`` for a post, ``/{comment}/replies`` for a comment."""
        assert post.reply_to is not None
        target = post.reply_to
        edge = "replies" if self._is_comment(target) else "comments"
        comment_id = self.graph.post(f"{target.remote_id}/{edge}", {"message": post.text})["id"]
        return PublishedPost(
            comment_id, "", datetime.now(UTC), uri=f"instagram:comment:{comment_id}"
        )

    def _is_comment(self, ref: RemoteRef) -> bool:
        if ref.uri.startswith("instagram:"):
            return ref.uri.startswith("instagram:comment:")
        # Unknown: media have a media_type, comments do not (Graph answers error 100).
        try:
            return "media_type" not in self.graph.get(ref.remote_id, fields="id,media_type")
        except Rejected:
            return True

    def delete(self, ref: RemoteRef) -> None:
        """Comments can be deleted; Instagram's API cannot delete posts."""
        if not self._is_comment(ref):
            raise Rejected("Instagram does not let apps delete posts; delete it in the app.")
        try:
            self.graph.delete(ref.remote_id)
        except NetworkError as exc:
            if not is_gone(exc):
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        for media in self.graph.pages(
            f"{self.ig_user_id}/media",
            max_pages=2,
            fields="id,caption,timestamp,permalink",
            limit=25,
        ):
            created = common.parse_time(media["timestamp"])
            if created < common.aware(since) - common.RECONCILE_SLACK:
                return None
            if common.comparable(media.get("caption")) == common.comparable(text):
                return PublishedPost(
                    media["id"],
                    media.get("permalink", ""),
                    created,
                    uri=f"instagram:media:{media['id']}",
                )
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        return instagram_read.inbound(
            self.graph, self.ig_user_id, self.credentials.handle, cursor, limit
        )

    def fetch_account_metrics(self) -> AccountMetrics:
        account = self.graph.get(
            self.ig_user_id, fields="followers_count,follows_count,media_count"
        )
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=account.get("followers_count"),
            following=account.get("follows_count"),
            posts=account.get("media_count"),
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        return instagram_read.post_metrics(self.graph, [ref.remote_id for ref in refs])
