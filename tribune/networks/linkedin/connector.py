"""LinkedIn organization page connector on the Posts API (``/rest/posts``).

Credentials: ``remote_id`` = the organization id (or its ``urn:li:organization:`` URN),
``secrets["access_token"]`` (+ ``refresh_token`` for approved apps). The person who
connected the page must be one of its administrators.
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

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
from tribune.networks.linkedin import media, oauth, social, video
from tribune.networks.linkedin.client import LinkedIn, urn
from tribune.networks.linkedin.text import escape, same_text

RECONCILE_POSTS = 50


def post_url(post_urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{post_urn}/"


def millis(moment: int | None) -> datetime:
    return datetime.fromtimestamp((moment or 0) / 1000, tz=UTC)


class LinkedInConnector(Connector):
    name = "linkedin"
    label = "LinkedIn Page"
    # No mentions or DMs: they need LinkedIn's notifications/messaging programmes. No
    # "threads": a reply is a comment under the post (hence "first_comment").
    capabilities = frozenset(
        {"publish", "delete", "media", "first_comment", "replies"}
        | {"account_metrics", "post_metrics", "refresh"}
    )
    limits = TextLimits(max_length=3000, max_media=20)

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        super().__init__(credentials)
        self._transport, self._allow_private = transport, allow_private
        self.api = LinkedIn(
            credentials.secrets.get("access_token", ""),
            transport=transport,
            allow_private=allow_private,
        )

    @property
    def organization(self) -> str:
        org = self.credentials.remote_id
        if not org:
            raise Rejected("The LinkedIn organization id is missing; reconnect the page.")
        return org if org.startswith("urn:li:") else f"urn:li:organization:{org}"

    def refresh_credentials(self) -> Credentials:
        self.credentials = oauth.refresh(
            self.credentials, transport=self._transport, allow_private=self._allow_private
        )
        self.api = LinkedIn(
            self.credentials.secrets["access_token"],
            transport=self._transport,
            allow_private=self._allow_private,
        )
        return self.credentials

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        if post.visibility not in {"", "public"}:
            raise Rejected("Tribune publishes public LinkedIn page posts only.")
        if post.content_warning:
            raise Rejected("LinkedIn has no content warnings for posts.")
        if post.reply_to is not None:
            return social.comment(self.api, self.organization, post.reply_to, post.text)
        media.check(post.media)
        body: dict[str, Any] = {
            "author": self.organization,
            "commentary": escape(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        title = next((line.strip() for line in post.text.splitlines() if line.strip()), "")
        content = media.content(self.api, self.organization, post.media, title=title[:200])
        if content:
            body["content"] = content
        # No language parameter in the Posts API; LinkedIn detects it.
        response = self.api.request("POST", "posts", json=body, write=True)
        post_urn = response.headers.get("x-restli-id", "")
        return PublishedPost(post_urn, post_url(post_urn), datetime.now(UTC), uri=post_urn)

    def delete(self, ref: RemoteRef) -> None:
        """Deleting twice is fine: LinkedIn answers 204 for a post already gone, and a 404
        counts as deleted too."""
        try:
            if ref.remote_id.startswith("urn:li:comment:"):
                social.delete_comment(self.api, self.organization, ref.remote_id)
            else:
                self.api.request("DELETE", f"posts/{urn(ref.remote_id)}")
        except Rejected as exc:
            if not exc.detail.startswith("404"):
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - timedelta(minutes=10)
        for entry in self._recent_posts(RECONCILE_POSTS):
            created = millis(entry.get("createdAt") or entry.get("publishedAt"))
            if created < since:
                continue
            if same_text(text, entry.get("commentary")):
                return PublishedPost(entry["id"], post_url(entry["id"]), created, uri=entry["id"])
        return None

    def _recent_posts(self, count: int) -> list[dict[str, Any]]:
        answer = self.api.json(
            "GET",
            "posts",
            query=f"author={urn(self.organization)}&q=author&count={count}&sortBy=CREATED",
            headers={"X-RestLi-Method": "FINDER"},
        )
        return answer.get("elements") or []

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        posts = [entry["id"] for entry in self._recent_posts(social.RECENT_POSTS)]
        return social.inbound(self.api, self.organization, posts, cursor, limit)

    def fetch_account_metrics(self) -> AccountMetrics:
        """Followers from ``networkSizes`` (the total LinkedIn shows on the page)."""
        answer = self.api.json(
            "GET",
            f"networkSizes/{urn(self.organization)}",
            query="edgeType=COMPANY_FOLLOWED_BY_MEMBER",
        )
        return AccountMetrics(at=datetime.now(UTC), followers=answer.get("firstDegreeSize"))

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Share statistics for every post, plus the lifetime video views of the video
        posts (``video.py``: one Posts API read per 20 ``ugcPost`` URNs and one
        ``videoAnalytics`` call per video post); other posts keep ``video_views`` None."""
        metrics = social.share_statistics(self.api, self.organization, [r.remote_id for r in refs])
        views = video.video_views(self.api, list(dict.fromkeys(m.remote_id for m in metrics)))
        return [replace(m, video_views=views.get(m.remote_id)) for m in metrics]
