"""In a real browser: connecting a Mastodon account. The person types their server's
address in a Tribune form; the page's CSP only lets forms post to Tribune itself
(form-action 'self'), so the hop to the server must not be a redirect answering that
form post: Chromium applies form-action to redirects too. A fake instance on 127.0.0.1
plays the server's part."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[2] / "tribune/networks/mastodon/fixtures"


@pytest.fixture
def fake_instance() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, name: str) -> None:
            data = (FIXTURES / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/oauth/authorize":  # the person logs in and allows Tribune
                back = urlencode({"code": "granted", "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{back}")
                self.end_headers()
            elif url.path == "/api/v1/accounts/verify_credentials":
                self._json("account_verify_credentials.json")
            else:
                self.send_response(404)
                self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            self._json("app_created.json" if path == "/api/v1/apps" else "token.json")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_connect_a_mastodon_account(page, tenants, live_server, settings, fake_instance):
    settings.SITE_URL = live_server.url
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the fake instance is on 127.0.0.1
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "form-action" in m.text else None)
    login(page, tenants.people["strategist"].email)
    page.goto("/b/alpha/accounts/connect/mastodon/")
    page.locator("input[name=instance]").fill(fake_instance)
    page.get_by_role("button", name="Continuer sur mon serveur").click()
    page.get_by_test_id("mastodon-continue").click()
    expect(page).to_have_url(f"{live_server.url}/b/alpha/accounts/")
    assert not blocked, blocked
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.get(network="mastodon")
    handle = json.loads((FIXTURES / "account_verify_credentials.json").read_text())["acct"]
    assert handle in account.display_name
