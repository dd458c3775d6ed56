"""The OAuth 2.0 token endpoint, shared by connectors whose networks follow RFC 6749
closely (LinkedIn, Google/YouTube): one POST, errors mapped to the typed errors, and the
answer merged into the stored credentials without ever dropping a refresh token."""

from __future__ import annotations

import base64
import hashlib
import secrets as random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from tribune.core import outbound
from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
)


def request_token(
    url: str,
    data: dict[str, str],
    *,
    provider: str,
    reconnect: str,
    from_transport: Callable[..., NetworkError],
    retry_after: Callable[[httpx.Response], float] = lambda _response: 60.0,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
    auth: tuple[str, str] | None = None,
) -> dict:
    """POST ``data`` to the token endpoint ``url``; the JSON answer, or a typed error.

    ``provider`` names the network in messages ("Google"); ``reconnect`` is what the
    person reconnects ("the channel"); ``from_transport`` is the connector's own mapping
    of connection errors (a token request is safe to retry: ``write=False``); ``auth``:
    HTTP Basic client authentication (X's confidential clients)."""
    client = outbound.http_client(transport, allow_private=allow_private)
    try:
        if auth is not None:
            response = client.post(url, data=data, auth=auth)
        else:
            response = client.post(url, data=data)
    except (httpx.TransportError, PrivateAddressBlocked) as exc:
        raise from_transport(exc, write=False) from exc
    if response.status_code == 429:
        raise RateLimited(f"{provider} asked us to slow down.", retry_after=retry_after(response))
    if response.status_code in {400, 401}:  # invalid_grant: revoked, expired or unused
        raise AuthExpired(
            f"{provider} no longer accepts this authorization; reconnect {reconnect}.",
            detail=response.text[:200],
        )
    if response.status_code >= 500:
        raise Unavailable(f"{provider} could not renew the access; we will try again.")
    body = response.json() if response.content else {}
    if not response.is_success or "access_token" not in body:
        raise Rejected(f"{provider} refused the token request.", detail=response.text[:200])
    return body


def pkce_pair() -> tuple[str, str]:
    """A PKCE ``code_verifier`` (43–128 characters) and its S256 ``code_challenge``
    (RFC 7636 §4.1–4.2)."""
    verifier = random.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def with_tokens(base: Credentials, body: dict, default_lifetime: int) -> Credentials:
    """``base`` with the new tokens; an answer without a refresh token keeps the stored one
    (Postiz #1884: wiping it locks the account out)."""
    lifetime = int(body.get("expires_in") or default_lifetime)
    expires_at = datetime.now(UTC) + timedelta(seconds=lifetime)
    updated = base.with_secrets(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or "",  # empty: with_secrets keeps the old
        expires_at=expires_at.isoformat(),
    )
    return Credentials(
        handle=base.handle,
        secrets=updated.secrets,
        base_url=base.base_url,
        remote_id=base.remote_id,
        expires_at=expires_at,
    )
