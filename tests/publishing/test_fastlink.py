"""The WSGI fast path for ``/l/<code>`` (tribune/publishing/fastlink.py): same answer as
the Django view, click recorded once, everything else handed to Django untouched.
Runs on SQLite and on PostgreSQL (``make test-postgres``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tribune.core.scope import brand_scope, unscoped
from tribune.publishing import links
from tribune.publishing.fastlink import FastLinkApplication, link_code
from tribune.publishing.models import LinkClick, TrackedLink
from tribune.wsgi import application, django_application

CODE = "Fa5tLnk"
TARGET = "https://shop.example/p?utm_source=sandbox&utm_campaign=c"


@pytest.fixture
def link(tenants) -> TrackedLink:  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        return TrackedLink.objects.create(
            brand=tenants.brand_a,
            code=CODE,
            original_url="https://shop.example/p",
            target_url=TARGET,
            network="sandbox",
            campaign="c",
        )


@contextmanager
def _test_transaction_kept() -> Iterator[None]:
    # As Django's test client does: the per-request connection cleanup would otherwise
    # close the connection holding the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class Answer:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = {name.lower(): value for name, value in headers}
        self.names = sorted(name.lower() for name, _v in headers)
        self.body = body


def call(app: Callable, method: str, path: str, **extra: str) -> Answer:  # type: ignore[type-arg]
    environ = getattr(RequestFactory(), method.lower())(path, **extra).environ
    seen: dict = {}  # type: ignore[type-arg]

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):  # type: ignore[no-untyped-def]
        seen["status"], seen["headers"] = int(status.split()[0]), headers

    with _test_transaction_kept():
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    return Answer(seen["status"], seen["headers"], body)


def _clicks() -> list[LinkClick]:
    with unscoped():
        return list(LinkClick.objects.order_by("pk"))


def _counter(link: TrackedLink) -> int:
    with unscoped():
        return TrackedLink.objects.get(pk=link.pk).clicks


def _without_click_id(location: str) -> tuple[str, dict]:  # type: ignore[type-arg]
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    query.pop(links.CLICK_PARAM)
    return parts._replace(query="").geturl(), query


@pytest.mark.parametrize("secure", [False, True], ids=["http", "https-behind-proxy"])
@pytest.mark.django_db
def test_same_status_location_and_headers_as_the_django_view(link, settings, secure):
    extra = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux)", "HTTP_ACCEPT_LANGUAGE": "en"}
    if secure:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_HSTS_SECONDS = 31536000
        extra["HTTP_X_FORWARDED_PROTO"] = "https"
    # Middlewares read their settings when built: both applications built afresh.
    django_app = get_wsgi_application()
    slow = call(django_app, "GET", f"/l/{CODE}", **extra)
    fast = call(FastLinkApplication(django_app), "GET", f"/l/{CODE}", **extra)

    assert slow.status == fast.status == 302
    assert fast.names == slow.names
    for name in fast.names:
        if name not in ("location", "expires"):  # click id and a timestamp differ
            assert fast.headers[name] == slow.headers[name], name
    assert _without_click_id(fast.headers["location"]) == _without_click_id(
        slow.headers["location"]
    )
    assert fast.headers["content-security-policy"].startswith("default-src 'self'")
    assert fast.headers["x-frame-options"] == "DENY"
    assert fast.headers["content-language"] == "en"
    assert "no-store" in fast.headers["cache-control"]
    assert ("strict-transport-security" in fast.headers) is secure
    assert fast.body == slow.body == b""


@pytest.mark.django_db
def test_the_click_is_recorded_once_with_a_signed_id(link):
    with CaptureQueriesContext(connection) as queries:
        answer = call(
            application,
            "GET",
            f"/l/{CODE}",
            HTTP_USER_AGENT="Mozilla/5.0 (iPhone)",
            HTTP_REFERER="https://t.co/abc",
        )
    assert answer.status == 302
    target = urlsplit(answer.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example", "/p")
    query = parse_qs(target.query)
    assert query["utm_source"] == ["sandbox"] and query["utm_campaign"] == ["c"]
    (click,) = _clicks()
    assert links.click_pk(query[links.CLICK_PARAM][0]) == click.pk
    assert (click.link_id, click.brand_id, click.agent, click.referrer_host) == (
        link.pk,
        link.brand_id,
        "mobile",
        "t.co",
    )
    assert _counter(link) == 1
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # find, log and count in one statement


@pytest.mark.django_db
def test_bots_are_logged_but_not_counted(link):
    assert call(application, "GET", f"/l/{CODE}", HTTP_USER_AGENT="Googlebot/2.1").status == 302
    assert [c.agent for c in _clicks()] == ["bot"]
    assert _counter(link) == 0


@pytest.mark.django_db
def test_head_redirects_and_counts_like_get(link):
    answer = call(application, "HEAD", f"/l/{CODE}", HTTP_USER_AGENT="Mozilla/5.0")
    assert answer.status == 302 and answer.body == b""
    assert answer.headers["location"].startswith(TARGET + "&tclid=")
    assert len(_clicks()) == 1 and _counter(link) == 1


@pytest.mark.django_db
def test_query_string_on_the_short_link_leaves_the_target_unchanged(link):
    answer = call(application, "GET", f"/l/{CODE}?x=1&utm_source=evil")
    assert answer.status == 302
    assert _without_click_id(answer.headers["location"]) == (
        "https://shop.example/p",
        {"utm_source": ["sandbox"], "utm_campaign": ["c"]},
    )
    assert len(_clicks()) == 1


@pytest.mark.django_db
def test_malformed_referrer_is_dropped_not_an_error(link):
    answer = call(application, "GET", f"/l/{CODE}", HTTP_REFERER="http://[::1/oops")
    assert answer.status == 302
    assert _clicks()[0].referrer_host == ""


@pytest.mark.django_db
def test_unknown_code_gets_the_normal_404_page(link):
    slow = call(django_application, "GET", "/l/nope123")
    fast = call(application, "GET", "/l/nope123")
    assert slow.status == fast.status == 404
    assert fast.body == slow.body and fast.body
    assert fast.names == slow.names
    assert _clicks() == []


@pytest.mark.django_db
def test_a_host_outside_allowed_hosts_is_refused_by_django(link):
    answer = call(application, "GET", f"/l/{CODE}", HTTP_HOST="evil.example")
    assert answer.status == 400
    assert _clicks() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/login/"),
        ("GET", "/b/alpha/publishing/"),
        ("GET", "/lx/" + CODE),
        ("POST", "/l/" + CODE),
        ("PUT", "/l/" + CODE),
        ("GET", "/l/" + CODE + "/"),
        ("GET", "/l/bad-code"),
        ("GET", "/l/"),
        ("GET", "/l/" + "a" * 17),
    ],
)
@pytest.mark.django_db
def test_everything_else_goes_to_django_untouched(link, method, path):
    calls = []

    def inner(environ, start_response):  # type: ignore[no-untyped-def]
        calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("418 I'm a teapot", [("Content-Type", "text/plain")])
        return [b"django"]

    answer = call(FastLinkApplication(inner), method, path)
    assert (answer.status, answer.body) == (418, b"django")
    assert calls == [(method, path)]
    assert _clicks() == []


def test_code_shape():
    def environ(method: str, path: str) -> dict[str, str]:
        return {"REQUEST_METHOD": method, "PATH_INFO": path}

    assert link_code(environ("GET", "/l/Ab3dE9z")) == "Ab3dE9z"
    assert link_code(environ("HEAD", "/l/bench001")) == "bench001"
    assert link_code(environ("GET", "/l/Ab3dE9z\n")) is None
    assert link_code(environ("GET", "/l/é")) is None
    assert link_code(environ("OPTIONS", "/l/Ab3dE9z")) is None
    assert link_code({"REQUEST_METHOD": "GET"}) is None


@pytest.mark.django_db
def test_request_signals_bracket_the_redirect(link):
    """The per-request connection handling of Django (close_old_connections on both
    signals) runs for the fast path too: started before the query, finished on close."""
    events: list[str] = []

    def started(**_kw):  # type: ignore[no-untyped-def]
        events.append("started")

    def finished(**_kw):  # type: ignore[no-untyped-def]
        events.append("finished")

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        environ = RequestFactory().get(f"/l/{CODE}").environ
        with _test_transaction_kept():
            result = application(environ, lambda status, headers, exc_info=None: None)
            events.append("answered")
            result.close()  # type: ignore[attr-defined]
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert events == ["started", "answered", "finished"]
    assert len(_clicks()) == 1


@pytest.mark.parametrize(
    "target",
    [
        "https://shop.example/p",
        "https://shop.example/p?utm_source=x&utm_medium=social",
        "https://shop.example/p?a=&b=1&a=2#top",
        "https://shop.example/p?tclid=old&q=caf%C3%A9+cr%C3%A8me",
        "http://shop.example:8080/?q=a%2Fb&empty",
    ],
)
def test_click_id_is_appended_as_before(target):
    """with_click_id caches the parsed target: same URL as re-encoding it every time."""
    click = LinkClick(pk=123456)
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "tclid"]
    query.append(("tclid", links.click_id(click)))
    expected = urlunsplit(parts._replace(query=urlencode(query)))
    assert links.with_click_id(target, click) == expected
    assert links.with_click_id(target, click) == expected  # from the cache


@pytest.mark.django_db
def test_a_failing_click_gets_django_500_and_is_not_retried(link, monkeypatch):
    calls = []

    def broken(code: str, referrer: str = "", user_agent: str = ""):  # type: ignore[no-untyped-def]
        calls.append(code)
        raise RuntimeError("database gone")

    monkeypatch.setattr(links, "follow", broken)
    answer = call(application, "GET", f"/l/{CODE}")
    assert answer.status == 500
    assert answer.headers["x-frame-options"] == "DENY"  # the header middlewares still ran
    assert calls == [CODE]  # served here, not handed to Django for a second try
