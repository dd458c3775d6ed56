"""Mastodon connector on ``Mastodon.py`` (any instance; ``Credentials.base_url``).

Publishing is one ``POST /api/v1/statuses`` carrying an ``Idempotency-Key`` header with the
post's idempotency key: Mastodon keeps the key for up to an hour and answers a repeated
request with the status it already created, so even a retry after a timeout cannot
duplicate the post within that hour. https://docs.joinmastodon.org/methods/statuses/#create
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from mastodon import Mastodon
from requests.adapters import BaseAdapter

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
from tribune.networks.mastodon import inbound, media
from tribune.networks.mastodon.client import api_for
from tribune.networks.mastodon.errors import translated
from tribune.networks.mastodon.text import same_text

VISIBILITIES = frozenset({"public", "unlisted", "private", "direct"})
RECONCILE_PAGES = 5
MAX_INBOUND_PAGES = 10


def _utc(moment: Any) -> datetime:
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return datetime.fromisoformat(str(moment).replace("Z", "+00:00"))


def _published(status: Any) -> PublishedPost:
    return PublishedPost(
        remote_id=str(status["id"]),
        url=status.get("url") or status.get("uri") or "",
        published_at=_utc(status["created_at"]),
        uri=status.get("uri") or "",
    )


class MastodonConnector(Connector):
    name = "mastodon"
    label = "Mastodon"
    # No "refresh": Mastodon access tokens do not expire and no refresh token is issued.
    capabilities = frozenset(
        {"publish", "delete", "media", "threads", "mentions", "replies", "dms"}
        | {"account_metrics", "post_metrics"}
    )
    # 500 is Mastodon's default (instances may allow more); every URL counts as 23.
    limits = TextLimits(max_length=500, max_media=4, url_length=23, counts_graphemes=True)

    def __init__(
        self,
        credentials: Credentials,
        *,
        adapter: BaseAdapter | None = None,
        allow_private: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(credentials)
        self.api: Mastodon = api_for(credentials, adapter=adapter, allow_private=allow_private)
        self._sleep = sleep

    @property
    def account_id(self) -> str:
        """The account's id on its server (read once from ``verify_credentials``)."""
        if not self.credentials.remote_id:
            with translated(self.api):
                account = self.api.account_verify_credentials()
            self.credentials = Credentials(
                handle=self.credentials.handle or str(account["acct"]),
                secrets=self.credentials.secrets,
                base_url=self.credentials.base_url,
                remote_id=str(account["id"]),
                expires_at=self.credentials.expires_at,
            )
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        raise Rejected(
            "Mastodon access tokens do not expire; this one was revoked. Reconnect the account."
        )

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        visibility = post.visibility or "public"
        if visibility not in VISIBILITIES:
            raise Rejected(f"Mastodon has no {visibility!r} visibility.")
        media.check(post.media)
        media_ids = [media.upload(self.api, item, sleep=self._sleep) for item in post.media]
        with translated(self.api, write=True):
            status = self.api.status_post(
                post.text,
                in_reply_to_id=post.reply_to.remote_id if post.reply_to else None,
                media_ids=media_ids or None,
                visibility=visibility,
                spoiler_text=post.content_warning or None,
                language=post.language or None,
                idempotency_key=post.idempotency_key,
            )
        return _published(status)

    def delete(self, ref: RemoteRef) -> None:
        """Deleting twice is fine: a status that is already gone (404) counts as deleted."""
        try:
            with translated(self.api):
                self.api.status_delete(ref.remote_id)
        except Rejected as exc:
            if not exc.detail.startswith("404"):
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        """The account's own statuses, newest first, back to ``since``: the first whose
        text matches. Mastodon does not show idempotency keys, so the text decides; a
        retry with the same key within the hour is harmless anyway (see module doc)."""
        since = _utc(since) - timedelta(seconds=1)
        max_id = None
        for _ in range(RECONCILE_PAGES):
            with translated(self.api):
                page = self.api.account_statuses(
                    self.account_id, exclude_reblogs=True, max_id=max_id, limit=40
                )
            for status in page:
                created = _utc(status["created_at"])
                if created >= since and same_text(text, status.get("content")):
                    return _published(status)
                if created < since - timedelta(minutes=10):  # allow for clock skew
                    return None
            if not page:
                return None
            max_id = page[-1]["id"]
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        own_id = self.account_id
        notes: list[Any] = []
        newest = cursor or None
        for _ in range(MAX_INBOUND_PAGES):
            size = max(1, min(limit - len(notes), inbound.PAGE_SIZE))
            with translated(self.api):
                page = self.api.notifications(min_id=newest, limit=size, types=inbound.TYPES)
            page = sorted(page, key=lambda n: inbound.id_key(n["id"]))
            notes += page
            if page:
                newest = str(page[-1]["id"])
            # The first poll reads only the newest page: no back-fill of the whole history.
            if not cursor or len(page) < size or len(notes) >= limit:
                break
        items = [item for n in notes if (item := inbound.to_item(n, own_id)) is not None]
        return InboundPage(items=items, cursor=newest or "")

    def fetch_account_metrics(self) -> AccountMetrics:
        with translated(self.api):
            account = self.api.account_verify_credentials()
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=account.get("followers_count"),
            following=account.get("following_count"),
            posts=account.get("statuses_count"),
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Counts for the statuses that still exist (deleted ones are left out). Mastodon
        publishes no impressions or clicks; ``quotes_count`` only from Mastodon 4.5."""
        metrics = []
        for ref in refs:
            try:
                with translated(self.api):
                    status = self.api.status(ref.remote_id)
            except Rejected as exc:
                if exc.detail.startswith("404"):
                    continue
                raise
            metrics.append(
                PostMetrics(
                    remote_id=str(status["id"]),
                    at=datetime.now(UTC),
                    likes=status.get("favourites_count"),
                    replies=status.get("replies_count"),
                    reposts=status.get("reblogs_count"),
                    quotes=status.get("quotes_count"),
                )
            )
        return metrics
