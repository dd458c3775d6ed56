"""``tribune linkserver``: the tracked-link redirect (``GET``/``HEAD /l/<code>``) served by
a small asyncio HTTP/1.1 server, behind the reverse proxy that routes ``/l/`` to it.

Per click: the link comes from an in-memory cache (``LINK_TTL`` seconds, unknown codes
``MISSING_TTL``; a miss is looked up on a thread), the click's id from a block reserved
from the database sequence, and the click is appended to a journal file before the 302
goes out; a flusher thread writes the clicks in batches (:mod:`clickstore`,
:mod:`clickjournal`). The answer is the Django view's: 302 to ``with_click_id(target)``
with the same headers (:mod:`linkresponses`).

With the database down, cached codes keep redirecting (an expired entry is used rather
than failing), clicks wait in memory and in the journal, and an uncached code is 503.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.encoding import iri_to_uri

from tribune.core.scope import unscoped
from tribune.publishing import links
from tribune.publishing.clickstore import ClickStore
from tribune.publishing.fastlink import _CODE, PREFIX
from tribune.publishing.linkresponses import Responses
from tribune.publishing.models import TrackedLink

logger = logging.getLogger("tribune.linkserver")

LINK_TTL = 60.0
MISSING_TTL = 5.0
CACHE_SIZE = 50_000
LOOKUP_TIMEOUT = 3.0
MAX_HEAD = 8192
MAX_BODY = 8192
IDLE_SECONDS = 75.0
_KEEP = b""
_CLOSE = b"Connection: close\r\n"
_KEEP_10 = b"Connection: keep-alive\r\n"


class Link(NamedTuple):
    id: int
    brand_id: int
    target_url: str


def _lookup(code: str) -> Link | None:
    """On a lookup thread: the link of ``code`` (None: no such link)."""
    try:
        with unscoped():
            row = (
                TrackedLink.objects.filter(code=code)
                .values_list("id", "brand_id", "target_url")
                .first()
            )
    except DatabaseError:
        connection.close()
        raise
    return Link(*row) if row else None


class LinkCache:
    def __init__(self, ttl: float = LINK_TTL) -> None:
        self.ttl = ttl
        self.entries: dict[str, tuple[float, Link | None]] = {}
        self.pending: dict[str, asyncio.Future[Link | None]] = {}
        self.executor = ThreadPoolExecutor(4, thread_name_prefix="linkserver-lookup")

    def get(self, code: str) -> tuple[bool, Link | None]:
        """(fresh, link) from memory; ``fresh`` False when it must be looked up."""
        entry = self.entries.get(code)
        if entry is None or entry[0] < time.monotonic():
            return False, entry[1] if entry else None
        return True, entry[1]

    async def fetch(self, code: str) -> Link | None:
        """Looked up (one query per code however many wait for it); raises when the
        database does not answer and no expired entry is there to fall back on."""
        future = self.pending.get(code)
        if future is None:
            loop = asyncio.get_running_loop()
            future = asyncio.ensure_future(
                asyncio.wait_for(loop.run_in_executor(self.executor, _lookup, code), LOOKUP_TIMEOUT)
            )
            self.pending[code] = future
            future.add_done_callback(lambda _f: self.pending.pop(code, None))
        try:
            link = await asyncio.shield(future)
        except (DatabaseError, TimeoutError):
            stale = self.entries.get(code)
            if stale is not None and stale[1] is not None:
                return stale[1]
            raise
        ttl = self.ttl if link is not None else min(self.ttl, MISSING_TTL)
        if len(self.entries) >= CACHE_SIZE and code not in self.entries:
            self.entries.pop(next(iter(self.entries)))  # the oldest entry
        self.entries[code] = (time.monotonic() + ttl, link)
        return link


class App:
    """What the connections share: cache, click store, response builder."""

    def __init__(self, store: ClickStore, cache_seconds: float = LINK_TTL) -> None:
        self.store = store
        self.cache = LinkCache(cache_seconds)
        self.responses = Responses()
        self.connections: set[LinkProtocol] = set()
        self.agents = list(settings.DISALLOWED_USER_AGENTS)
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.stopping = False

    def redirect(self, link: Link, request: Request, close: bytes) -> bytes:
        headers = request.headers
        agent = links.agent_class(headers.get("user-agent", ""))
        host = links.referrer_host(headers.get("referer", ""))
        pk = self.store.record(link.id, link.brand_id, agent, host)  # raises OSError
        target = link.target_url if pk is None else links.with_click_id(link.target_url, pk)
        location = iri_to_uri(target).encode("latin-1")
        return self.responses.redirect(headers, request.secure, location, close)


class Request(NamedTuple):
    method: str
    path: str
    headers: dict[str, str]
    keep_alive: bool
    http10: bool
    secure: bool


class BadRequest(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    """Request line and headers of one request (raises :class:`BadRequest`)."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[2] not in (b"HTTP/1.1", b"HTTP/1.0") or not parts[1]:
        raise BadRequest(400)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or b" " in name:
            raise BadRequest(400)
        key = name.decode("latin-1").lower()
        if key in headers and key in ("host", "content-length"):
            raise BadRequest(400)
        headers[key] = value.strip(b" \t").decode("latin-1")
    return parts[0].decode("latin-1"), parts[1].decode("latin-1"), parts[2].decode(), headers


class LinkProtocol(asyncio.Protocol):
    """One connection: requests parsed as they come, answered in order (a lookup on a
    thread holds the ones behind it), keep-alive unless the client says otherwise."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiting = False  # a lookup in progress: later requests wait their turn
        self.closing = False
        self.paused = False
        self.last_seen = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.app.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.app.connections.discard(self)
        self.closing = True

    def pause_writing(self) -> None:
        self.paused = True
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        self.paused = False
        if self.transport is not None and not self.closing:
            self.transport.resume_reading()

    @property
    def idle(self) -> bool:
        return not self.buffer and not self.waiting

    def data_received(self, data: bytes) -> None:
        self.last_seen = time.monotonic()
        self.buffer += data
        if not self.waiting:
            self.process()
        elif len(self.buffer) > 4 * MAX_HEAD and self.transport is not None:
            self.transport.pause_reading()  # a pipeline piling up behind a lookup

    def send(self, data: bytes, close: bool) -> None:
        assert self.transport is not None
        self.transport.write(data)
        if close:
            self.closing = True
            self.buffer.clear()
            self.transport.close()

    def process(self) -> None:
        while self.buffer and not self.closing and not self.waiting:
            while self.buffer[:2] == b"\r\n":  # tolerated between pipelined requests
                del self.buffer[:2]
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.send(self.app.responses.error(431, _CLOSE), close=True)
                return
            if end > MAX_HEAD:
                self.send(self.app.responses.error(431, _CLOSE), close=True)
                return
            try:
                method, target, version, headers = parse_head(bytes(self.buffer[:end]))
                if "transfer-encoding" in headers:
                    raise BadRequest(400)
                length = headers.get("content-length", "0")
                if not length.isdigit():
                    raise BadRequest(400)
                if int(length) > MAX_BODY:
                    raise BadRequest(413)
            except BadRequest as error:
                self.send(self.app.responses.error(error.status, _CLOSE), close=True)
                return
            total = end + 4 + int(length)
            if len(self.buffer) < total:
                return  # the body is still coming
            del self.buffer[:total]
            tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
            http10 = version == "HTTP/1.0"
            keep = "keep-alive" in tokens if http10 else "close" not in tokens
            request = Request(
                method,
                target.split("?", 1)[0],
                headers,
                keep and not self.app.stopping,
                http10,
                self.app.responses.secure(headers),
            )
            self.answer(request)
        if self.paused is False and self.transport is not None and not self.closing:
            self.transport.resume_reading()

    def answer(self, request: Request) -> None:
        close = _CLOSE if not request.keep_alive else (_KEEP_10 if request.http10 else _KEEP)
        head_only = request.method == "HEAD"
        responses = self.app.responses

        def error(status: int, extra: bytes = b"") -> None:
            self.send(responses.error(status, close, extra, head_only), not request.keep_alive)

        if not responses.host_allowed(request.headers):
            logger.warning("linkserver: host not allowed: %r", request.headers.get("host", ""))
            return error(400)
        if not request.path.startswith(PREFIX):
            return error(404)
        if request.method not in ("GET", "HEAD"):
            return error(405, b"Allow: GET, HEAD\r\n")
        code = request.path[len(PREFIX) :]
        if not _CODE.fullmatch(code):
            return error(404)
        agent = request.headers.get("user-agent", "")
        if any(pattern.search(agent) for pattern in self.app.agents):
            return error(403)
        if self.app.ssl_redirect and not request.secure:
            host = settings.SECURE_SSL_HOST or request.headers.get("host", "")
            location = iri_to_uri(f"https://{host}{request.path}").encode("latin-1")
            return error(301, b"Location: " + location + b"\r\n")  # as SecurityMiddleware
        fresh, link = self.app.cache.get(code)
        if fresh:
            if link is None:
                return error(404)
            try:
                data = self.app.redirect(link, request, close)
            except OSError as exc:  # journal not writable: no 302 for a click not kept
                logger.error("linkserver: journal write failed: %s", exc)
                return error(503, b"Retry-After: 5\r\n")
            return self.send(data, not request.keep_alive)
        self.waiting = True
        asyncio.ensure_future(self._answer_later(code, request, close))
        return None

    async def _answer_later(self, code: str, request: Request, close: bytes) -> None:
        head_only = request.method == "HEAD"
        responses = self.app.responses
        try:
            link = await self.app.cache.fetch(code)
        except (DatabaseError, TimeoutError) as exc:
            logger.warning("linkserver: lookup of %s failed: %s", code, exc)
            data = responses.error(503, close, b"Retry-After: 5\r\n", head_only)
        except Exception:
            logger.exception("linkserver: lookup of %s", code)
            data = responses.error(503, close, b"Retry-After: 5\r\n", head_only)
        else:
            if link is None:
                data = responses.error(404, close, b"", head_only)
            else:
                try:
                    data = self.app.redirect(link, request, close)
                except OSError as exc:
                    logger.error("linkserver: journal write failed: %s", exc)
                    data = responses.error(503, close, b"Retry-After: 5\r\n", head_only)
        self.waiting = False
        if self.closing or self.transport is None or self.transport.is_closing():
            return
        self.send(data, not request.keep_alive)
        self.process()
