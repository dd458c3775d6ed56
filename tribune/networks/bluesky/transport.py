"""The HTTP layer under the ``atproto`` client: timeouts and the private-address guard.

A Bluesky account may live on any PDS (its URL is typed by a user, or read from a DID
document), so every request is checked: hosts that resolve to loopback, private,
link-local or reserved addresses are refused unless ``TRIBUNE_ALLOW_PRIVATE_URLS`` is set
(SSRF). Tests and the local peer network pass ``allow_private=True``. The guard and the
timeout live in ``tribune.core.outbound``, shared by every connector.
"""

from __future__ import annotations

import httpx
from atproto_client.request import Request

from tribune.core import outbound
from tribune.core.outbound import DEFAULT_TIMEOUT, is_public_host
from tribune.networks.bluesky.errors import PrivateAddressBlocked

__all__ = ["DEFAULT_TIMEOUT", "GuardedTransport", "build_request", "is_public_host"]


class GuardedTransport(outbound.GuardedTransport):
    # Bluesky's error mapping knows its own exception class.
    blocked = PrivateAddressBlocked


def build_request(
    *, transport: httpx.BaseTransport | None = None, allow_private: bool | None = None
) -> Request:
    """An SDK ``Request`` with our timeout and guard around ``transport``."""
    inner = transport or httpx.HTTPTransport(retries=0)
    guarded = GuardedTransport(inner, allow_private=outbound.allow_private_default(allow_private))
    return Request(timeout=outbound.httpx_timeout(), transport=guarded)
