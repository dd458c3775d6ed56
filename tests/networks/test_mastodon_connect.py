"""Connecting a Mastodon account from the UI: app registration once per instance, the
authorization redirect with a state, and the callback — network boundary stubbed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.html import escape

from tests.networks.test_mastodon_connector import FakeInstance, load
from tribune.core import outbound
from tribune.core.scope import brand_scope
from tribune.networks.models import MastodonApp, SocialAccount


@pytest.fixture
def instance(monkeypatch) -> FakeInstance:
    fake = FakeInstance()
    fake.routes["POST /api/v1/apps"] = (200, load("app_created.json"))
    fake.routes["POST /oauth/token"] = (200, load("token.json"))
    fake.routes["GET /api/v1/accounts/verify_credentials"] = (
        200,
        load("account_verify_credentials.json"),
    )
    real = outbound.guarded_session
    monkeypatch.setattr(
        outbound,
        "guarded_session",
        lambda adapter=None, **kw: real(fake.adapter, allow_private=True),
    )
    return fake


def _start(client, brand="alpha"):
    response = client.post(
        f"/b/{brand}/accounts/connect/mastodon/",
        {"instance": "https://mastodon.example/", "language": "fr"},
    )
    # A page with a link to the server (a redirect would break the CSP's form-action).
    assert response.status_code == 200, response.content[:500]
    location = response.context["authorize_url"]
    assert f'href="{escape(location)}"' in response.content.decode()
    query = parse_qs(urlsplit(location).query)
    return location, query["state"][0]


def test_connect_then_callback(client, tenants, instance):
    client.force_login(tenants.people["strategist"])
    location, state = _start(client)
    assert location.startswith("https://mastodon.example/oauth/authorize")
    _start(client)  # a second connection reuses the registered app
    assert len(instance.called("POST /api/v1/apps")) == 1
    assert "client_secret" in MastodonApp.objects.get().secrets
    _location, state = _start(client)
    response = client.get("/oauth/mastodon/callback/", {"code": "abc", "state": state})
    assert response.status_code == 302 and response["Location"] == "/b/alpha/accounts/"
    with brand_scope(tenants.brand_a):
        account = SocialAccount.objects.get(network="mastodon")
    assert account.credentials["access_token"] and account.base_url.startswith("https://")


def test_callback_with_a_forged_state_connects_nothing(client, tenants, instance):
    client.force_login(tenants.people["strategist"])
    _start(client)
    response = client.get("/oauth/mastodon/callback/", {"code": "abc", "state": "forged"})
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        assert not SocialAccount.objects.exists()
    assert not instance.called("POST /oauth/token")


def test_callback_after_losing_the_role_is_refused(client, tenants, instance):
    from tribune.accounts.models import BrandRole

    client.force_login(tenants.people["strategist"])
    _location, state = _start(client)
    BrandRole.objects.filter(user=tenants.people["strategist"]).delete()
    response = client.get("/oauth/mastodon/callback/", {"code": "abc", "state": state})
    assert response.status_code == 404
    assert not instance.called("POST /oauth/token")


def test_denied_access_and_refused_instance(client, tenants, instance):
    client.force_login(tenants.people["strategist"])
    _location, state = _start(client)
    response = client.get(
        "/oauth/mastodon/callback/", {"error": "access_denied", "state": state}, follow=True
    )
    assert "access_denied" in response.content.decode()
    MastodonApp.objects.all().delete()
    instance.routes["POST /api/v1/apps"] = (422, {"error": "Validation failed"})
    response = client.post(
        "/b/alpha/accounts/connect/mastodon/", {"instance": "other.example", "language": "fr"}
    )
    assert response.status_code == 200 and not MastodonApp.objects.exists()
