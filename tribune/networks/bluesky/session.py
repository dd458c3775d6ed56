"""Sessions: an ``atproto.Client`` acting as one account, and explicit token refresh.

The SDK refreshes an access token silently when it is about to expire. Bluesky rotates
refresh tokens, so a silent refresh whose new tokens nobody stores would leave Tribune
holding a revoked refresh token. We turn it off: an expired token surfaces as
``AuthExpired``, and the domain calls ``refresh_credentials`` and stores the result.
See https://docs.bsky.app/docs/api/com-atproto-server-refresh-session
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
from atproto import Client, Session
from atproto_client.client.session import get_session_pds_endpoint

from tribune.networks.base import AuthExpired, Credentials, Rejected
from tribune.networks.bluesky.errors import translated
from tribune.networks.bluesky.transport import build_request

DEFAULT_SERVICE = "https://bsky.social"


class ExplicitRefreshClient(Client):
    """``atproto.Client`` that never refreshes tokens on its own."""

    def _should_refresh_session(self) -> bool:
        return False


def jwt_claims(token: str) -> dict:
    """The claims of a JWT, not verified: we only read the expiry and the account's DID."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def jwt_expiry(token: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(jwt_claims(token)["exp"]), tz=UTC)
    except (KeyError, ValueError, TypeError, OverflowError):
        return None


def service_url(credentials: Credentials) -> str:
    return (credentials.base_url or DEFAULT_SERVICE).rstrip("/")


def new_client(
    credentials: Credentials,
    *,
    transport: httpx.BaseTransport | None = None,
    allow_private: bool | None = None,
) -> ExplicitRefreshClient:
    request = build_request(transport=transport, allow_private=allow_private)
    return ExplicitRefreshClient(base_url=service_url(credentials), request=request)


def _session_credentials(credentials: Credentials, client: Client) -> Credentials:
    session = Session.decode(client.export_session_string())
    updated = credentials.with_secrets(
        access_jwt=session.access_jwt,
        refresh_jwt=session.refresh_jwt,
        pds_url=(session.pds_endpoint or "").removesuffix("/xrpc"),
    )
    return Credentials(
        handle=session.handle or credentials.handle,
        secrets=updated.secrets,
        base_url=credentials.base_url,
        remote_id=session.did,
        expires_at=jwt_expiry(session.access_jwt),
    )


def open_session(client: Client, credentials: Credentials) -> Credentials:
    """Make ``client`` act as the account; return credentials with the tokens in use.

    Stored tokens are reused as they are; the app password is used only when there are
    none (``createSession`` is rate limited to 30 per 5 minutes per account).
    """
    secrets = credentials.secrets
    access = secrets.get("access_jwt", "")
    did = credentials.remote_id or str(jwt_claims(access).get("sub", ""))
    if access and did.startswith("did:"):
        session = Session(
            handle=credentials.handle,
            did=did,
            access_jwt=access,
            refresh_jwt=secrets.get("refresh_jwt", ""),
            pds_endpoint=secrets.get("pds_url") or service_url(credentials),
        )
        with translated():
            client.login(session_string=session.encode(), fetch_bsky_profile=False)
        return replace(credentials, remote_id=did)
    return _password_login(client, credentials)


def _password_login(client: Client, credentials: Credentials) -> Credentials:
    password = credentials.secrets.get("app_password", "")
    if not password:
        raise AuthExpired("The Bluesky account has no session or app password; reconnect it.")
    with translated():
        client.login(credentials.handle, password, fetch_bsky_profile=False)
    return _session_credentials(credentials, client)


def refresh(client: Client, credentials: Credentials) -> Credentials:
    """New tokens from the refresh token, else from the app password.

    Keeps the old refresh token when the answer carries none (``with_secrets`` ignores
    empty values), and reports ``AuthExpired`` only when neither way works.
    """
    secrets = credentials.secrets
    refresh_jwt = secrets.get("refresh_jwt", "")
    if not refresh_jwt:
        if secrets.get("app_password"):
            return _password_login(client, credentials)
        raise Rejected("This Bluesky account has no refresh token; reconnect it.")
    try:
        with translated():
            answer = client.com.atproto.server.refresh_session(
                headers={"Authorization": f"Bearer {refresh_jwt}"}, ignore_session_check=True
            )
    except AuthExpired:
        if secrets.get("app_password"):
            return _password_login(client, credentials)
        raise
    # The DID document names the account's PDS (bsky.social is only an entryway).
    pds_url = (answer.did_doc and get_session_pds_endpoint(answer)) or secrets.get("pds_url", "")
    updated = credentials.with_secrets(
        access_jwt=answer.access_jwt, refresh_jwt=answer.refresh_jwt or "", pds_url=pds_url
    )
    return Credentials(
        handle=answer.handle or credentials.handle,
        secrets=updated.secrets,
        base_url=credentials.base_url,
        remote_id=answer.did,
        expires_at=jwt_expiry(answer.access_jwt),
    )
