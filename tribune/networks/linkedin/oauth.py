"""LinkedIn OAuth 2.0 (3-legged): plain functions for the web layer, and token refresh.

Access tokens live 60 days. Refresh tokens (365 days, not extended by refreshing) are
issued only to apps LinkedIn has approved for them (Community Management / Marketing
partners); without one, an expired token means reconnecting the page. A refresh keeps the
stored refresh token when the answer carries none. App credentials come from the stored
secrets or ``TRIBUNE_LINKEDIN_CLIENT_ID`` / ``TRIBUNE_LINKEDIN_CLIENT_SECRET``.
https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow ·
https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from tribune.core import outbound
from tribune.networks import oauth2
from tribune.networks.base import AuthExpired, Credentials, Rejected
from tribune.networks.linkedin import errors

AUTHORIZE_URL = "https://www.linkedin.com/oauth/v2/authorization"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 (a URL)
SCOPES = ["r_organization_social", "w_organization_social", "rw_organization_admin"]


def _app(credentials: Credentials | None = None) -> tuple[str, str]:
    secrets = credentials.secrets if credentials else {}
    client_id = secrets.get("client_id") or outbound.setting("TRIBUNE_LINKEDIN_CLIENT_ID", "")
    secret = secrets.get("client_secret") or outbound.setting("TRIBUNE_LINKEDIN_CLIENT_SECRET", "")
    if not client_id or not secret:
        raise Rejected("No LinkedIn app is configured (TRIBUNE_LINKEDIN_CLIENT_ID and _SECRET).")
    return client_id, secret


def authorization_url(redirect_uri: str, state: str, *, client_id: str = "") -> str:
    params = {
        "response_type": "code",
        "client_id": client_id or _app()[0],
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": " ".join(SCOPES),
    }
    return f"{AUTHORIZE_URL}?{urlencode(params)}"


def _token(
    data: dict[str, str], transport: httpx.BaseTransport | None, allow_private: bool | None
) -> dict:
    return oauth2.request_token(
        TOKEN_URL,
        data,
        provider="LinkedIn",
        reconnect="the page",
        from_transport=errors.from_transport,
        retry_after=errors.retry_after,
        transport=transport,
        allow_private=allow_private,
    )


def _with_tokens(base: Credentials, body: dict) -> Credentials:
    return oauth2.with_tokens(base, body, default_lifetime=0)


def exchange_code(
    code: str,
    redirect_uri: str,
    organization_id: str,
    *,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> Credentials:
    client_id, secret = _app()
    body = _token(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "client_secret": secret,
        },
        transport,
        allow_private,
    )
    return _with_tokens(Credentials(handle="", remote_id=organization_id), body)


def refresh(
    credentials: Credentials,
    *,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> Credentials:
    refresh_token = credentials.secrets.get("refresh_token", "")
    if not refresh_token:
        raise AuthExpired(
            "This LinkedIn app has no refresh token (LinkedIn issues them to approved apps "
            "only); reconnect the page."
        )
    client_id, secret = _app(credentials)
    body = _token(
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": secret,
        },
        transport,
        allow_private,
    )
    return _with_tokens(credentials, body)
