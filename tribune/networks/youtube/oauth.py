"""Google OAuth 2.0 for a YouTube channel: plain functions for the web layer, and refresh.

Ask for offline access (``access_type=offline``, ``prompt=consent``) to get a refresh
token. Google's refresh answers carry no new refresh token: the stored one is kept.
App credentials come from the stored secrets or ``TRIBUNE_GOOGLE_CLIENT_ID`` /
``TRIBUNE_GOOGLE_CLIENT_SECRET``. https://developers.google.com/identity/protocols/oauth2/web-server
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from tribune.core import outbound
from tribune.networks import oauth2
from tribune.networks.base import AuthExpired, Credentials, Rejected
from tribune.networks.youtube import errors

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.force-ssl",  # comments, video updates
    "https://www.googleapis.com/auth/youtube.readonly",
]


def _app(credentials: Credentials | None = None) -> tuple[str, str]:
    secrets = credentials.secrets if credentials else {}
    client_id = secrets.get("client_id") or outbound.setting("TRIBUNE_GOOGLE_CLIENT_ID", "")
    secret = secrets.get("client_secret") or outbound.setting("TRIBUNE_GOOGLE_CLIENT_SECRET", "")
    if not client_id or not secret:
        raise Rejected("No Google app is configured (TRIBUNE_GOOGLE_CLIENT_ID and _SECRET).")
    return client_id, secret


def authorization_url(redirect_uri: str, state: str) -> str:
    params = {
        "client_id": _app()[0],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
    }
    return f"{AUTHORIZE_URL}?{urlencode(params)}"


def _token(
    data: dict[str, str], transport: httpx.BaseTransport | None, allow_private: bool | None
) -> dict:
    return oauth2.request_token(
        TOKEN_URL,
        data,
        provider="Google",
        reconnect="the channel",
        from_transport=errors.from_transport,
        transport=transport,
        allow_private=allow_private,
    )


def _with_tokens(base: Credentials, body: dict) -> Credentials:
    return oauth2.with_tokens(base, body, default_lifetime=3600)


def exchange_code(
    code: str,
    redirect_uri: str,
    *,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> Credentials:
    """Tokens for the code; the channel id is read on first use (``channels?mine=true``)."""
    client_id, secret = _app()
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": secret,
    }
    return _with_tokens(Credentials(handle=""), _token(data, transport, allow_private))


def refresh(
    credentials: Credentials,
    *,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> Credentials:
    refresh_token = credentials.secrets.get("refresh_token", "")
    if not refresh_token:
        raise AuthExpired("This YouTube channel has no refresh token; reconnect it.")
    client_id, secret = _app(credentials)
    data = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": secret,
    }
    return _with_tokens(credentials, _token(data, transport, allow_private))
