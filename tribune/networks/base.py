"""The small typed interface every network connector implements.

Connectors receive plain data (``Credentials``, ``PostRequest``) and return plain data;
they never see database rows. They raise the typed errors below and the domain
(publishing, inbox, listening) decides whether to retry, refresh, disable or alert.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, ClassVar, Literal

InboundKind = Literal["mention", "reply", "quote", "dm", "like", "repost", "follow"]
CAPABILITIES = frozenset(
    {
        "publish",
        "delete",
        "media",
        "threads",
        "first_comment",
        "mentions",
        "replies",
        "dms",
        "account_metrics",
        "post_metrics",
        "refresh",
        "search",
    }
)


# --- typed errors ---------------------------------------------------------------------
class NetworkError(Exception):
    """Base class. ``message`` is written for a person (shown in the UI and emails)."""

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class RateLimited(NetworkError):
    """The network asked us to slow down; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.retry_after = max(0.0, float(retry_after))


class AuthExpired(NetworkError):
    """The access token is no longer accepted; refresh once, then ask a person."""


class Rejected(NetworkError):
    """The network refused the request. ``permanent`` means retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = True, detail: str = "") -> None:
        super().__init__(message, detail=detail)
        self.permanent = permanent


class Unavailable(NetworkError):
    """Transient failure *before* the network accepted anything (DNS, refused, 5xx)."""


class UnknownOutcome(NetworkError):
    """The request may or may not have taken effect (timeout after sending).

    Never retry a publish blindly after this: reconcile with ``find_published`` first.
    """


# --- plain data ------------------------------------------------------------------------
@dataclass(frozen=True)
class Credentials:
    """What a connector needs to act as one account. ``secrets`` are decrypted values."""

    handle: str
    secrets: dict[str, str] = field(default_factory=dict)
    base_url: str = ""
    remote_id: str = ""
    expires_at: datetime | None = None

    def with_secrets(self, **updates: str) -> Credentials:
        merged = {**self.secrets, **{k: v for k, v in updates.items() if v}}
        return replace(self, secrets=merged)


@dataclass(frozen=True)
class MediaItem:
    content: bytes
    mime_type: str
    alt_text: str = ""
    filename: str = ""


@dataclass(frozen=True)
class RemoteRef:
    """A pointer to an object on the network (post, message)."""

    remote_id: str
    uri: str = ""
    cid: str = ""


@dataclass(frozen=True)
class PostRequest:
    text: str
    idempotency_key: str
    media: Sequence[MediaItem] = ()
    reply_to: RemoteRef | None = None
    thread_root: RemoteRef | None = None
    language: str = ""
    visibility: str = "public"
    content_warning: str = ""


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str
    published_at: datetime
    uri: str = ""
    cid: str = ""


@dataclass(frozen=True)
class RemoteAuthor:
    remote_id: str
    handle: str
    display_name: str = ""
    followers: int | None = None
    avatar_url: str = ""
    bio: str = ""
    lang: str = ""


@dataclass(frozen=True)
class InboundItem:
    remote_id: str
    kind: InboundKind
    author: RemoteAuthor
    created_at: datetime
    text: str = ""
    url: str = ""
    in_reply_to: str = ""
    root_id: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboundPage:
    items: list[InboundItem]
    cursor: str = ""


@dataclass(frozen=True)
class AccountMetrics:
    at: datetime
    followers: int | None = None
    following: int | None = None
    posts: int | None = None


@dataclass(frozen=True)
class PostMetrics:
    remote_id: str
    at: datetime
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    impressions: int | None = None
    link_clicks: int | None = None
    # None means the network does not give the number for this post (never 0 for unknown).
    saves: int | None = None  # bookmarks / saves, where the network reports them
    video_views: int | None = None  # plays of the post's video; None for posts without one


@dataclass(frozen=True)
class TextLimits:
    max_length: int
    max_media: int = 4
    url_length: int | None = None  # counted length of any URL, when the network shortens
    counts_graphemes: bool = False


# --- the interface ---------------------------------------------------------------------
class Connector(abc.ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[frozenset[str]] = frozenset()
    limits: ClassVar[TextLimits]
    is_sandbox: ClassVar[bool] = False

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    @abc.abstractmethod
    def publish(self, post: PostRequest) -> PublishedPost:
        """Publish and return the network's id. Raise a typed ``NetworkError``."""

    @abc.abstractmethod
    def delete(self, ref: RemoteRef) -> None: ...

    @abc.abstractmethod
    def find_published(
        self, idempotency_key: str, text: str, since: datetime
    ) -> PublishedPost | None:
        """Look for a post we may already have published (reconciliation after a timeout)."""

    @abc.abstractmethod
    def fetch_inbound(self, cursor: str = "", limit: int = 100) -> InboundPage:
        """Mentions, replies, quotes and DMs newer than ``cursor`` (oldest first)."""

    @abc.abstractmethod
    def fetch_account_metrics(self) -> AccountMetrics: ...

    @abc.abstractmethod
    def fetch_post_metrics(self, refs: Sequence[RemoteRef]) -> list[PostMetrics]: ...

    def refresh_credentials(self) -> Credentials:
        """Return new credentials. Must keep the refresh token when the network does not
        send a new one (lesson from Postiz #1884)."""
        raise Rejected(f"{self.label} accounts cannot refresh their access automatically.")
