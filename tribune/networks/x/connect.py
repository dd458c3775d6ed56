"""Connecting an X account: OAuth 2.0 Authorization Code with PKCE, then ``/2/users/me``.

Scopes: read and write posts, read users, upload media, and ``offline.access`` for a
refresh token (access tokens live two hours). A confidential client authenticates to the
token endpoint with HTTP Basic; a public client sends only its ``client_id``.
https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code ·
https://docs.x.com/x-api/users/user-lookup-me
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tribune.networks import oauth2
from tribune.networks.oauth_connect import (
    App,
    Candidate,
    Provider,
    endpoint,
    token_secrets,
    unreachable,
)
from tribune.networks.x import oauth

API_URL = "https://api.x.com"


class XProvider(Provider):
    network = "x"
    label = "X"
    app_provider = "x"
    setting_names = ("TRIBUNE_X_CLIENT_ID", "TRIBUNE_X_CLIENT_SECRET")
    pkce = True
    needs_secret = False  # public clients (PKCE only) exist
    docs = "https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code"

    def authorization_url(self, app: App, redirect_uri: str, state: str, challenge: str) -> str:
        params = {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(oauth.SCOPES),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{endpoint('x.authorize', oauth.AUTHORIZE_URL)}?{urlencode(params)}"

    def exchange(self, app: App, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        return oauth2.request_token(
            endpoint("x.token", oauth.TOKEN_URL),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "client_id": app.client_id,
            },
            provider="X",
            reconnect="the account",
            from_transport=unreachable("X"),
            retry_after=lambda _response: 900.0,
            transport=self.transport,
            allow_private=self.allow_private,
            auth=(app.client_id, app.client_secret) if app.client_secret else None,
        )

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        me = self.get_json(
            f"{endpoint('x.api', API_URL)}/2/users/me",
            token=token["access_token"],
            **{"user.fields": "name,username"},
        )["data"]
        return [
            Candidate(
                remote_id=str(me["id"]),
                handle=str(me["username"]),
                display_name=str(me.get("name") or me["username"]),
                secrets=token_secrets(app, token, default_lifetime=7200),
            )
        ]
