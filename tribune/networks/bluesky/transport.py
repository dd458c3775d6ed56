"""The HTTP layer under the ``atproto`` client: timeouts and the private-address guard.

A Bluesky account may live on any PDS (its URL is typed by a user, or read from a DID
document), so every request is checked: hosts that resolve to loopback, private,
link-local or reserved addresses are refused unless ``TRIBUNE_ALLOW_PRIVATE_URLS`` is set
(SSRF). Tests and the local peer network pass ``allow_private=True``.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx
from atproto_client.request import Request

from tribune.networks.bluesky.errors import PrivateAddressBlocked

DEFAULT_TIMEOUT = 15.0


def _setting(name: str, default: object) -> object:
    """Read a Django setting when Django is configured; connectors also run without it."""
    try:
        from django.conf import settings

        return getattr(settings, name, default) if settings.configured else default
    except ImportError:
        return default


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


class GuardedTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, *, allow_private: bool) -> None:
        self.inner = inner
        self.allow_private = allow_private

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if not self.allow_private and not is_public_host(host):
            raise PrivateAddressBlocked(f"{host} resolves to a non-public address")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def build_request(
    *, transport: httpx.BaseTransport | None = None, allow_private: bool | None = None
) -> Request:
    """An SDK ``Request`` with our timeout and guard around ``transport``."""
    if allow_private is None:
        allow_private = bool(_setting("TRIBUNE_ALLOW_PRIVATE_URLS", False))
    timeout = float(_setting("TRIBUNE_HTTP_TIMEOUT", DEFAULT_TIMEOUT))  # type: ignore[arg-type]
    inner = transport or httpx.HTTPTransport(retries=0)
    guarded = GuardedTransport(inner, allow_private=allow_private)
    return Request(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), transport=guarded)
