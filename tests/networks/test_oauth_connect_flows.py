"""OAuth connect flows (X with PKCE, LinkedIn pages, YouTube channels, Facebook Pages,
Instagram): start → network → callback → selection → SocialAccount, against the real
database. Only HTTP is stubbed (``httpx.MockTransport`` answering recorded payloads)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.db import connection

from tribune.accounts.models import BrandRole
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks import oauth_connect, oauth_views
from tribune.networks.models import NetworkApp, SocialAccount

NETWORKS = Path(oauth_views.__file__).parent


def load(package: str, name: str) -> Any:
    return json.loads((NETWORKS / package / "fixtures" / name).read_text())


class FakeNetwork:
    """Answers ``"METHOD host/path"`` routes; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response] | tuple[int, Any]] = {}
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.host}{request.url.path}"
        answer = self.routes.get(key)
        if answer is None:
            return httpx.Response(404, json={"error": f"no route {key}"})
        if callable(answer):
            return answer(request)
        status, body = answer
        return httpx.Response(status, json=body)

    def called(self, key: str) -> list[httpx.Request]:
        return [r for r in self.requests if f"{r.method} {r.url.host}{r.url.path}" == key]


@pytest.fixture
def fake(monkeypatch, settings) -> FakeNetwork:
    network = FakeNetwork()
    for provider in oauth_views.PROVIDERS.values():
        monkeypatch.setattr(provider, "transport", httpx.MockTransport(network.handle))
    settings.TRIBUNE_X_CLIENT_ID = "x-client"
    settings.TRIBUNE_X_CLIENT_SECRET = "x-secret"
    settings.TRIBUNE_LINKEDIN_CLIENT_ID = "li-client"
    settings.TRIBUNE_LINKEDIN_CLIENT_SECRET = "li-secret"
    settings.TRIBUNE_GOOGLE_CLIENT_ID = "google-client"
    settings.TRIBUNE_GOOGLE_CLIENT_SECRET = "google-secret"
    settings.TRIBUNE_META_APP_ID = "meta-app"
    settings.TRIBUNE_META_APP_SECRET = "meta-secret"
    return network


def _start(client, network: str, brand: str = "alpha") -> tuple[str, dict[str, str]]:
    response = client.get(f"/b/{brand}/accounts/connect/{network}/start/")
    assert response.status_code == 302, response.content[:400]
    location = response["Location"]
    return location, {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _accounts(brand, network: str) -> list[SocialAccount]:
    with brand_scope(brand):
        return list(SocialAccount.objects.filter(network=network).order_by("handle"))


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


# --- X: PKCE ---------------------------------------------------------------------------------
def _x_routes(fake: FakeNetwork) -> None:
    fake.routes["POST api.x.com/2/oauth2/token"] = (200, load("x", "token.json"))
    fake.routes["GET api.x.com/2/users/me"] = (200, load("x", "users_me.json"))


def test_x_flow_with_pkce_connects_the_account(client, tenants, fake):
    _x_routes(fake)
    client.force_login(tenants.people["strategist"])
    page = client.get("/b/alpha/accounts/connect/x/")
    assert page.status_code == 200 and b"/b/alpha/accounts/connect/x/start/" in page.content
    location, query = _start(client, "x")
    assert location.startswith("https://x.com/i/oauth2/authorize?")
    assert query["code_challenge_method"] == "S256" and query["client_id"] == "x-client"
    assert query["redirect_uri"] == "http://127.0.0.1:8000/oauth/x/callback/"
    assert "offline.access" in query["scope"].split()
    # The verifier never leaves the server: only its S256 challenge is in the URL.
    flow = client.session[oauth_connect.FLOWS_KEY][query["state"]]
    assert flow["brand"] == "alpha" and flow["verifier"] not in location
    expected = base64.urlsafe_b64encode(hashlib.sha256(flow["verifier"].encode()).digest())
    assert query["code_challenge"] == expected.rstrip(b"=").decode()

    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert response.status_code == 302 and response["Location"] == "/b/alpha/accounts/"

    (token_request,) = fake.called("POST api.x.com/2/oauth2/token")
    sent = _form(token_request)
    assert sent["code_verifier"] == flow["verifier"] and sent["code"] == "c0de"
    assert sent["grant_type"] == "authorization_code"
    basic = base64.b64encode(b"x-client:x-secret").decode()
    assert token_request.headers["authorization"] == f"Basic {basic}"
    (me,) = fake.called("GET api.x.com/2/users/me")
    assert me.headers["authorization"] == "Bearer bWRWa0xuY2Y3QW5"

    (account,) = _accounts(tenants.brand_a, "x")
    assert (account.handle, account.remote_id) == ("cafe_tribune", "2244994945")
    assert account.display_name == "Café Tribune"
    assert account.credentials["refresh_token"] == "bWRWa0xuY2Y3QW5-rotated"
    assert account.credentials["expires_at"]
    assert "client_secret" not in account.credentials  # the settings' app: read at refresh
    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT credentials FROM networks_socialaccount WHERE id = %s", [account.pk])
        raw = cursor.fetchone()[0]
    assert "bWRWa0xuY2Y3QW5" not in raw
    event = AuditEvent.objects.get(action="account.connected")
    assert event.after == {"network": "x", "handle": "cafe_tribune"}
    assert event.actor == tenants.people["strategist"]
    assert oauth_connect.FLOWS_KEY in client.session and not client.session[oauth_connect.FLOWS_KEY]


def test_a_wrong_or_reused_state_connects_nothing(client, tenants, fake):
    _x_routes(fake)
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "x")
    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": "forged"})
    assert response.status_code == 400
    assert b'data-kind="state"' in response.content
    assert not fake.requests and not _accounts(tenants.brand_a, "x")
    # The real state still works once, then never again.
    assert (
        client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]}).status_code
        == 302
    )
    again = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert again.status_code == 400 and b'data-kind="state"' in again.content
    assert len(fake.called("POST api.x.com/2/oauth2/token")) == 1


def test_a_state_from_another_network_is_refused(client, tenants, fake):
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "linkedin")
    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert response.status_code == 400 and b'data-kind="state"' in response.content


def test_an_old_flow_has_expired(client, tenants, fake, monkeypatch):
    _x_routes(fake)
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "x")
    later = oauth_connect.time.time() + oauth_connect.FLOW_SECONDS + 5
    monkeypatch.setattr(oauth_connect.time, "time", lambda: later)
    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert response.status_code == 400 and b'data-kind="expired"' in response.content
    assert not fake.requests


def test_denied_consent_shows_a_page_and_calls_nothing(client, tenants, fake):
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "x")
    response = client.get(
        "/oauth/x/callback/",
        {"error": "access_denied", "error_description": "The user denied", "state": query["state"]},
    )
    assert response.status_code == 400
    assert b'data-kind="denied"' in response.content and b"The user denied" in response.content
    assert b"/b/alpha/accounts/connect/x/" in response.content  # "start again"
    assert not fake.requests


def test_an_expired_code_and_a_network_error_are_explained(client, tenants, fake):
    client.force_login(tenants.people["strategist"])
    fake.routes["POST api.x.com/2/oauth2/token"] = (
        400,
        {
            "error": "invalid_request",
            "error_description": "Value passed for the authorization code was invalid.",
        },
    )
    _location, query = _start(client, "x")
    response = client.get("/oauth/x/callback/", {"code": "old", "state": query["state"]})
    assert response.status_code == 400 and b'data-kind="code"' in response.content

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fake.routes["POST api.x.com/2/oauth2/token"] = unreachable
    _location, query = _start(client, "x")
    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert response.status_code == 502 and b'data-kind="network"' in response.content
    assert not _accounts(tenants.brand_a, "x")


def test_french_error_page(client, tenants, fake):
    client.force_login(tenants.people["strategist"])
    response = client.get(
        "/oauth/x/callback/", {"code": "c", "state": "forged"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "fr"


@pytest.mark.parametrize("role", ["community_manager", "client_reviewer", "analyst"])
def test_roles_without_the_accounts_capability_cannot_start(client, tenants, fake, role):
    client.force_login(tenants.people[role])
    assert client.get("/b/alpha/accounts/connect/x/").status_code == 403
    assert client.get("/b/alpha/accounts/connect/x/start/").status_code == 403
    assert client.get("/b/alpha/accounts/connect/linkedin/choose/").status_code == 403


def test_foreign_brand_and_outsider_get_404(client, tenants, fake):
    client.force_login(tenants.people["strategist"])
    assert client.get("/b/beta/accounts/connect/x/start/").status_code == 404
    assert client.get("/b/gamma/accounts/connect/linkedin/choose/").status_code == 404
    client.force_login(tenants.outsider)
    assert client.get("/b/alpha/accounts/connect/x/start/").status_code == 404


def test_callback_after_losing_the_role_connects_nothing(client, tenants, fake):
    _x_routes(fake)
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "x")
    BrandRole.objects.filter(user=tenants.people["strategist"]).delete()
    response = client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    assert response.status_code == 404
    assert not fake.requests


def test_without_an_application_the_page_says_so(client, tenants, settings):
    settings.TRIBUNE_X_CLIENT_ID = ""
    client.force_login(tenants.people["strategist"])
    response = client.get("/b/alpha/accounts/connect/x/start/")
    assert response.status_code == 200 and b'data-kind="not_configured"' in response.content
    assert oauth_connect.FLOWS_KEY not in client.session


# --- LinkedIn: choose the organization pages ---------------------------------------------------
def _linkedin_routes(fake: FakeNetwork) -> None:
    fake.routes["POST www.linkedin.com/oauth/v2/accessToken"] = (
        200,
        load("linkedin", "token.json"),
    )
    fake.routes["GET api.linkedin.com/rest/organizationAcls"] = (
        200,
        load("linkedin", "organization_acls.json"),
    )
    for org in ("2414183", "5515715"):
        fake.routes[f"GET api.linkedin.com/rest/organizations/{org}"] = (
            200,
            load("linkedin", f"organization_{org}.json"),
        )


def test_linkedin_lists_the_pages_and_connects_the_chosen_one(client, tenants, fake):
    _linkedin_routes(fake)
    client.force_login(tenants.people["strategist"])
    location, query = _start(client, "linkedin")
    assert location.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert "w_organization_social" in query["scope"].split()
    response = client.get("/oauth/linkedin/callback/", {"code": "c", "state": query["state"]})
    assert response.status_code == 302
    assert response["Location"] == "/b/alpha/accounts/connect/linkedin/choose/"
    (acls,) = fake.called("GET api.linkedin.com/rest/organizationAcls")
    assert acls.url.query.decode().startswith("q=roleAssignee")
    assert acls.headers["x-restli-protocol-version"] == "2.0.0"
    assert not fake.called("GET api.linkedin.com/rest/organizations/7777777")  # analyst role
    # Nothing connected yet; the tokens wait in the session, encrypted.
    assert not _accounts(tenants.brand_a, "linkedin")
    stored = json.dumps(dict(client.session.items()))
    assert "AQXNnd2k" not in stored

    page = client.get("/b/alpha/accounts/connect/linkedin/choose/")
    assert b"Maison Lumi" in page.content and b"Lumi\xc3\xa8re Studio" in page.content
    empty = client.post("/b/alpha/accounts/connect/linkedin/choose/", {"language": "fr"})
    assert empty.status_code == 200 and not _accounts(tenants.brand_a, "linkedin")
    done = client.post(
        "/b/alpha/accounts/connect/linkedin/choose/",
        {"remote_id": ["urn:li:organization:5515715", "urn:li:organization:666"], "language": "en"},
    )
    assert done.status_code == 302
    (account,) = _accounts(tenants.brand_a, "linkedin")
    assert account.remote_id == "urn:li:organization:5515715"
    assert (account.handle, account.display_name, account.language) == (
        "lumiere-studio",
        "Lumière Studio",
        "en",
    )
    assert account.credentials["refresh_token"].startswith("AQWAft")
    # The choice is used up.
    again = client.get("/b/alpha/accounts/connect/linkedin/choose/")
    assert again.status_code == 200 and b"urn:li:organization" not in again.content


def test_linkedin_choices_are_bound_to_the_brand(client, tenants, fake):
    _linkedin_routes(fake)
    owner = tenants.owner
    client.force_login(owner)
    _location, query = _start(client, "linkedin")
    client.get("/oauth/linkedin/callback/", {"code": "c", "state": query["state"]})
    # The same person, on another brand of the workspace: nothing to choose there.
    other = client.post(
        "/b/beta/accounts/connect/linkedin/choose/",
        {"remote_id": "urn:li:organization:2414183", "language": "fr"},
    )
    assert other.status_code == 200
    assert not _accounts(tenants.brand_b, "linkedin") and not _accounts(tenants.brand_a, "linkedin")


def test_linkedin_login_without_pages(client, tenants, fake):
    _linkedin_routes(fake)
    fake.routes["GET api.linkedin.com/rest/organizationAcls"] = (200, {"elements": []})
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "linkedin")
    response = client.get("/oauth/linkedin/callback/", {"code": "c", "state": query["state"]})
    assert response.status_code == 200 and b'data-kind="none"' in response.content


# --- YouTube ------------------------------------------------------------------------------------
def test_youtube_single_channel_is_connected_at_once(client, tenants, fake):
    fake.routes["POST oauth2.googleapis.com/token"] = (200, load("youtube", "token.json"))
    fake.routes["GET www.googleapis.com/youtube/v3/channels"] = (
        200,
        load("youtube", "channels_mine.json"),
    )
    client.force_login(tenants.people["strategist"])
    location, query = _start(client, "youtube")
    assert location.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert query["access_type"] == "offline" and query["prompt"] == "consent"
    response = client.get("/oauth/youtube/callback/", {"code": "4/0Ad", "state": query["state"]})
    assert response.status_code == 302 and response["Location"] == "/b/alpha/accounts/"
    sent = _form(fake.called("POST oauth2.googleapis.com/token")[0])
    assert sent["client_secret"] == "google-secret" and sent["code"] == "4/0Ad"
    (channels,) = fake.called("GET www.googleapis.com/youtube/v3/channels")
    assert channels.url.params["mine"] == "true"
    (account,) = _accounts(tenants.brand_a, "youtube")
    assert (account.remote_id, account.handle) == ("UCx5XG1OV2P6uZZ5FSM9Ttw0", "cafetribune")
    assert account.credentials["refresh_token"] == "1//0gLd-refresh"


# --- Facebook Pages and Instagram ---------------------------------------------------------------
def _meta_routes(fake: FakeNetwork, accounts: str) -> None:
    def token(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("grant_type") == "fb_exchange_token":
            assert request.url.params["fb_exchange_token"] == "EAAGshort"
            return httpx.Response(200, json=load("meta", "oauth_token_long.json"))
        return httpx.Response(200, json=load("meta", "oauth_token_short.json"))

    fake.routes["GET graph.facebook.com/v23.0/oauth/access_token"] = token
    fake.routes["GET graph.facebook.com/v23.0/me/accounts"] = (200, load("meta", accounts))


def test_facebook_offers_the_pages_the_person_can_publish_to(client, tenants, fake):
    _meta_routes(fake, "me_accounts.json")
    client.force_login(tenants.owner)
    location, query = _start(client, "facebook")
    assert location.startswith("https://www.facebook.com/v23.0/dialog/oauth?")
    assert "pages_manage_posts" in query["scope"].split(",")
    response = client.get("/oauth/facebook/callback/", {"code": "AQD", "state": query["state"]})
    assert response["Location"] == "/b/alpha/accounts/connect/facebook/choose/"
    (pages,) = fake.called("GET graph.facebook.com/v23.0/me/accounts")
    assert pages.headers["authorization"] == "Bearer EAAGlonglived"  # the long-lived token
    page = client.get("/b/alpha/accounts/connect/facebook/choose/")
    assert b"104857600123456" in page.content and b"104857600654321" in page.content
    assert b"104857600999999" not in page.content  # ANALYZE only: cannot publish
    client.post(
        "/b/alpha/accounts/connect/facebook/choose/",
        {"remote_id": ["104857600123456", "104857600654321"], "language": "fr"},
    )
    maison, studio = sorted(_accounts(tenants.brand_a, "facebook"), key=lambda a: a.remote_id)
    assert (maison.handle, maison.credentials["access_token"]) == (
        "maisonlumiere",
        "EAAGpage-maison",
    )
    assert (studio.handle, studio.credentials["access_token"]) == (
        "104857600654321",
        "EAAGpage-studio",
    )
    assert AuditEvent.objects.filter(action="account.connected").count() == 2


def test_facebook_code_already_used(client, tenants, fake):
    fake.routes["GET graph.facebook.com/v23.0/oauth/access_token"] = (
        400,
        load("meta", "oauth_code_used.json"),
    )
    client.force_login(tenants.owner)
    _location, query = _start(client, "facebook")
    response = client.get("/oauth/facebook/callback/", {"code": "AQD", "state": query["state"]})
    assert response.status_code == 400 and b'data-kind="code"' in response.content


def test_instagram_connects_the_account_linked_to_a_page(client, tenants, fake):
    _meta_routes(fake, "me_accounts_instagram.json")
    client.force_login(tenants.people["strategist"])
    _location, query = _start(client, "instagram")
    assert "instagram_content_publish" in query["scope"].split(",")
    response = client.get("/oauth/instagram/callback/", {"code": "AQD", "state": query["state"]})
    assert response["Location"] == "/b/alpha/accounts/"
    (pages,) = fake.called("GET graph.facebook.com/v23.0/me/accounts")
    assert "instagram_business_account" in pages.url.params["fields"]
    (account,) = _accounts(tenants.brand_a, "instagram")
    assert (account.remote_id, account.handle) == ("17841405822304914", "maison.lumiere")
    assert account.credentials == {"access_token": "EAAGpage-maison", "page_id": "104857600123456"}


# --- the workspace's own applications ---------------------------------------------------
def test_workspace_application_is_used_and_kept_for_refresh(client, tenants, fake, settings):
    settings.TRIBUNE_X_CLIENT_ID = ""
    _x_routes(fake)
    client.force_login(tenants.people["strategist"])
    assert client.get("/b/alpha/accounts/apps/").status_code == 403  # admins only
    client.force_login(tenants.owner)
    response = client.post(
        "/b/alpha/accounts/apps/",
        {"provider": "x", "client_id": "ws-client", "client_secret": "ws-secret"},
    )
    assert response.status_code == 302
    app = NetworkApp.objects.get(workspace=tenants.workspace, provider="x")
    assert app.secrets == {"client_secret": "ws-secret"}
    event = AuditEvent.objects.get(action="network_app.saved")
    assert "ws-secret" not in json.dumps(event.after)
    # Keeping the secret when the field is left empty.
    client.post("/b/alpha/accounts/apps/", {"provider": "x", "client_id": "ws-client"})
    app.refresh_from_db()
    assert app.secrets == {"client_secret": "ws-secret"}

    _location, query = _start(client, "x")
    assert query["client_id"] == "ws-client"
    client.get("/oauth/x/callback/", {"code": "c0de", "state": query["state"]})
    (account,) = _accounts(tenants.brand_a, "x")
    assert account.credentials["client_id"] == "ws-client"
    assert account.credentials["client_secret"] == "ws-secret"
    # Another workspace does not see it.
    assert oauth_connect.app_for(oauth_views.PROVIDERS["x"], tenants.other_workspace) is None
    client.post("/b/alpha/accounts/apps/", {"provider": "x", "client_id": ""})
    assert not NetworkApp.objects.exists()
