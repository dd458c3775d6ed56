"""A small YouTube Data API v3 client on httpx, through ``tribune.core.outbound``."""

from __future__ import annotations

from typing import Any

import httpx

from tribune.core import outbound
from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import AuthExpired, Unavailable, UnknownOutcome
from tribune.networks.youtube import errors

API = "https://www.googleapis.com/youtube/v3"
UPLOAD_API = "https://www.googleapis.com/upload/youtube/v3"


class YouTube:
    def __init__(
        self,
        token: str,
        *,
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        self.token = token
        self.http = outbound.http_client(
            transport, allow_private=allow_private, headers={"Authorization": f"Bearer {token}"}
        )

    def request(
        self, method: str, url: str, *, write: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """``url``: a path under the Data API, or a full URL (uploads). ``write``: a retry
        could duplicate something people see (a video, a comment)."""
        if not self.token:
            raise AuthExpired("The YouTube account has no access token; reconnect it.")
        if not url.startswith("https://"):
            url = f"{API}/{url}"
        try:
            response = self.http.request(method, url, **kwargs)
        except (httpx.TransportError, PrivateAddressBlocked) as exc:
            raise errors.from_transport(exc, write=write) from exc
        if response.is_error:
            raise errors.from_response(response, write=write)
        return response

    def json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, url, **kwargs)
        if not response.content:
            return {}
        try:
            answer = response.json()
        except ValueError:
            if kwargs.get("write"):
                raise UnknownOutcome("YouTube sent an unexpected answer.") from None
            raise Unavailable("YouTube sent an unexpected answer.") from None
        return answer if isinstance(answer, dict) else {}
