"""Fetch and read RSS/Atom feeds: bytes through ``tribune.core.outbound``, parsed by
feedparser (https://feedparser.readthedocs.io/en/latest/bozo.html).

* Conditional GET: the last ``ETag`` / ``Last-Modified`` go back as ``If-None-Match`` /
  ``If-Modified-Since``; a 304 means "nothing new" (RFC 9110 §15.4.5).
* Redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop through the same
  guarded client (a redirect to a private address is refused like a direct one).
* The body is read in chunks and refused beyond ``MAX_BYTES``.
* The encoding comes from the Content-Type header and the XML declaration (feedparser);
  malformed XML sets ``bozo``: the entries read before the error are kept, and a feed
  with none is an error for the source's health, never an exception for the caller.
"""

from __future__ import annotations

import calendar
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
import httpx
from django.utils.html import strip_tags

from tribune.core.outbound import PrivateAddressBlocked, http_client
from tribune.listening.services.ingest import Item, canonical_url

MAX_REDIRECTS = 3
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "Tribune-Listening/1.0 (+https://tribune.invalid/listening)"


class FeedError(Exception):
    """The feed could not be read this time (network, HTTP status, size, parse)."""


@dataclass
class FeedResult:
    not_modified: bool = False
    items: list[Item] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    malformed: bool = False


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> FeedResult:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with http_client(transport, allow_private=allow_private, headers=headers) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                with client.stream("GET", url) as response:
                    if response.status_code == 304:
                        return FeedResult(not_modified=True, etag=etag, last_modified=last_modified)
                    if response.status_code in (301, 302, 303, 307, 308):
                        location = response.headers.get("location", "")
                        if not location:
                            raise FeedError(f"HTTP {response.status_code} without a Location")
                        url = urljoin(url, location)
                        continue
                    if response.status_code != 200:
                        raise FeedError(f"HTTP {response.status_code}")
                    body = _read_capped(response)
                    return parse_feed(body, dict(response.headers), base_url=url)
            raise FeedError(f"more than {MAX_REDIRECTS} redirects")
    except PrivateAddressBlocked as exc:
        raise FeedError(f"refused: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FeedError(f"{type(exc).__name__}: {exc}") from exc


def _read_capped(response: httpx.Response) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise FeedError(f"feed larger than {MAX_BYTES} bytes")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BYTES:
            raise FeedError(f"feed larger than {MAX_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_feed(body: bytes, headers: dict[str, str], base_url: str = "") -> FeedResult:
    # feedparser reads the charset from these headers; keys must be lower-case.
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        parsed = feedparser.parse(body, response_headers=lowered)
    except Exception as exc:  # noqa: BLE001  (feedparser lets a few slip, e.g. ValueError, KeyError)
        raise FeedError(f"not a readable feed: {type(exc).__name__}: {exc}"[:400]) from None
    if parsed.bozo and not parsed.entries:
        reason = getattr(parsed, "bozo_exception", None)
        raise FeedError(f"not a readable feed: {type(reason).__name__}: {reason}"[:400])
    items = [item for entry in parsed.entries if (item := _item(entry, base_url))]
    return FeedResult(
        items=items,
        etag=lowered.get("etag", "")[:300],
        last_modified=lowered.get("last-modified", "")[:100],
        malformed=bool(parsed.bozo),
    )


def _item(entry: feedparser.FeedParserDict, base_url: str) -> Item | None:
    link = str(entry.get("link") or "")
    if link and base_url:
        with contextlib.suppress(ValueError):  # e.g. "http://[x": kept as written
            link = urljoin(base_url, link)
    key = canonical_url(link) if link else str(entry.get("id") or "")
    if not key:
        return None
    content = entry.get("content") or []
    body = content[0].get("value", "") if content else entry.get("summary", "")
    title = strip_tags(str(entry.get("title") or ""))
    text = " ".join(strip_tags(str(body or "")).split())
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = _published(stamp)
    author = str(entry.get("author") or "")
    return Item(
        key=key,
        url=link,
        title=title,
        text=text or title,
        published_at=published,
        author=author,
        network="web",
    )


def _published(stamp: object) -> datetime:
    """The entry's date, or now when it has none or one out of range (a year -99)."""
    if stamp:
        try:
            return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)  # type: ignore[arg-type]
        except (ValueError, OverflowError, OSError):
            pass
    return datetime.now(UTC)
