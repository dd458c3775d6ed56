"""Read one source and record its health: success resets the backoff, each consecutive
failure doubles the wait before the next try (capped), so a dead feed costs little."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db.models import Count
from django.utils import timezone

from tribune.core.audit import record_audit
from tribune.listening.models import Source
from tribune.listening.services.ingest import IngestResult, Item, do_ingest

logger = logging.getLogger(__name__)

FETCH_EVERY = timedelta(minutes=10)
SANDBOX_EVERY = timedelta(minutes=1)
NETWORK_EVERY = timedelta(minutes=2)  # Bluesky search, Mastodon timelines
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=12)
SANDBOX_BATCH = 2000


@dataclass
class FetchOutcome:
    ok: bool
    result: IngestResult
    error: str = ""
    not_modified: bool = False


def backoff(failures: int) -> timedelta:
    return min(BACKOFF_MAX, BACKOFF_BASE * (2 ** min(20, max(0, failures - 1))))


def do_fetch_source(
    source: Source,
    now: datetime | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> FetchOutcome:
    """Fetch, store what is new and update the health columns (inside the brand scope)."""
    from tribune.listening.feeds import FeedError, fetch
    from tribune.listening.social import SourceError

    now = now or timezone.now()
    brand = source.brand
    every = FETCH_EVERY
    try:
        if source.kind == Source.Kind.SANDBOX:
            items, cursor = sandbox_items(source)
            result = do_ingest(brand, source, items, now)
            if cursor:
                source.cursor_at, source.cursor_id = cursor
            _note_newest(source, [i.published_at for i in items], now)
            not_modified = False
            every = SANDBOX_EVERY
        elif source.kind in NETWORK_KINDS:
            read = read_network(source, transport)
            result = do_ingest(brand, source, read.items, now)
            source.cursor = read.cursor[:200]
            _note_newest(source, [read.newest] if read.newest else [], now)
            not_modified = not read.items
            every = NETWORK_EVERY
        else:
            feed = fetch(
                source.url,
                etag=source.etag,
                last_modified=source.last_modified,
                transport=transport,
            )
            not_modified = feed.not_modified
            result = (
                IngestResult() if feed.not_modified else do_ingest(brand, source, feed.items, now)
            )
            if not feed.not_modified:
                source.etag, source.last_modified = feed.etag, feed.last_modified
                _note_newest(source, [i.published_at for i in feed.items], now)
    except (FeedError, SourceError) as exc:
        return _failed(source, now, str(exc))
    source.last_success_at = now
    source.consecutive_failures = 0
    source.last_error = ""
    source.next_fetch_at = now + every
    source.save()
    return FetchOutcome(True, result, not_modified=not_modified)


def _note_newest(source: Source, times: list[datetime], now: datetime) -> None:
    """Remember the newest item seen: the source's lag is now minus that."""
    newest = min(max(times, default=now), now) if times else None
    if newest and (source.last_item_at is None or newest > source.last_item_at):
        source.last_item_at = newest


NETWORK_KINDS = (Source.Kind.BLUESKY, Source.Kind.MASTODON_TAG, Source.Kind.MASTODON_PUBLIC)


def read_network(source: Source, transport: httpx.BaseTransport | None = None):  # type: ignore[no-untyped-def]
    from tribune.listening.social import read_bluesky, read_mastodon

    if source.kind == Source.Kind.BLUESKY:
        if source.url:  # a self-hosted AppView that serves anonymous search
            return read_bluesky(
                source.search, source.cursor, service=source.url, transport=transport
            )
        return _bluesky_as_brand(source, transport)
    return read_mastodon(
        source.url,
        hashtag=source.search if source.kind == Source.Kind.MASTODON_TAG else "",
        cursor=source.cursor,
        transport=transport,
    )


def _bluesky_as_brand(source: Source, transport: httpx.BaseTransport | None):  # type: ignore[no-untyped-def]
    """Search through the brand's connected Bluesky account (its PDS proxies the search to
    the AppView): Bluesky's public AppView refuses anonymous post search."""
    from tribune.listening.social import SourceError, read_bluesky
    from tribune.networks.base import NetworkError
    from tribune.networks.models import SocialAccount
    from tribune.networks.services import do_store_refreshed_credentials

    account = (
        SocialAccount.objects.filter(
            brand=source.brand, network="bluesky", status=SocialAccount.Status.ACTIVE
        )
        .order_by("pk")
        .first()
    )
    if account is None:
        raise SourceError(
            "Bluesky search needs a connected Bluesky account for this brand (Bluesky "
            "refuses anonymous post search), or the address of an AppView that allows it."
        )
    try:
        connector = account.connector()
        _ = connector.did  # type: ignore[attr-defined]  # logs in with the app password if needed
        if dict(connector.credentials.secrets) != dict(account.credentials):
            do_store_refreshed_credentials(account, connector.credentials)
    except NetworkError as exc:
        raise SourceError(f"Could not sign in to Bluesky as {account.handle} ({exc}).") from None

    def renew() -> str:
        try:
            fresh = connector.refresh_credentials()
        except NetworkError as exc:
            raise SourceError(
                f"Bluesky refused to renew the session of {account.handle} ({exc})."
            ) from None
        do_store_refreshed_credentials(account, fresh)
        return str(fresh.secrets.get("access_jwt", ""))

    return read_bluesky(
        source.search,
        source.cursor,
        service=connector.credentials.base_url or account.base_url or "https://bsky.social",
        token=str(connector.credentials.secrets.get("access_jwt", "")),
        renew=renew,
        transport=transport,
    )


def _failed(source: Source, now: datetime, error: str) -> FetchOutcome:
    source.consecutive_failures += 1
    source.last_error = error[:500]
    source.last_error_at = now
    source.next_fetch_at = now + backoff(source.consecutive_failures)
    source.save()
    logger.info(
        "Listening source %s failed (%d): %s", source.pk, source.consecutive_failures, error
    )
    return FetchOutcome(False, IngestResult(), error=error)


def do_create_source(  # type: ignore[no-untyped-def]
    brand, actor, *, kind: str, url: str = "", name: str = "", search: str = ""
) -> Source:
    source = Source.objects.create(
        brand=brand, kind=kind, url=url, name=name, search=search, next_fetch_at=timezone.now()
    )
    record_audit(
        "listening.source_created",
        actor=actor,
        brand=brand,
        obj=source,
        after={"kind": kind, "url": url, "name": name, "search": search},
    )
    return source


# --- the sandbox network ----------------------------------------------------------------
def sandbox_items(source: Source, limit: int = SANDBOX_BATCH) -> tuple[list[Item], tuple | None]:
    """Audience posts of the sandbox network after the source's cursor (every brand's
    audience: the queries decide what concerns this brand). Reach is the author's
    followers outside the simulation plus those inside it."""
    from tribune.networks.sandbox.models import Post

    posts = Post.objects.filter(deleted_at__isnull=True, author__is_brand=False)
    if source.cursor_at is not None:
        posts = posts.filter(created_at__gte=source.cursor_at).exclude(
            created_at=source.cursor_at, id__lte=source.cursor_id
        )
    rows = list(
        posts.order_by("created_at", "id")
        .annotate(follower_count=Count("author__followers"))
        .values(
            "id",
            "remote_id",
            "text",
            "created_at",
            "author__handle",
            "author__base_followers",
            "follower_count",
        )[:limit]
    )
    items = [
        Item(
            key=f"sandbox:{row['remote_id']}",
            url=f"/sandbox/p/{row['remote_id']}",
            text=row["text"],
            published_at=row["created_at"],
            network="sandbox",
            author=f"@{row['author__handle']}",
            reach=int(row["author__base_followers"] or 0) + int(row["follower_count"] or 0),
        )
        for row in rows
    ]
    cursor = (rows[-1]["created_at"], rows[-1]["id"]) if rows else None
    return items, cursor
