"""The one way out: outbound HTTP with Tribune's timeouts and the private-address guard.

Connectors talk to servers whose address comes from users (a Mastodon instance, a
Bluesky PDS) or from documents they do not control, so every request's host is checked:
names that resolve to loopback, private, link-local or reserved addresses are refused
unless ``TRIBUNE_ALLOW_PRIVATE_URLS`` is set (SSRF). The timeout is
``TRIBUNE_HTTP_TIMEOUT`` (connect at most 5 s). There are no hidden retries here: the
domain decides what to retry, and a publish is never retried blindly.

Two client libraries are covered:

- httpx (atproto, our own Graph/LinkedIn/YouTube clients): ``GuardedTransport`` wraps
  any ``httpx.BaseTransport``; ``http_client()`` builds a ``httpx.Client`` with it.
- requests (Mastodon.py, tweepy): ``guarded_session()`` mounts ``GuardedAdapter``.

This is also the one place tests stub: pass ``httpx.MockTransport`` to the httpx side,
or ``CallbackAdapter`` (the same idea for requests) to the requests side.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError, NewConnectionError

DEFAULT_TIMEOUT = 15.0
MAX_CONNECT_TIMEOUT = 5.0


class PrivateAddressBlocked(Exception):
    """A request to a host on a private network, refused before anything was sent."""


def setting(name: str, default: Any) -> Any:
    """A Django setting when Django is configured; connectors also run without it."""
    try:
        from django.conf import settings

        return getattr(settings, name, default) if settings.configured else default
    except ImportError:
        return default


def timeout_seconds() -> float:
    return float(setting("TRIBUNE_HTTP_TIMEOUT", DEFAULT_TIMEOUT))


def requests_timeout() -> tuple[float, float]:
    """``(connect, read)`` seconds, as requests takes them."""
    seconds = timeout_seconds()
    return min(seconds, MAX_CONNECT_TIMEOUT), seconds


def allow_private_default(allow_private: bool | None) -> bool:
    if allow_private is None:
        return bool(setting("TRIBUNE_ALLOW_PRIVATE_URLS", False))
    return allow_private


def is_public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return True  # let the request fail as "unreachable", which is transient
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            return False
    return True


def check_host(host: str, *, allow_private: bool, error: type[Exception]) -> None:
    if not allow_private and not is_public_host(host):
        raise error(f"{host} resolves to a non-public address")


# --- httpx ---------------------------------------------------------------------------
class GuardedTransport(httpx.BaseTransport):
    """Checks each request's host, then hands it to ``inner``."""

    blocked: type[Exception] = PrivateAddressBlocked

    def __init__(self, inner: httpx.BaseTransport, *, allow_private: bool) -> None:
        self.inner = inner
        self.allow_private = allow_private

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_host(request.url.host, allow_private=self.allow_private, error=self.blocked)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def httpx_timeout() -> httpx.Timeout:
    seconds = timeout_seconds()
    return httpx.Timeout(seconds, connect=min(seconds, MAX_CONNECT_TIMEOUT))


def guarded_transport(
    transport: httpx.BaseTransport | None = None, *, allow_private: bool | None = None
) -> GuardedTransport:
    inner = transport or httpx.HTTPTransport(retries=0)
    return GuardedTransport(inner, allow_private=allow_private_default(allow_private))


def http_client(
    transport: httpx.BaseTransport | None = None,
    *,
    allow_private: bool | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """A ``httpx.Client`` with our timeout and guard (redirects are not followed)."""
    return httpx.Client(
        transport=guarded_transport(transport, allow_private=allow_private),
        timeout=httpx_timeout(),
        headers=dict(headers or {}),
        follow_redirects=False,
    )


# --- requests ------------------------------------------------------------------------
class GuardedAdapter(BaseAdapter):
    """A requests adapter that checks the host and applies our timeout, then sends with
    ``inner`` (a plain ``HTTPAdapter`` without retries, or a test stub)."""

    def __init__(
        self,
        inner: BaseAdapter | None = None,
        *,
        allow_private: bool,
        blocked: type[Exception] = PrivateAddressBlocked,
    ) -> None:
        super().__init__()
        self.inner = inner or HTTPAdapter(max_retries=0)
        self.allow_private = allow_private
        self.blocked = blocked

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # type: ignore[no-untyped-def,override]
        host = urlsplit(request.url or "").hostname or ""
        check_host(host, allow_private=self.allow_private, error=self.blocked)
        if timeout is None:  # tweepy sends without a timeout
            timeout = requests_timeout()
        return self.inner.send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )

    def close(self) -> None:
        self.inner.close()


def guarded_session(
    adapter: BaseAdapter | None = None,
    *,
    allow_private: bool | None = None,
    blocked: type[Exception] = PrivateAddressBlocked,
) -> requests.Session:
    session = requests.Session()
    guarded = GuardedAdapter(
        adapter, allow_private=allow_private_default(allow_private), blocked=blocked
    )
    session.mount("https://", guarded)
    session.mount("http://", guarded)
    return session


Handler = Callable[[requests.PreparedRequest], "requests.Response | tuple"]


class CallbackAdapter(BaseAdapter):
    """The requests twin of ``httpx.MockTransport``: ``handler(prepared_request)`` returns
    ``(status, body)``, ``(status, body, headers)`` or a ``requests.Response``, or raises.
    A ``dict``/``list`` body is sent as JSON. Every request is kept in ``requests``, with
    the timeout it was sent with in ``timeouts``."""

    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self.handler = handler
        self.requests: list[requests.PreparedRequest] = []
        self.timeouts: list[Any] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # type: ignore[no-untyped-def,override]
        self.requests.append(request)
        self.timeouts.append(timeout)
        answer = self.handler(request)
        if isinstance(answer, requests.Response):
            answer.request = request
            return answer
        status, body, *rest = answer
        return build_response(request, status, body, rest[0] if rest else {})

    def close(self) -> None:
        pass


def build_response(
    request: requests.PreparedRequest, status: int, body: Any, headers: Mapping[str, str]
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content"}.get(
        status, "Error" if status >= 400 else "OK"
    )
    response.headers = CaseInsensitiveDict(headers)
    if isinstance(body, dict | list):
        response._content = json.dumps(body).encode()
        response.headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        response._content = body.encode()
    else:
        response._content = body or b""
    response.url = request.url or ""
    response.request = request
    response.encoding = "utf-8"
    return response


# --- what a failure means ----------------------------------------------------------------
def request_was_sent(exc: BaseException) -> bool:
    """Whether a transport failure happened after the request may have reached the server.

    Connection refused, DNS failures, connect timeouts, TLS handshakes and pool timeouts
    happen before anything is sent; read timeouts, resets and a server hanging up come
    after, when a write may already have taken effect.
    """
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False
    if isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.exceptions.ProxyError | requests.exceptions.InvalidURL):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return not isinstance(reason, NewConnectionError)
    return True
