"""Real RSS/Atom feeds served on 127.0.0.1 by a test HTTP server: conditional GET,
redirects, malformed XML, huge items, wrong encodings, size cap, private addresses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tribune.core.scope import brand_scope
from tribune.listening import feeds
from tribune.listening.models import Mention, Query, Source
from tribune.listening.services.sources import backoff, do_fetch_source

NOW = datetime(2025, 3, 11, 14, 0, tzinfo=UTC)


def rss(items: list[tuple[str, str]], encoding: str = "utf-8", site: str = "news.test") -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>http://{site}/{i}?utm_source=x</link>"
        f"<description>{text}</description>"
        f"<pubDate>Tue, 11 Mar 2025 12:0{i % 10}:00 GMT</pubDate></item>"
        for i, (title, text) in enumerate(items)
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<rss version="2.0"><channel><title>N</title>{body}</channel></rss>'
    )
    return xml.encode(encoding)


ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
    '<entry><id>tag:blog.test,2025:1</id><title>Alpha au salon</title><link href="/p/1"/>'
    "<updated>2025-03-11T10:00:00Z</updated><author><name>Blog</name></author>"
    "<content type='html'>&lt;p&gt;Alpha présente son &lt;b&gt;nouveau&lt;/b&gt; produit.&lt;/p&gt;"
    "</content></entry>"
    "</feed>"
).encode()


class Feeds:
    """Routes → (status, headers, body). Records each request's headers."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []


@pytest.fixture
def server() -> Iterator[tuple[str, Feeds]]:
    feeds_ = Feeds()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            feeds_.seen.append((self.path, dict(self.headers)))
            status, headers, body = feeds_.routes.get(self.path, (404, {}, b"no"))
            if (
                status == 200
                and headers.get("ETag")
                and self.headers.get("If-None-Match") == headers["ETag"]
            ):
                status, body = 304, b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", feeds_
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_private(settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True


def _source(brand, url: str) -> Source:  # type: ignore[no-untyped-def]
    Query.objects.create(brand=brand, name="Alpha", expression="alpha")
    return Source.objects.create(brand=brand, kind="rss", url=url)


def test_private_feed_is_refused_by_default_and_read_when_allowed(tenants, server, settings):
    base, routes = server
    routes.routes["/feed"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss([("Alpha", "Alpha lance un produit")]),
    )
    brand = tenants.brand_a
    with brand_scope(brand):
        source = _source(brand, base + "/feed")
        settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
        outcome = do_fetch_source(source, NOW)
        assert not outcome.ok and "refused" in outcome.error
        assert routes.seen == []  # nothing was sent
        assert source.consecutive_failures == 1 and source.next_fetch_at == NOW + backoff(1)
        settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
        outcome = do_fetch_source(source, NOW)
        assert outcome.ok and outcome.result.stored == 1
        assert source.consecutive_failures == 0 and source.last_success_at == NOW


def test_conditional_get_and_no_duplicates(tenants, server, allow_private):
    base, routes = server
    body = rss(
        [("Alpha", "Alpha ouvre à Lyon"), ("Autre", "rien à voir"), ("Alpha 2", "Alpha encore")]
    )
    routes.routes["/feed"] = (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, body)
    brand = tenants.brand_a
    with brand_scope(brand):
        source = _source(brand, base + "/feed")
        first = do_fetch_source(source, NOW)
        assert first.result.stored == 2 and first.result.unmatched == 1
        assert source.etag == '"v1"'
        second = do_fetch_source(source, NOW)
        assert second.ok and second.not_modified
        assert routes.seen[-1][1].get("If-None-Match") == '"v1"'
        # The server forgets the ETag: the same items again are recognised, not stored twice.
        routes.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, body)
        source.etag = ""
        third = do_fetch_source(source, NOW)
        assert third.result.stored == 0 and third.result.duplicates == 2
        # Another feed carrying the same article under a tracking-free address: one mention.
        assert Mention.objects.filter(brand=brand).count() == 2
        assert Mention.objects.filter(url__contains="utm_").count() == 2  # link kept as given
        assert not Mention.objects.filter(key__contains="utm_").exists()  # key canonical


def test_redirects_are_followed_a_few_times_only(tenants, server, allow_private):
    base, routes = server
    routes.routes["/old"] = (301, {"Location": "/new"}, b"")
    routes.routes["/new"] = (200, {"Content-Type": "application/atom+xml"}, ATOM)
    for i in range(6):
        routes.routes[f"/loop{i}"] = (302, {"Location": f"/loop{i + 1}"}, b"")
    brand = tenants.brand_a
    with brand_scope(brand):
        source = _source(brand, base + "/old")
        outcome = do_fetch_source(source, NOW)
        assert outcome.ok and outcome.result.stored == 1
        mention = Mention.objects.get()
        assert mention.url == base + "/p/1"  # relative link resolved against the final URL
        assert mention.text == "Alpha présente son nouveau produit."
        assert mention.author == "Blog"
        looping = Source.objects.create(brand=brand, kind="rss", url=base + "/loop0")
        outcome = do_fetch_source(looping, NOW)
        assert not outcome.ok and "redirects" in outcome.error


def test_malformed_huge_and_badly_encoded_feeds_do_not_crash(tenants, server, allow_private):
    base, routes = server
    truncated = rss([("Alpha", "Alpha un"), ("Alpha", "Alpha deux")])[:-40]  # cut mid-document
    routes.routes["/broken"] = (200, {"Content-Type": "application/rss+xml"}, truncated)
    routes.routes["/garbage"] = (200, {"Content-Type": "text/html"}, b"<html><body>Oops</body")
    huge = rss([("Alpha énorme", "Alpha " + "bla " * 200_000)], site="huge.test")
    routes.routes["/huge"] = (200, {"Content-Type": "application/rss+xml"}, huge)
    latin = rss([("Alpha café", "Alpha déçoit à Noël")], encoding="iso-8859-1", site="latin.test")
    routes.routes["/latin"] = (
        200,
        {"Content-Type": "application/rss+xml; charset=iso-8859-1"},
        latin,
    )
    # Declared UTF-8, sent as Latin-1: feedparser falls back rather than crashing.
    lying = rss([("Alpha été", "Alpha menteur")], encoding="iso-8859-1", site="lying.test").replace(
        b"iso-8859-1", b"utf-8"
    )
    routes.routes["/lying"] = (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, lying)
    brand = tenants.brand_a
    with brand_scope(brand):
        Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        results = {}
        for path in ("/broken", "/garbage", "/huge", "/latin", "/lying"):
            source = Source.objects.create(brand=brand, kind="rss", url=base + path)
            results[path] = do_fetch_source(source, NOW)
        assert results["/broken"].ok and results["/broken"].result.stored >= 1
        assert not results["/garbage"].ok and "not a readable feed" in results["/garbage"].error
        assert results["/huge"].ok and results["/huge"].result.stored == 1, results["/huge"]
        assert results["/latin"].ok
        assert Mention.objects.filter(title="Alpha café", text="Alpha déçoit à Noël").exists()
        assert results["/lying"].ok and results["/lying"].result.stored == 1
        huge_mention = Mention.objects.get(title="Alpha énorme")
        assert len(huge_mention.text) <= 20_000


def test_size_cap_and_http_errors_back_off(tenants, server, allow_private, monkeypatch):
    base, routes = server
    monkeypatch.setattr(feeds, "MAX_BYTES", 1000)
    routes.routes["/big"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss([("Alpha", "x" * 5000)]),
    )
    brand = tenants.brand_a
    with brand_scope(brand):
        source = _source(brand, base + "/big")
        assert "larger than" in do_fetch_source(source, NOW).error
        source.url = base + "/missing"
        do_fetch_source(source, NOW)
        do_fetch_source(source, NOW)
        assert source.consecutive_failures == 3
        assert source.next_fetch_at == NOW + backoff(3)
        assert backoff(3) > backoff(2) > backoff(1) and backoff(50) == backoff(60)
        assert "HTTP 404" in source.last_error
