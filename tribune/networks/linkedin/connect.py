"""Connecting LinkedIn organization pages: 3-legged OAuth, then the pages the member may
post for (``organizationAcls`` by role assignee: ADMINISTRATOR or CONTENT_ADMIN, approved),
each read with ``organizations/{id}`` for its name. The member picks the page(s).
https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow ·
https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/ ·
pages ``organization-access-control-by-role`` and ``organization-lookup-api``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from tribune.networks import oauth2
from tribune.networks.linkedin import errors, oauth
from tribune.networks.linkedin.client import LinkedIn
from tribune.networks.oauth_connect import App, Candidate, Provider, endpoint, token_secrets

POSTING_ROLES = frozenset({"ADMINISTRATOR", "CONTENT_ADMIN"})
MAX_PAGES = 50


class LinkedInProvider(Provider):
    network = "linkedin"
    label = "LinkedIn"
    app_provider = "linkedin"
    setting_names = ("TRIBUNE_LINKEDIN_CLIENT_ID", "TRIBUNE_LINKEDIN_CLIENT_SECRET")
    docs = (
        "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow"
    )

    def authorization_url(self, app: App, redirect_uri: str, state: str, challenge: str) -> str:
        params = {
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(oauth.SCOPES),
        }
        return f"{endpoint('linkedin.authorize', oauth.AUTHORIZE_URL)}?{urlencode(params)}"

    def exchange(self, app: App, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        return oauth2.request_token(
            endpoint("linkedin.token", oauth.TOKEN_URL),
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
            },
            provider="LinkedIn",
            reconnect="the page",
            from_transport=errors.from_transport,
            retry_after=errors.retry_after,
            transport=self.transport,
            allow_private=self.allow_private,
        )

    def candidates(self, app: App, token: dict[str, Any]) -> list[Candidate]:
        api = LinkedIn(
            token["access_token"], transport=self.transport, allow_private=self.allow_private
        )
        acls = api.json("GET", "organizationAcls", query="q=roleAssignee&state=APPROVED&count=100")
        organizations: list[str] = []
        for acl in acls.get("elements") or []:
            org = str(acl.get("organization") or acl.get("organizationTarget") or "")
            if acl.get("role") in POSTING_ROLES and org and org not in organizations:
                organizations.append(org)
        secrets = token_secrets(app, token, default_lifetime=0)
        found = []
        for org in organizations[:MAX_PAGES]:
            org_id = org.rsplit(":", 1)[-1]
            page = api.json("GET", f"organizations/{org_id}")
            name = str(page.get("localizedName") or org_id)
            found.append(
                Candidate(
                    remote_id=org,
                    handle=str(page.get("vanityName") or org_id),
                    display_name=name,
                    secrets=secrets,
                )
            )
        return found
