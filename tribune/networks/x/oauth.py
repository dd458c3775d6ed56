"""OAuth 2.0 Authorization Code with PKCE (user context) for X: plain functions.

1. ``authorization_request(client_id, redirect_uri, state)`` → the URL to send the person
   to and the PKCE ``code_verifier`` to keep (in the session) until they come back.
2. ``exchange_code(...)`` → access + refresh tokens (``offline.access`` scope).
3. ``refresh(...)``: access tokens live 2 hours; X rotates the refresh token on each
   refresh. The old one is kept only when the answer carries none.

The app's client id (and secret, for confidential clients, sent as HTTP Basic) come from
the stored secrets or the ``TRIBUNE_X_CLIENT_ID`` / ``TRIBUNE_X_CLIENT_SECRET`` settings.
https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
"""

from __future__ import annotations

import base64
import hashlib
import secrets as random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import requests

from tribune.core import outbound
from tribune.networks.base import AuthExpired, Credentials, RateLimited, Rejected, Unavailable
from tribune.networks.x.errors import translated

AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"
TOKEN_URL = "https://api.x.com/2/oauth2/token"  # noqa: S105 (a URL, not a secret)
SCOPES = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"]


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    code_verifier: str


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str = ""

    @classmethod
    def from_credentials(cls, credentials: Credentials) -> App:
        client_id = credentials.secrets.get("client_id") or outbound.setting(
            "TRIBUNE_X_CLIENT_ID", ""
        )
        if not client_id:
            raise Rejected("No X client id is configured (TRIBUNE_X_CLIENT_ID).")
        secret = credentials.secrets.get("client_secret") or outbound.setting(
            "TRIBUNE_X_CLIENT_SECRET", ""
        )
        return cls(client_id, secret)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_request(app: App, redirect_uri: str, state: str) -> AuthorizationRequest:
    verifier = random.token_urlsafe(96)[:128]  # 43–128 characters
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
        "code_challenge": code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    return AuthorizationRequest(f"{AUTHORIZE_URL}?{urlencode(params)}", verifier)


def _token(app: App, session: requests.Session, data: dict[str, str]) -> dict:
    auth = (app.client_id, app.client_secret) if app.client_secret else None
    with translated():
        response = session.post(TOKEN_URL, data={**data, "client_id": app.client_id}, auth=auth)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 429:
        raise RateLimited("X asked us to slow down.", retry_after=900, detail=response.text[:200])
    if response.status_code in {400, 401}:
        # invalid_request / invalid_grant: the refresh token or code is dead or used.
        reason = body.get("error_description") or body.get("error") or response.text[:200]
        raise AuthExpired("X no longer accepts this authorization; reconnect.", detail=reason)
    if response.status_code >= 500:
        raise Unavailable("X could not renew the access; we will try again.")
    if not response.ok or "access_token" not in body:
        raise Rejected("X refused the token request.", detail=response.text[:200])
    return body


def _credentials(base: Credentials, body: dict) -> Credentials:
    expires_at = datetime.now(UTC) + timedelta(seconds=int(body.get("expires_in") or 7200))
    updated = base.with_secrets(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or "",  # empty: the old one stays
        expires_at=expires_at.isoformat(),
    )
    return Credentials(
        handle=base.handle,
        secrets=updated.secrets,
        base_url=base.base_url,
        remote_id=base.remote_id,
        expires_at=expires_at,
    )


def exchange_code(
    app: App,
    code: str,
    code_verifier: str,
    redirect_uri: str,
    *,
    session: requests.Session | None = None,
) -> Credentials:
    """Tokens for the code; ``handle``/``remote_id`` are filled in by the first use
    (``XConnector.user_id`` reads ``/2/users/me``)."""
    body = _token(
        app,
        session or outbound.guarded_session(),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        },
    )
    base = Credentials(handle="", secrets={"client_id": app.client_id})
    if app.client_secret:
        base = base.with_secrets(client_secret=app.client_secret)
    return _credentials(base, body)


def refresh(credentials: Credentials, *, session: requests.Session | None = None) -> Credentials:
    refresh_token = credentials.secrets.get("refresh_token", "")
    if not refresh_token:
        raise AuthExpired("This X account has no refresh token; reconnect it.")
    body = _token(
        App.from_credentials(credentials),
        session or outbound.guarded_session(),
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
    )
    return _credentials(credentials, body)
