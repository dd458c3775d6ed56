"""A small Graph API client on httpx, through ``tribune.core.outbound`` (timeouts, the
private-address guard; tests pass ``httpx.MockTransport``). The token travels in the
``Authorization`` header, never in URLs that could end up in logs.
https://developers.facebook.com/docs/graph-api/overview
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from tribune.core import outbound
from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import AuthExpired, Unavailable, UnknownOutcome
from tribune.networks.meta import errors

GRAPH_VERSION = "v23.0"
GRAPH_URL = f"https://graph.facebook.com/{GRAPH_VERSION}"
VIDEO_URL = f"https://graph-video.facebook.com/{GRAPH_VERSION}"  # video uploads


class Graph:
    def __init__(
        self,
        token: str,
        *,
        label: str = "Meta",
        transport: httpx.BaseTransport | None = None,
        allow_private: bool | None = None,
    ) -> None:
        self.token = token
        self.label = label
        self.http = outbound.http_client(
            transport, allow_private=allow_private, headers={"Authorization": f"Bearer {token}"}
        )

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self._send("GET", path, write=False, params=params)

    def post(
        self, path: str, data: dict[str, Any], *, files: Any = None, write: bool = True
    ) -> dict[str, Any]:
        """``write`` is True when a retry could duplicate something people see."""
        return self._send("POST", path, write=write, data=data, files=files)

    def delete(self, path: str) -> dict[str, Any]:
        return self._send("DELETE", path, write=False)

    def pages(self, path: str, *, max_pages: int, **params: Any) -> Iterator[dict[str, Any]]:
        """Items of an edge, following ``paging.cursors.after``."""
        for _ in range(max_pages):
            answer = self.get(path, **params)
            yield from answer.get("data") or []
            after = ((answer.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (answer.get("paging") or {}).get("next"):
                return
            params = {**params, "after": after}

    def _send(self, method: str, path: str, *, write: bool, **kwargs: Any) -> dict[str, Any]:
        if not self.token:
            raise AuthExpired(f"The {self.label} account has no access token; reconnect it.")
        url = path if path.startswith("https://") else f"{GRAPH_URL}/{path.lstrip('/')}"
        try:
            response = self.http.request(method, url, **kwargs)
        except (httpx.TransportError, PrivateAddressBlocked) as exc:
            raise errors.from_transport(exc, write=write, label=self.label) from exc
        if response.is_error:
            raise errors.from_response(response, write=write, label=self.label)
        try:
            answer = response.json()
        except ValueError:
            if write:
                raise UnknownOutcome(f"{self.label} sent an unexpected answer.") from None
            raise Unavailable(f"{self.label} sent an unexpected answer.") from None
        return answer if isinstance(answer, dict) else {"data": answer}
