"""Listening on networks: Bluesky search and Mastodon timelines (hashtag, public).

Both read public data over HTTP through ``tribune.core.outbound`` (the instance or
AppView address is typed by a user: private addresses are refused unless allowed) and
turn posts into ``Item`` values for ``services/ingest.do_ingest``. Each read returns the
new cursor so the next read asks only for what is newer:

* Bluesky — ``app.bsky.feed.searchPosts`` (``sort=latest``, ``since`` = the newest
  ``indexedAt`` already read), up to ``MAX_PAGES`` pages of 100 following ``cursor``;
  authors' follower counts from ``app.bsky.actor.getProfiles`` (25 at a time) give the
  reach. https://docs.bsky.app/docs/api/app-bsky-feed-search-posts
* Mastodon — ``GET /api/v1/timelines/tag/:hashtag`` or ``/api/v1/timelines/public`` with
  ``min_id`` = the newest status id already read, 40 a page, up to ``MAX_PAGES`` pages.
  Boosts are read as the boosted status. https://docs.joinmastodon.org/methods/timelines/

Failures raise ``SourceError`` with a sentence for the source's health column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from django.utils.html import strip_tags

from tribune.core.outbound import PrivateAddressBlocked, http_client
from tribune.listening.services.ingest import Item

MAX_PAGES = 5
BLUESKY_PAGE = 100
MASTODON_PAGE = 40
DEFAULT_BLUESKY_SERVICE = "https://public.api.bsky.app"
USER_AGENT = "Tribune-Listening/1.0"


class SourceError(Exception):
    """The network could not be read this time; ``str()`` is a sentence for people."""


@dataclass
class SocialRead:
    items: list[Item] = field(default_factory=list)
    cursor: str = ""  # unchanged when nothing new was read
    newest: datetime | None = None  # the newest post's time (lag = now - newest)


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _get(client: httpx.Client, url: str, params: dict[str, Any], what: str) -> Any:  # the JSON body
    try:
        response = client.get(url, params=params)
    except PrivateAddressBlocked:
        raise SourceError(
            f"{urlsplit(url).hostname} is on a private network; an administrator must allow "
            "private addresses (TRIBUNE_ALLOW_PRIVATE_URLS)."
        ) from None
    except httpx.TimeoutException:
        raise SourceError(f"{what} did not answer in time.") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"Could not reach {what} ({exc}).") from None
    if response.status_code == 429:
        raise SourceError(f"{what} is rate-limiting Tribune; it will try again later.")
    if response.status_code in (401, 403):
        raise SourceError(f"{what} refused the request (HTTP {response.status_code}).")
    if response.status_code == 404:
        raise SourceError(f"{what} does not know this address (HTTP 404).")
    if response.status_code >= 300:
        raise SourceError(f"{what} answered HTTP {response.status_code}.")
    try:
        return response.json()
    except ValueError:
        raise SourceError(f"{what} did not answer JSON.") from None


# --- Bluesky -----------------------------------------------------------------------------
def bluesky_post_url(uri: str, handle: str) -> str:
    rkey = uri.rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{handle}/post/{rkey}"


def bluesky_items(posts: list[dict], reach: dict[str, int] | None = None) -> list[Item]:
    """``PostView`` objects (searchPosts ``posts``) as items; malformed ones are skipped."""
    items = []
    for post in posts:
        if not isinstance(post, dict):
            continue
        record = post.get("record") or {}
        author = post.get("author") or {}
        uri, text = post.get("uri"), record.get("text")
        published = parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt"))
        if not uri or not isinstance(text, str) or not text.strip() or published is None:
            continue
        handle = str(author.get("handle") or author.get("did") or "")
        items.append(
            Item(
                key=f"bluesky:{uri}",
                url=bluesky_post_url(uri, handle),
                text=text,
                published_at=published,
                network="bluesky",
                author=f"@{handle}",
                reach=(reach or {}).get(str(author.get("did")), 0),
            )
        )
    return items


def read_bluesky(
    search: str,
    cursor: str = "",
    *,
    service: str = "",
    token: str = "",
    renew: Callable[[], str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SocialRead:
    """Posts matching ``search`` newer than ``cursor`` (an ``indexedAt`` time).

    ``token`` (an account's access JWT, ``service`` being its PDS, which proxies
    ``app.bsky.*`` to the AppView) authenticates the search: Bluesky's public AppView
    refuses anonymous post search. ``renew`` returns a fresh token after an expiry."""
    base = (service or DEFAULT_BLUESKY_SERVICE).rstrip("/")
    what = f"Bluesky ({urlsplit(base).hostname})"
    since = parse_time(cursor)
    posts: list[dict] = []
    newest_indexed = cursor
    headers = {"User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with http_client(transport, headers=headers) as client:
        if token and renew is not None:
            client = _renewing(client, renew)
        page_cursor = ""
        for _page in range(MAX_PAGES):
            params: dict[str, Any] = {"q": search, "sort": "latest", "limit": BLUESKY_PAGE}
            if cursor:
                params["since"] = cursor
            if page_cursor:
                params["cursor"] = page_cursor
            body = _get(client, f"{base}/xrpc/app.bsky.feed.searchPosts", params, what)
            page = [p for p in (body.get("posts") or []) if isinstance(p, dict)]
            fresh = [
                p
                for p in page
                if since is None or (parse_time(p.get("indexedAt")) or since) > since
            ]
            posts += fresh
            for post in fresh:
                indexed = str(post.get("indexedAt") or "")
                if parse_time(indexed) and (
                    not newest_indexed or parse_time(indexed) > parse_time(newest_indexed)  # type: ignore[operator]
                ):
                    newest_indexed = indexed
            page_cursor = str(body.get("cursor") or "")
            if not page_cursor or len(fresh) < len(page) or not page:
                break
        reach = _bluesky_reach(client, base, posts, what)
    items = bluesky_items(posts, reach)
    return SocialRead(
        items=items,
        cursor=newest_indexed,
        newest=max((i.published_at for i in items), default=None),
    )


class _RenewingClient:
    """Wraps the client: on "401 expired token", renew once and repeat the request."""

    def __init__(self, client: httpx.Client, renew: Callable[[], str]) -> None:
        self.client, self.renew, self.renewed = client, renew, False

    def get(self, url: str, params: dict[str, Any]) -> httpx.Response:
        response = self.client.get(url, params=params)
        if response.status_code == 401 and not self.renewed:
            self.renewed = True
            self.client.headers["Authorization"] = f"Bearer {self.renew()}"
            response = self.client.get(url, params=params)
        return response


def _renewing(client: httpx.Client, renew: Callable[[], str]) -> httpx.Client:
    return _RenewingClient(client, renew)  # type: ignore[return-value]


def _bluesky_reach(client: httpx.Client, base: str, posts: list[dict], what: str) -> dict[str, int]:
    dids = sorted({str((p.get("author") or {}).get("did")) for p in posts} - {"None", ""})
    reach: dict[str, int] = {}
    for start in range(0, len(dids), 25):
        try:
            body = _get(
                client,
                f"{base}/xrpc/app.bsky.actor.getProfiles",
                {"actors": dids[start : start + 25]},
                what,
            )
        except SourceError:
            return reach  # posts are worth more than follower counts: keep going
        for profile in body.get("profiles") or []:
            if isinstance(profile, dict) and profile.get("did"):
                reach[str(profile["did"])] = int(profile.get("followersCount") or 0)
    return reach


# --- Mastodon ----------------------------------------------------------------------------
def mastodon_items(statuses: list[dict]) -> list[Item]:
    """Mastodon ``Status`` objects as items (a boost is read as the boosted status)."""
    items = []
    for status in statuses:
        if not isinstance(status, dict):
            continue
        boosted = status.get("reblog")
        original: dict = boosted if isinstance(boosted, dict) else status
        account = original.get("account") or {}
        html = str(original.get("content") or "")
        text = strip_tags(html.replace("<br>", "\n").replace("</p>", "\n")).strip()
        spoiler = str(original.get("spoiler_text") or "").strip()
        published = parse_time(original.get("created_at"))
        uri = original.get("uri") or original.get("url")
        if not uri or not text or published is None:
            continue
        items.append(
            Item(
                key=f"mastodon:{uri}",
                url=str(original.get("url") or uri),
                text=text,
                title=spoiler,
                published_at=published,
                network="mastodon",
                author=f"@{account.get('acct', '')}",
                reach=int(account.get("followers_count") or 0),
            )
        )
    return items


def read_mastodon(
    instance: str,
    *,
    hashtag: str = "",
    cursor: str = "",
    local: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> SocialRead:
    """Statuses of a hashtag timeline (or the public timeline when ``hashtag`` is empty)
    newer than ``cursor`` (a status id)."""
    base = instance.rstrip("/")
    what = f"Mastodon ({urlsplit(base).hostname})"
    tag = hashtag.strip().lstrip("#")
    path = f"/api/v1/timelines/tag/{quote(tag, safe='')}" if tag else "/api/v1/timelines/public"
    statuses: list[dict] = []
    newest = cursor
    with http_client(transport, headers={"User-Agent": USER_AGENT}) as client:
        for _page in range(MAX_PAGES):
            params: dict[str, Any] = {"limit": MASTODON_PAGE}
            if newest:
                params["min_id"] = newest
            if local:
                params["local"] = "true"
            page = _get(client, base + path, params, what)
            if not isinstance(page, list):
                raise SourceError(f"{what} did not answer a list of statuses.")
            page = [s for s in page if isinstance(s, dict) and s.get("id")]
            if not page:
                break
            statuses += page
            newest = max((str(s["id"]) for s in page), key=lambda v: (len(v), v))
            if len(page) < MASTODON_PAGE:
                break
    items = mastodon_items(statuses)
    return SocialRead(
        items=items,
        cursor=newest,
        newest=max((i.published_at for i in items), default=None),
    )
