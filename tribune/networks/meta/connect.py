"""Connecting Facebook Pages and Instagram professional accounts with Facebook Login.

1. The login dialog (``/dialog/oauth``) with the Page or Instagram permissions.
2. The code → a short-lived user token → a long-lived user token
   (``grant_type=fb_exchange_token``); Page tokens read with a long-lived user token do not
   expire, which is why the connectors have no refresh.
3. ``me/accounts``: the Pages the person manages, each with its Page token; for Instagram,
   the professional account linked to each Page (``instagram_business_account``).
The person picks the Page(s) or account(s) to connect.
https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow ·
https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived ·
https://developers.facebook.com/docs/pages-api/getting-started ·
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/get-started
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx

from tribune.core.outbound import PrivateAddressBlocked
from tribune.networks.base import AuthExpired
from tribune.networks.meta import errors
from tribune.networks.meta.graph import GRAPH_URL, GRAPH_VERSION, Graph
from tribune.networks.oauth_connect import App, Candidate, Provider, endpoint

DIALOG_URL = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
CODE_GONE = {36007, 36009}  # the authorization code expired / was already used
PAGE_SCOPES = [
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_posts",
    "pages_manage_engagement",
    "read_insights",
    "business_management",  # Pages owned through a Business portfolio
]
INSTAGRAM_SCOPES = [
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
]
POSTING_TASKS = {"CREATE_CONTENT", "MANAGE"}


class _MetaProvider(Provider):
    app_provider = "meta"
    setting_names = ("TRIBUNE_META_APP_ID", "TRIBUNE_META_APP_SECRET")
    docs = "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow"
    scopes: list[str] = []

    def authorization_url(self, app: App, redirect_uri: str, state: str, challenge: str) -> str:
        params = {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(self.scopes),
        }
        return f"{endpoint('meta.authorize', DIALOG_URL)}?{urlencode(params)}"

    def _token(self, params: dict[str, str]) -> dict[str, Any]:
        url = f"{endpoint('meta.graph', GRAPH_URL)}/oauth/access_token"
        try:
            response = self.http().get(url, params=params)
        except (httpx.TransportError, PrivateAddressBlocked) as exc:
            raise errors.from_transport(exc, write=False, label=self.label) from exc
        if response.is_error:
            error = errors.graph_error(response)
            if error.get("error_subcode") in CODE_GONE:
                raise AuthExpired(
                    "The Facebook authorization code expired or was already used.",
                    detail=str(error.get("message", "")),
                )
            raise errors.from_response(response, write=False, label=self.label)
        return dict(response.json())

    def exchange(self, app: App, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        short = self._token(
            {
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            }
        )
        return self._token(
            {
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "fb_exchange_token": short["access_token"],
            }
        )

    def _pages(self, token: dict[str, Any], fields: str) -> list[dict[str, Any]]:
        graph = Graph(
            token["access_token"],
            label=self.label,
            transport=self.transport,
            allow_private=self.allow_private,
        )
        return list(graph.pages("me/accounts", max_pages=5, fields=fields, limit=100))


class FacebookProvider(_MetaProvider):
    network = "facebook"
    label = "Facebook"
    scopes = PAGE_SCOPES

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        found = []
        for page in self._pages(token, "id,name,username,access_token,tasks"):
            tasks = set(page.get("tasks") or POSTING_TASKS)
            if not tasks & POSTING_TASKS or not page.get("access_token"):
                continue  # a role that cannot publish (analyst, moderator)
            found.append(
                Candidate(
                    remote_id=str(page["id"]),
                    handle=str(page.get("username") or page["id"]),
                    display_name=str(page.get("name") or page["id"]),
                    secrets={"access_token": str(page["access_token"])},
                )
            )
        return found


class InstagramProvider(_MetaProvider):
    network = "instagram"
    label = "Instagram"
    scopes = INSTAGRAM_SCOPES

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        fields = "id,name,access_token,instagram_business_account{id,username,name}"
        found = []
        for page in self._pages(token, fields):
            account = page.get("instagram_business_account")
            if not account or not page.get("access_token"):
                continue  # a Page without a linked professional account
            found.append(
                Candidate(
                    remote_id=str(account["id"]),
                    handle=str(account.get("username") or account["id"]),
                    display_name=str(account.get("name") or account.get("username") or ""),
                    secrets={"access_token": str(page["access_token"]), "page_id": str(page["id"])},
                    detail=str(page.get("name") or ""),
                )
            )
        return found
