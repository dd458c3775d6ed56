"""Connecting a Mastodon account: app registration, authorization URL, code exchange."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.networks.test_mastodon_connector import FakeInstance, form, load
from tribune.networks.base import AuthExpired, Rejected, Unavailable
from tribune.networks.mastodon import oauth

REDIRECT = "https://tribune.example/oauth/mastodon"
APP = oauth.AppRegistration(
    "https://mastodon.example",
    "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
    "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw",
)


@pytest.fixture
def instance() -> FakeInstance:
    return FakeInstance()


def test_register_app_on_any_instance(instance):
    instance.routes["POST /api/v1/apps"] = (200, load("app_created.json"))
    app = oauth.register_app(
        "mastodon.example/", REDIRECT, adapter=instance.adapter, allow_private=True
    )
    assert app == APP
    sent = form(instance.called("POST /api/v1/apps")[0])
    assert sent["client_name"] == ["Tribune"] and sent["redirect_uris"] == [REDIRECT]
    assert sent["scopes"] == ["read write:statuses write:media"]


def test_register_app_refused(instance):
    instance.routes["POST /api/v1/apps"] = (422, {"error": "Validation failed: Redirect URI"})
    with pytest.raises(Rejected, match="refused to register"):
        oauth.register_app(APP.instance_url, REDIRECT, adapter=instance.adapter, allow_private=True)


def test_register_app_on_an_unreachable_instance(instance):
    instance.routes["POST /api/v1/apps"] = (502, "<html>Bad Gateway</html>")
    with pytest.raises(Unavailable):
        oauth.register_app(APP.instance_url, REDIRECT, adapter=instance.adapter, allow_private=True)


def test_authorization_url_makes_no_request():
    url = oauth.authorization_url(APP, REDIRECT, state="s3cr3t")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "mastodon.example",
        "/oauth/authorize",
    )
    params = parse_qs(parts.query)
    assert params["client_id"] == [APP.client_id] and params["response_type"] == ["code"]
    assert params["redirect_uri"] == [REDIRECT] and params["state"] == ["s3cr3t"]
    assert params["scope"] == ["read write:statuses write:media"]


def test_exchange_code_returns_credentials(instance):
    instance.routes["GET /.well-known/oauth-authorization-server"] = (404, {"error": "Not found"})
    instance.routes["POST /oauth/token"] = (200, load("token.json"))
    instance.routes["GET /api/v1/accounts/verify_credentials"] = (
        200,
        load("account_verify_credentials.json"),
    )
    credentials = oauth.exchange_code(
        APP, "qDFUEaYrRK5c", REDIRECT, adapter=instance.adapter, allow_private=True
    )
    sent = form(instance.called("POST /oauth/token")[0])
    assert sent["grant_type"] == ["authorization_code"] and sent["code"] == ["qDFUEaYrRK5c"]
    assert sent["client_secret"] == [APP.client_secret] and sent["redirect_uri"] == [REDIRECT]
    assert credentials.handle == "cafe_tribune" and credentials.remote_id == "109302718203496513"
    assert credentials.base_url == "https://mastodon.example"
    assert credentials.secrets["access_token"] == "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
    assert credentials.secrets["client_id"] == APP.client_id
    # The instance was not asked for its version (version_check_mode="none").
    assert not instance.called("GET /api/v1/instance") and not instance.called(
        "GET /api/v2/instance"
    )


def test_exchange_of_a_used_code_is_refused(instance):
    instance.routes["GET /.well-known/oauth-authorization-server"] = (404, {"error": "Not found"})
    instance.routes["POST /oauth/token"] = (400, load("errors.json")["oauth_invalid_grant"])
    with pytest.raises(Rejected, match="invalid_grant") as caught:
        oauth.exchange_code(APP, "used", REDIRECT, adapter=instance.adapter, allow_private=True)
    assert caught.value.permanent


def test_exchange_with_a_revoked_client_is_auth_expired(instance):
    instance.routes["GET /.well-known/oauth-authorization-server"] = (404, {"error": "Not found"})
    instance.routes["POST /oauth/token"] = (401, {"error": "invalid_client"})
    with pytest.raises(AuthExpired):
        oauth.exchange_code(APP, "code", REDIRECT, adapter=instance.adapter, allow_private=True)
