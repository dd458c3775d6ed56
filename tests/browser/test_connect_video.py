"""In a real browser: connecting an X account through OAuth 2.0 with PKCE against a fake
authorization server on 127.0.0.1 (the settings point the flow at it), and adding a video
to a post. Selectors use test ids: the French catalogue is merged separately."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tests.publishing.mp4_samples import make_mp4
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_sandbox_account
from tribune.publishing import workflow
from tribune.publishing.models import MediaFile

pytestmark = pytest.mark.browser
X_FIXTURES = Path(__file__).resolve().parents[2] / "tribune/networks/x/fixtures"


@dataclass
class AuthServer:
    """What the fake X authorization server saw."""

    url: str = ""
    challenges: dict[str, str] = field(default_factory=dict)  # code → code_challenge
    token_requests: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def fake_x() -> Iterator[AuthServer]:
    seen = AuthServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/i/oauth2/authorize":
                # The person logs in and consents: X sends them back with a code.
                code = f"code-{len(seen.challenges)}"
                seen.challenges[code] = query["code_challenge"]
                back = {"code": code, "state": query["state"]}
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()
            elif url.path == "/2/users/me":
                self._json(200, json.loads((X_FIXTURES / "users_me.json").read_text()))
            else:
                self._json(404, {"title": "Not Found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            seen.token_requests.append(form)
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if seen.challenges.pop(form.get("code", ""), None) != challenge:
                self._json(400, {"error": "invalid_request"})  # PKCE check failed
                return
            self._json(200, json.loads((X_FIXTURES / "token.json").read_text()))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    seen.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def test_connect_an_x_account_through_oauth(page, tenants, live_server, settings, fake_x):
    settings.SITE_URL = live_server.url  # the redirect URI comes back to this server
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the fake server is on 127.0.0.1
    settings.TRIBUNE_X_CLIENT_ID = "browser-client"
    settings.TRIBUNE_X_CLIENT_SECRET = ""  # a public client: PKCE only
    settings.TRIBUNE_OAUTH_ENDPOINTS = {
        "x.authorize": f"{fake_x.url}/i/oauth2/authorize",
        "x.token": f"{fake_x.url}/2/oauth2/token",
        "x.api": fake_x.url,
    }
    login(page, tenants.people["strategist"].email)
    page.goto("/b/alpha/accounts/")
    page.get_by_test_id("oauth-connect").locator("a[href$='/connect/x/']").click()
    page.get_by_test_id("oauth-start").click()
    # Back on Tribune, on the accounts page, with the account connected.
    expect(page).to_have_url(f"{live_server.url}/b/alpha/accounts/")
    expect(page.get_by_role("link", name="@cafe_tribune")).to_be_visible()
    (form,) = fake_x.token_requests
    assert form["client_id"] == "browser-client" and len(form["code_verifier"]) >= 43
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.get(network="x")
    assert account.remote_id == "2244994945"
    assert account.credentials["refresh_token"] == "bWRWa0xuY2Y3QW5-rotated"

    # Coming back with a forged state shows the explanation page, nothing else happens.
    page.goto("/oauth/x/callback/?code=stolen&state=forged")
    expect(page.get_by_test_id("oauth-error")).to_have_attribute("data-kind", "state")
    assert len(fake_x.token_requests) == 1


def test_add_a_video_to_a_post(page, tenants, tmp_path):
    brand = tenants.brand_a
    with brand_scope(brand):
        account = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", tenants.owner)
        post = workflow.do_save_post(
            brand,
            tenants.people["community_manager"],
            text="Les coulisses de l'atelier",
            accounts=[account],
            scheduled_at=None,
        )
    clip = tmp_path / "atelier.mp4"
    clip.write_bytes(make_mp4(12.5, 1920, 1080))
    login(page, tenants.people["community_manager"].email)
    page.goto(f"/b/alpha/publishing/posts/{post.pk}/")
    form = page.get_by_test_id("video-form")
    form.locator("#id_video").set_input_files(str(clip))
    form.locator("#id_video_alt").fill("Un artisan polit une lampe en laiton")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("video-preview")).to_be_visible()
    expect(page.get_by_test_id("video-facts")).to_contain_text("12,5 s")
    expect(page.get_by_test_id("video-facts")).to_contain_text("1920×1080")
    expect(page.get_by_test_id("video-form")).to_have_count(0)  # one video on its own
    expect(page.locator("#id_image")).to_have_count(0)  # and no images with it
    expect(page.get_by_test_id("variant-alpha.sandbox")).to_contain_text("✓")
    with brand_scope(brand):
        item = MediaFile.objects.get(post=post)
    assert (item.mime_type, item.duration) == ("video/mp4", 12.5)
