"""Security checks written as functions that *return the failures they find*, so the
suites assert an empty list and the deliberate-regression meta-tests
(test_security_regression.py) assert a non-empty one while a guard is disabled.

Guards that ``disabled_guard`` can switch off: ``escaping`` (template autoescape),
``ssrf`` (the private-address check of ``tribune.core.outbound``), ``brand_scope`` (the
role check of ``@brand_view``), ``csrf`` (Django's CSRF middleware).
"""

from __future__ import annotations

import http.server
import re
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from unittest import mock

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.conftest import PASSWORD

# --- hostile payloads ----------------------------------------------------------------------
RAW_MARKERS = (
    "<script>alert(",
    "<img src=x onerror",
    "<svg/onload",
    'href="javascript:',
    "href='javascript:",
    'src="javascript:',
)


def payload(tag: str) -> str:
    """A short string that is an XSS wherever it is rendered unescaped; ``tag`` says
    which field carried it."""
    return f"<script>alert('{tag}')</script><img src=x onerror=alert('{tag}')>"


def escaped_trace(tag: str) -> re.Pattern[str]:
    """What the payload looks like once escaped (any truncation after the tag)."""
    return re.compile(r"&lt;script&gt;alert\((&#x27;|&#39;|')" + re.escape(tag))


# --- crawling ------------------------------------------------------------------------------
def walk_patterns(patterns=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:  # type: ignore[no-untyped-def]
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    body: str


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def html(self) -> list[Page]:
        return [p for p in self.pages if p.content_type.startswith("text/html")]


def crawl(client: Client, kwargs_for: Callable[[str, list[str]], dict[str, Any] | None]) -> Crawl:
    """GET every named URL pattern for which ``kwargs_for`` gives arguments."""
    result = Crawl()
    for name, pattern in walk_patterns():
        keys = list(pattern.pattern.converters)
        kwargs = kwargs_for(name, keys)
        if kwargs is None:
            result.skipped.append(name)
            continue
        try:
            url = reverse(name, kwargs=kwargs or None)
        except Exception:  # noqa: BLE001 - a pattern the factories cannot fill
            result.skipped.append(name)
            continue
        response = client.get(url)
        body = response.content.decode(errors="replace") if not response.streaming else ""
        result.pages.append(Page(url, response.status_code, response.get("Content-Type", ""), body))
    return result


def xss_failures(pages: list[Page]) -> list[str]:
    """Every raw hostile marker found in an HTML page."""
    failures = []
    for page in pages:
        for marker in RAW_MARKERS:
            if marker in page.body:
                at = page.body.index(marker)
                failures.append(f"{page.url}: raw {marker!r} …{page.body[at : at + 60]!r}")
    return failures


# --- SSRF --------------------------------------------------------------------------------
class Trap:
    """A loopback HTTP server that counts the requests reaching it (an SSRF succeeded)."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                hits.append(self.path)
                body = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Trap:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def urls(self) -> list[str]:
        """The same trap under the spellings an attacker would try."""
        p = self.port
        return [
            f"http://127.0.0.1:{p}/x",
            f"http://localhost:{p}/x",
            f"http://127.1:{p}/x",
            f"http://2130706433:{p}/x",  # 127.0.0.1 as one decimal number
            f"http://[::ffff:127.0.0.1]:{p}/x",
            f"http://0.0.0.0:{p}/x",
        ]


def private_targets() -> list[str]:
    """Addresses that must be refused without sending anything (no trap needed)."""
    return [
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://[::1]/",
        "http://[fd00::1]/",
    ]


SsrfProbe = Callable[[str], str | None]
"""Calls one entry point with a URL; returns None when it refused, or a description
of what happened when the request was let through."""


def ssrf_failures(probes: dict[str, SsrfProbe], trap: Trap, urls: list[str]) -> list[str]:
    failures = []
    for name, probe in probes.items():
        for url in urls:
            before = len(trap.hits)
            try:
                outcome = probe(url)
            except Exception as exc:  # noqa: BLE001 - the entry point raising is a refusal
                outcome = None if _is_refusal(exc) else f"{type(exc).__name__}: {exc}"
            if len(trap.hits) > before:
                failures.append(f"{name}: {url} reached the trap")
            elif outcome is not None:
                failures.append(f"{name}: {url} not refused ({outcome})")
    return failures


def _is_refusal(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen)
        if "non-public" in text or "PrivateAddressBlocked" in type(seen).__name__:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# --- CSRF ----------------------------------------------------------------------------------
# Views that accept POST without a CSRF token on purpose, with the reason.
CSRF_EXEMPT_OK: dict[str, str] = {
    "analytics:hook": "server-to-server conversion webhook: no cookie, HMAC-signed body",
}
CSRF_EXEMPT_PREFIXES = {
    "api-": "the REST API authenticates each request with a bearer token, not a cookie",
    "api:": "the REST API authenticates each request with a bearer token, not a cookie",
}


def dummy_kwargs(pattern: URLPattern) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__
        if kind == "IntConverter":
            values[key] = 1
        elif kind == "UUIDConverter":
            values[key] = uuid.uuid4()
        else:
            values[key] = "alpha" if "slug" in key else "x"
    return values


def csrf_failures(client: Client) -> list[str]:
    """POST without a token to every URL pattern: anything but 403 is a failure, except
    the views listed in ``CSRF_EXEMPT_OK`` (reason given)."""
    failures = []
    for name, pattern in walk_patterns():
        if name in CSRF_EXEMPT_OK or any(name.startswith(p) for p in CSRF_EXEMPT_PREFIXES):
            continue
        try:
            url = reverse(name, kwargs=dummy_kwargs(pattern) or None)
        except Exception:  # noqa: BLE001, S112
            continue
        response = client.post(url, {"text": "x", "name": "x"})
        if response.status_code != 403:
            failures.append(f"{name} ({url}): {response.status_code}")
    return failures


# --- isolation -----------------------------------------------------------------------------
def isolation_failures(client: Client, tenants, names: list[tuple[str, list[str]]], factories):  # type: ignore[no-untyped-def]
    """A community manager of Alpha asks for pages of Beta (same agency) and Gamma
    (another workspace): anything but 404 is a leak."""
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    failures = []
    for name, keys in names:
        for foreign in (tenants.brand_b, tenants.brand_c):
            kwargs = {"brand_slug": foreign.slug}
            kwargs.update({k: factories[k](foreign) for k in keys if k != "brand_slug"})
            status = client.get(reverse(name, kwargs=kwargs)).status_code
            if status != 404:
                failures.append(f"{name} on {foreign.slug}: {status}")
    return failures


# --- guards, switched off on purpose --------------------------------------------------------
@contextmanager
def disabled_guard(name: str, settings=None) -> Iterator[None]:  # type: ignore[no-untyped-def]
    if name == "escaping":
        import django.template.base as template_base

        with mock.patch.object(template_base, "conditional_escape", lambda value: value):
            yield
    elif name == "ssrf":
        from tribune.core import outbound

        with mock.patch.object(outbound, "is_public_host", lambda host: True):
            yield
    elif name == "brand_scope":
        from tribune.accounts import access
        from tribune.accounts.roles import Cap

        def everyone(user, brand):  # type: ignore[no-untyped-def]
            return access.BrandAccess(brand, frozenset({"strategist"}), frozenset(Cap), True)

        with mock.patch.object(access, "brand_access", everyone):
            yield
    elif name == "csrf":
        assert settings is not None, "pass pytest-django's settings fixture"
        saved = list(settings.MIDDLEWARE)
        settings.MIDDLEWARE = [m for m in saved if "CsrfViewMiddleware" not in m]
        try:
            yield
        finally:
            settings.MIDDLEWARE = saved
    else:
        raise ValueError(f"no such guard: {name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recent() -> Any:
    return timezone.now() - timedelta(minutes=5)
