"""Bluesky connector on the maintained ``atproto`` SDK.

Posts are written with ``com.atproto.repo.createRecord`` (one record, no hidden retries);
reads that the PDS proxies to the AppView use the ``app.bsky`` namespace.
Lexicons: https://docs.bsky.app/docs/advanced-guides/posts
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx
from atproto import models
from pydantic import ValidationError

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
from tribune.networks.bluesky import facets, inbound, media, session
from tribune.networks.bluesky.errors import translated

POST = "app.bsky.feed.post"
# An extra record field, ignored by apps, that lets reconciliation recognise our own post.
# Records may carry fields their lexicon does not define (atproto data model).
IDEMPOTENCY_FIELD = "tribuneIdempotencyKey"
SELF_LABELS = frozenset({"sexual", "nudity", "porn", "graphic-media"})
RECONCILE_PAGES = 5


def _rkey(uri: str) -> tuple[str, str, str]:
    """``at://repo/collection/rkey`` → its three parts."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        raise Rejected(f"Not a Bluesky post address: {uri!r}.")
    return parts[0], parts[1], parts[2]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class BlueskyConnector(Connector):
    name = "bluesky"
    label = "Bluesky"
    capabilities = frozenset(
        {"publish", "delete", "media", "threads", "mentions", "replies"}
        | {"account_metrics", "post_metrics", "refresh"}
    )
    limits = TextLimits(max_length=300, max_media=4, counts_graphemes=True)

    def __init__(
        self,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        super().__init__(credentials)
        self._client = session.new_client(
            credentials, transport=transport, allow_private=allow_private
        )
        self._logged_in = False

    # --- session ------------------------------------------------------------------------
    @property
    def client(self) -> session.ExplicitRefreshClient:
        """The SDK client, logged in. A password login updates ``self.credentials`` with
        the new tokens so the caller can store them."""
        if not self._logged_in:
            self.credentials = session.open_session(self._client, self.credentials)
            self._logged_in = True
        return self._client

    @property
    def did(self) -> str:
        _ = self.client
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        self.credentials = session.refresh(self._client, self.credentials)
        self._logged_in = False
        return self.credentials

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        self._check(post)
        client = self.client
        found = facets.resolve_mentions(facets.detect(post.text), self._resolve_handle)
        fields: dict = {
            "text": post.text,
            "created_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "facets": facets.to_models(found) or None,
            "langs": [post.language] if post.language else None,
            "reply": self._reply_ref(post) if post.reply_to else None,
            "embed": media.embed(client, post.media),
            "labels": self._labels(post.content_warning),
        }
        try:
            record = models.AppBskyFeedPost.Record(
                **fields, **{IDEMPOTENCY_FIELD: post.idempotency_key}
            )
        except ValidationError as exc:
            raise Rejected("This post is not valid for Bluesky.", detail=str(exc)) from exc
        with translated(write=True):
            created = client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=self.credentials.remote_id, collection=POST, record=record
                )
            )
        return PublishedPost(
            remote_id=created.uri,
            url=inbound.post_url(created.uri),
            published_at=datetime.fromisoformat(fields["created_at"]),
            uri=created.uri,
            cid=created.cid,
        )

    def _check(self, post: PostRequest) -> None:
        media.check(post.media)
        if post.visibility not in {"", "public"}:
            raise Rejected("Bluesky posts are always public.")
        if post.content_warning and post.content_warning not in SELF_LABELS:
            allowed = ", ".join(sorted(SELF_LABELS))
            raise Rejected(f"Bluesky content warnings can only be: {allowed}.")

    def _labels(self, warning: str) -> models.ComAtprotoLabelDefs.SelfLabels | None:
        if not warning:
            return None
        return models.ComAtprotoLabelDefs.SelfLabels(
            values=[models.ComAtprotoLabelDefs.SelfLabel(val=warning)]
        )

    def _resolve_handle(self, handle: str) -> str | None:
        try:
            with translated():
                return self.client.resolve_handle(handle).did
        except Rejected as exc:  # unknown handle: the text stays, without a mention link
            if exc.permanent:
                return None
            raise

    def _strong_ref(self, ref: RemoteRef) -> tuple[models.ComAtprotoRepoStrongRef.Main, object]:
        """A ``{uri, cid}`` reference and the record it points to (read from its PDS)."""
        repo, collection, rkey = _rkey(ref.uri or ref.remote_id)
        with translated():
            got = self.client.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(repo=repo, collection=collection, rkey=rkey)
            )
        return models.ComAtprotoRepoStrongRef.Main(uri=got.uri, cid=got.cid or ref.cid), got.value

    def _reply_ref(self, post: PostRequest) -> models.AppBskyFeedPost.ReplyRef:
        """Parent is what we answer; root is the thread's first post: the given root, or
        the parent's own root when the parent is itself a reply."""
        assert post.reply_to is not None
        parent, parent_record = self._strong_ref(post.reply_to)
        if post.thread_root is not None:
            root, _ = self._strong_ref(post.thread_root)
        else:
            parent_reply = getattr(parent_record, "reply", None)
            root = parent_reply.root if parent_reply is not None else parent
        return models.AppBskyFeedPost.ReplyRef(parent=parent, root=root)

    def delete(self, ref: RemoteRef) -> None:
        repo, collection, rkey = _rkey(ref.uri or ref.remote_id)
        if repo != self.did:
            raise Rejected("Tribune can only delete posts of the connected account.")
        # deleteRecord is idempotent, so a timeout is only "unavailable": retrying is safe.
        with translated():
            self.client.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(repo=repo, collection=collection, rkey=rkey)
            )

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        """Read the account's own records from its PDS (the source of truth, no AppView
        indexing delay), newest first, back to ``since``."""
        since = _aware(since) - timedelta(seconds=1)
        cursor = None
        for _ in range(RECONCILE_PAGES):
            with translated():
                page = self.client.com.atproto.repo.list_records(
                    models.ComAtprotoRepoListRecords.Params(
                        repo=self.did, collection=POST, limit=100, cursor=cursor
                    )
                )
            for entry in page.records:
                created = _aware(inbound.parse_time(entry.value.created_at))
                extra = entry.value.model_extra or {}
                if extra.get(IDEMPOTENCY_FIELD) == idempotency_key or (
                    created >= since and entry.value.text == text
                ):
                    return PublishedPost(
                        entry.uri,
                        inbound.post_url(entry.uri),
                        created,
                        uri=entry.uri,
                        cid=entry.cid,
                    )
                if created < since - timedelta(minutes=10):  # allow for clock skew
                    return None
            if not page.cursor:
                return None
            cursor = page.cursor
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        def list_page(api_cursor: str | None, size: int):
            with translated():
                return self.client.app.bsky.notification.list_notifications(
                    models.AppBskyNotificationListNotifications.Params(
                        limit=size, cursor=api_cursor
                    )
                )

        position = inbound.Cursor.decode(cursor)
        newer = inbound.collect(list_page, position, limit)
        items, position = inbound.page_out(newer, position, limit)
        return InboundPage(items=items, cursor=position.encode() or cursor)

    def fetch_account_metrics(self) -> AccountMetrics:
        with translated():
            profile = self.client.app.bsky.actor.get_profile(
                models.AppBskyActorGetProfile.Params(actor=self.did)
            )
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=profile.followers_count,
            following=profile.follows_count,
            posts=profile.posts_count,
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Counts for the posts that still exist (deleted ones are left out). Saves are
        the post view's ``bookmarkCount`` (public since Bluesky's bookmarks, 2025; absent
        from older App Views: then None). Bluesky gives no impressions nor video views."""
        uris = [ref.uri or ref.remote_id for ref in refs]
        metrics = []
        for start in range(0, len(uris), 25):  # getPosts takes at most 25 URIs
            with translated():
                views = self.client.app.bsky.feed.get_posts(
                    models.AppBskyFeedGetPosts.Params(uris=uris[start : start + 25])
                ).posts
            now = datetime.now(UTC)
            metrics += [
                PostMetrics(
                    remote_id=view.uri,
                    at=now,
                    likes=view.like_count,
                    replies=view.reply_count,
                    reposts=view.repost_count,
                    quotes=view.quote_count,
                    saves=view.bookmark_count,
                )
                for view in views
            ]
        return metrics
