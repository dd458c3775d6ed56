"""X connector on ``tweepy.Client`` (API v2) with an OAuth 2.0 user access token.

``create_tweet`` is one request, no hidden retries. X has no idempotency key, so after a
timeout ``find_published`` reads the account's own recent posts for the same text.
https://docs.x.com/x-api/posts/create-post
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import tweepy
from requests.adapters import BaseAdapter

from tribune.core import outbound
from tribune.networks.base import (
    AccountMetrics,
    AuthExpired,
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
from tribune.networks.x import inbound, media, oauth
from tribune.networks.x.errors import translated
from tribune.networks.x.text import same_text

RECONCILE_PAGES = 3
MAX_INBOUND_PAGES = 8  # since_id reaches back 800 mentions at most


def post_url(handle: str, tweet_id: str) -> str:
    return f"https://x.com/{handle or 'i'}/status/{tweet_id}"


class XConnector(Connector):
    name = "x"
    label = "X"
    # No DMs, likes, reposts or follows inbound: API v2 gives no per-account notifications.
    capabilities = frozenset(
        {"publish", "delete", "media", "threads", "mentions", "replies"}
        | {"account_metrics", "post_metrics", "refresh"}
    )
    limits = TextLimits(max_length=280, max_media=4, url_length=23)

    def __init__(
        self,
        credentials: Credentials,
        *,
        adapter: BaseAdapter | None = None,
        allow_private: bool | None = None,
    ) -> None:
        super().__init__(credentials)
        self.session = outbound.guarded_session(adapter, allow_private=allow_private)
        self.client = self._client()

    def _client(self) -> tweepy.Client:
        token = self.credentials.secrets.get("access_token", "")
        client = tweepy.Client(bearer_token=token or None, return_type=dict)
        client.session = self.session  # timeouts and the address guard
        return client

    def _call(self, method: str, *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """``client.<method>`` as the user (OAuth 2.0 user context: ``user_auth=False``
        means "use the bearer token", which is the user's access token here)."""
        if not self.credentials.secrets.get("access_token"):
            raise AuthExpired("The X account has no access token; reconnect it.")
        with translated(write=write):
            return getattr(self.client, method)(*args, user_auth=False, **kwargs)

    @property
    def user_id(self) -> str:
        if not self.credentials.remote_id:
            me = self._call("get_me")["data"]
            self.credentials = Credentials(
                handle=me["username"],
                secrets=self.credentials.secrets,
                base_url=self.credentials.base_url,
                remote_id=me["id"],
                expires_at=self.credentials.expires_at,
            )
        return self.credentials.remote_id

    def refresh_credentials(self) -> Credentials:
        self.credentials = oauth.refresh(self.credentials, session=self.session)
        self.client = self._client()
        return self.credentials

    # --- publishing ---------------------------------------------------------------------
    def publish(self, post: PostRequest) -> PublishedPost:
        if post.visibility not in {"", "public"}:
            raise Rejected("X posts are always public.")
        if post.content_warning:
            raise Rejected("X has no content warnings for posts.")
        media.check(post.media)
        # X detects the language itself; there is no parameter for it.
        media_ids = [media.upload(self.client, item) for item in post.media]
        answer = self._call(
            "create_tweet",
            text=post.text or None,
            media_ids=media_ids or None,
            in_reply_to_tweet_id=post.reply_to.remote_id if post.reply_to else None,
            write=True,
        )
        tweet_id = answer["data"]["id"]
        return PublishedPost(
            remote_id=tweet_id,
            url=post_url(self.credentials.handle, tweet_id),
            published_at=datetime.now(UTC),
        )

    def delete(self, ref: RemoteRef) -> None:
        """Deleting twice is fine: a post that is already gone (404) counts as deleted."""
        try:
            self._call("delete_tweet", ref.remote_id)
        except Rejected as exc:
            if not exc.detail.startswith("404"):
                raise

    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - timedelta(seconds=10)
        token = None
        for _ in range(RECONCILE_PAGES):
            page = self._call(
                "get_users_tweets",
                self.user_id,
                start_time=since,
                max_results=100,
                tweet_fields=["created_at", "entities"],
                exclude=["retweets"],
                pagination_token=token,
            )
            for tweet in page.get("data") or []:
                if same_text(text, tweet):
                    return PublishedPost(
                        remote_id=tweet["id"],
                        url=post_url(self.credentials.handle, tweet["id"]),
                        published_at=inbound.parse_time(tweet["created_at"]),
                    )
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                return None
        return None

    # --- reading ------------------------------------------------------------------------
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        own_id, token = self.user_id, None
        tweets: list[dict] = []
        users: dict[str, dict] = {}
        for _ in range(MAX_INBOUND_PAGES):
            page = self._call(
                "get_users_mentions",
                own_id,
                since_id=cursor or None,
                max_results=100 if cursor else max(5, min(limit, 100)),
                pagination_token=token,
                expansions=inbound.EXPANSIONS,
                tweet_fields=inbound.TWEET_FIELDS,
                user_fields=inbound.USER_FIELDS,
            )
            tweets += page.get("data") or []
            users |= {u["id"]: u for u in (page.get("includes") or {}).get("users", [])}
            token = (page.get("meta") or {}).get("next_token")
            if not token or not cursor:  # the first poll reads only the newest page
                break
        tweets.sort(key=lambda t: inbound.id_key(t["id"]))
        if cursor:
            tweets = [t for t in tweets if inbound.id_key(t["id"]) > inbound.id_key(cursor)]
        chosen = tweets[: max(0, limit)]
        items = [inbound.to_item(t, users, own_id) for t in chosen]
        return InboundPage(items=items, cursor=chosen[-1]["id"] if chosen else cursor)

    def fetch_account_metrics(self) -> AccountMetrics:
        user = self._call("get_me", user_fields=["public_metrics"])["data"]
        counts = user.get("public_metrics") or {}
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=counts.get("followers_count"),
            following=counts.get("following_count"),
            posts=counts.get("tweet_count"),
        )

    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]:
        """Public counts for posts that still exist, plus ``non_public_metrics`` (link
        clicks) where X gives them: only the owner's posts of the last 30 days. Saves are
        ``bookmark_count``; video views are the ``view_count`` of the post's video media
        (``attachments.media_keys`` expansion), absent for posts without a video."""
        ids = [ref.remote_id for ref in refs]
        found: dict[str, dict] = {}
        media: dict[str, dict] = {}
        for start in range(0, len(ids), 100):  # GET /2/tweets takes 100 ids
            batch = ids[start : start + 100]
            answer = self._call(
                "get_tweets",
                batch,
                tweet_fields=["public_metrics", "non_public_metrics"],
                **MEDIA_METRICS,
            )
            found |= {t["id"]: t for t in answer.get("data") or []}
            media |= _media(answer)
            # Posts refused only for their private numbers come back without them.
            retry = [i for i in batch if i not in found and not _gone(answer, i)]
            if retry:
                public = self._call(
                    "get_tweets", retry, tweet_fields=["public_metrics"], **MEDIA_METRICS
                )
                found |= {t["id"]: t for t in public.get("data") or []}
                media |= _media(public)
        return [_metrics(found[i], media) for i in ids if i in found]


# The post's media with their public counts (a video's ``view_count``).
MEDIA_METRICS: dict[str, Any] = {
    "expansions": ["attachments.media_keys"],
    "media_fields": ["type", "public_metrics"],
}
VIDEO_TYPES = {"video", "animated_gif"}


def _media(answer: dict) -> dict[str, dict]:
    return {m["media_key"]: m for m in (answer.get("includes") or {}).get("media") or []}


def _video_views(tweet: dict, media: dict[str, dict]) -> int | None:
    """Sum of the ``view_count`` of the post's videos; None without a video or a count."""
    keys = (tweet.get("attachments") or {}).get("media_keys") or []
    counts = [
        (media[k].get("public_metrics") or {}).get("view_count")
        for k in keys
        if k in media and media[k].get("type") in VIDEO_TYPES
    ]
    known = [int(c) for c in counts if c is not None]
    return sum(known) if known else None


def _gone(answer: dict, tweet_id: str) -> bool:
    """Whether the partial errors say the post no longer exists (deleted, suspended)."""
    for error in answer.get("errors") or []:
        if error.get("resource_id") == tweet_id or error.get("value") == tweet_id:
            return "not-found" in error.get("type", "") or error.get("title") == "Not Found Error"
    return False


def _metrics(tweet: dict, media: dict[str, dict] | None = None) -> PostMetrics:
    public = tweet.get("public_metrics") or {}
    private = tweet.get("non_public_metrics") or {}
    return PostMetrics(
        remote_id=tweet["id"],
        at=datetime.now(UTC),
        likes=public.get("like_count"),
        replies=public.get("reply_count"),
        reposts=public.get("retweet_count"),
        quotes=public.get("quote_count"),
        impressions=private.get("impression_count", public.get("impression_count")),
        link_clicks=private.get("url_link_clicks"),
        saves=public.get("bookmark_count"),
        video_views=_video_views(tweet, media or {}),
    )
