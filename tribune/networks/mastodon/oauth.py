"""Connecting a Mastodon account: plain functions the web layer calls.

1. ``register_app(instance, redirect_uri)`` once per instance (``POST /api/v1/apps``);
   store the client id and secret for that instance.
2. ``authorization_url(app, redirect_uri, state)``: send the person there
   (``GET /oauth/authorize``); the instance redirects back with ``?code=…&state=…``.
3. ``exchange_code(app, code, redirect_uri)`` (``POST /oauth/token``, then
   ``verify_credentials``) → ``Credentials`` to store, encrypted.

Mastodon access tokens do not expire and come without a refresh token.
https://docs.joinmastodon.org/client/token/ · https://docs.joinmastodon.org/methods/apps/
· https://docs.joinmastodon.org/methods/oauth/
"""

from __future__ import annotations

from dataclasses import dataclass

from mastodon import Mastodon
from requests.adapters import BaseAdapter

from tribune.networks.base import Credentials, Rejected
from tribune.networks.mastodon.client import instance_url, new_api
from tribune.networks.mastodon.errors import translated

APP_NAME = "Tribune"
# Reading notifications, statuses and the profile; writing statuses and media only.
SCOPES = ["read", "write:statuses", "write:media"]


@dataclass(frozen=True)
class AppRegistration:
    instance_url: str
    client_id: str
    client_secret: str


def register_app(
    instance: str,
    redirect_uri: str,
    *,
    website: str | None = None,
    adapter: BaseAdapter | None = None,
    allow_private: bool | None = None,
) -> AppRegistration:
    """Register Tribune as an OAuth application on ``instance``."""
    api = new_api(instance, adapter=adapter, allow_private=allow_private)
    try:
        with translated(api):
            client_id, client_secret = Mastodon.create_app(
                APP_NAME,
                scopes=SCOPES,
                redirect_uris=redirect_uri,
                website=website,
                api_base_url=api.api_base_url,
                session=api.session,
                request_timeout=api.request_timeout,
            )
    except (KeyError, TypeError) as exc:  # create_app does not check the status: an error body
        raise Rejected(
            "This Mastodon server refused to register Tribune.", detail=repr(exc)
        ) from exc
    return AppRegistration(str(api.api_base_url), client_id, client_secret)


def authorization_url(app: AppRegistration, redirect_uri: str, state: str) -> str:
    """Where to send the person; no request is made (``state`` guards against CSRF)."""
    api = new_api(app.instance_url, client_id=app.client_id, client_secret=app.client_secret)
    return api.auth_request_url(
        redirect_uris=redirect_uri, scopes=SCOPES, state=state, skip_server_info=True
    )


def exchange_code(
    app: AppRegistration,
    code: str,
    redirect_uri: str,
    *,
    adapter: BaseAdapter | None = None,
    allow_private: bool | None = None,
) -> Credentials:
    """The authorization code → credentials of the account that granted access."""
    api = new_api(
        app.instance_url,
        client_id=app.client_id,
        client_secret=app.client_secret,
        adapter=adapter,
        allow_private=allow_private,
    )
    with translated(api):
        token = api.log_in(code=code, redirect_uri=redirect_uri, scopes=SCOPES)
        account = api.account_verify_credentials()
    return Credentials(
        handle=str(account["acct"]),
        secrets={
            "access_token": token,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
        },
        base_url=instance_url(app.instance_url),
        remote_id=str(account["id"]),
    )
