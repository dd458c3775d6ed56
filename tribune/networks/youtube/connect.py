"""Connecting a YouTube channel: Google OAuth 2.0 for a web server (offline access for a
refresh token), then ``channels?mine=true``. A Google account with several channels (brand
accounts) chooses one on Google's consent screen; any channels listed are offered here.
https://developers.google.com/identity/protocols/oauth2/web-server ·
https://developers.google.com/youtube/v3/docs/channels/list
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tribune.networks import oauth2
from tribune.networks.oauth_connect import App, Candidate, Provider, endpoint, token_secrets
from tribune.networks.youtube import errors, oauth
from tribune.networks.youtube.client import YouTube


class YouTubeProvider(Provider):
    network = "youtube"
    label = "YouTube"
    app_provider = "google"
    setting_names = ("TRIBUNE_GOOGLE_CLIENT_ID", "TRIBUNE_GOOGLE_CLIENT_SECRET")
    docs = "https://developers.google.com/identity/protocols/oauth2/web-server"

    def authorization_url(self, app: App, redirect_uri: str, state: str, challenge: str) -> str:
        params = {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(oauth.SCOPES),
            "access_type": "offline",
            "prompt": "consent",  # a refresh token every time, even on a second connection
            "include_granted_scopes": "true",
            "state": state,
        }
        return f"{endpoint('google.authorize', oauth.AUTHORIZE_URL)}?{urlencode(params)}"

    def exchange(self, app: App, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        return oauth2.request_token(
            endpoint("google.token", oauth.TOKEN_URL),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
            },
            provider="Google",
            reconnect="the channel",
            from_transport=errors.from_transport,
            transport=self.transport,
            allow_private=self.allow_private,
        )

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        api = YouTube(
            token["access_token"], transport=self.transport, allow_private=self.allow_private
        )
        found = api.json(
            "GET", "channels", params={"part": "snippet", "mine": "true", "maxResults": 50}
        )
        secrets = token_secrets(app, token, default_lifetime=3600)
        return [
            Candidate(
                remote_id=str(channel["id"]),
                handle=str(channel["snippet"].get("customUrl") or channel["id"]).removeprefix("@"),
                display_name=str(channel["snippet"].get("title") or channel["id"]),
                secrets=secrets,
            )
            for channel in found.get("items") or []
        ]
