"""A small client for LinkedIn's versioned REST API (``/rest``) on httpx, through
``tribune.core.outbound``. Every call names the API version (``LinkedIn-Version``,
``YYYYMM``; LinkedIn supports each version for about a year, so it is a setting:
``TRIBUNE_LINKEDIN_VERSION``) and Rest.li 2.0.
https://learn.microsoft.com/en-us/linkedin/marketing/versioning
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from tribune.core import outbound
from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import AuthExpired, Unavailable, UnknownOutcome
from tribune.networks.linkedin import errors

API = "https://api.linkedin.com/rest"
DEFAULT_VERSION = "202605"


def urn(value: str) -> str:
    """A URN as one URL path segment or Rest.li list item (``:`` and ``,`` encoded)."""
    return quote(value, safe="")


class LinkedIn:
    def __init__(
        self,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        self.token = token
        headers = {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": outbound.setting("TRIBUNE_LINKEDIN_VERSION", DEFAULT_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
        }
        self.http = outbound.http_client(transport, allow_private=allow_private, headers=headers)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        write: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """``path`` and ``query`` are already encoded (Rest.li syntax such as ``List(…)``
        must reach LinkedIn unescaped). ``write``: a retry could duplicate a post."""
        if not self.token:
            raise AuthExpired("The LinkedIn account has no access token; reconnect it.")
        url = path if path.startswith("https://") else f"{API}/{path}"
        if query:
            url = f"{url}?{query}"
        try:
            response = self.http.request(method, url, **kwargs)
        except (httpx.TransportError, PrivateAddressBlocked) as exc:
            raise errors.from_transport(exc, write=write) from exc
        if response.is_error:
            raise errors.from_response(response, write=write)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        if not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            if kwargs.get("write"):
                raise UnknownOutcome("LinkedIn sent an unexpected answer.") from None
            raise Unavailable("LinkedIn sent an unexpected answer.") from None
        return answer if isinstance(answer, dict) else {}
