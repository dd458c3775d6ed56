"""tweepy errors → Tribune's typed errors; OAuth 2.0 refresh keeps the refresh token."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from tests.networks.test_x_connector import FakeX, load
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    MediaItem,
    PostRequest,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.x import oauth
from tribune.networks.x.connector import XConnector

POST = "POST /2/tweets"
ME = "GET /2/users/me"
TOKEN = "POST /2/oauth2/token"


@pytest.fixture
def fake_x() -> FakeX:
    return FakeX()


def post() -> PostRequest:
    return PostRequest(text="Bonjour", idempotency_key="k")


def test_429_waits_until_x_rate_limit_reset(fake_x):
    reset = str(int(time.time()) + 120)
    fake_x.routes[POST] = (429, load("errors.json")["429"], {"x-rate-limit-reset": reset})
    with pytest.raises(RateLimited) as caught:
        fake_x.connector().publish(post())
    assert 110 <= caught.value.retry_after <= 121
    assert len(fake_x.called(POST)) == 1  # tweepy did not sleep and retry


def test_429_without_reset_waits_a_window(fake_x):
    fake_x.routes[ME] = (429, load("errors.json")["429"])
    with pytest.raises(RateLimited) as caught:
        fake_x.connector().fetch_account_metrics()
    assert caught.value.retry_after == 900


def test_expired_token_is_auth_expired(fake_x):
    fake_x.routes[ME] = (401, load("errors.json")["401"])
    with pytest.raises(AuthExpired):
        fake_x.connector().fetch_account_metrics()


def test_no_access_token_is_auth_expired_without_a_request(fake_x):
    with pytest.raises(AuthExpired):
        fake_x.connector(refresh_token="r").fetch_account_metrics()
    assert fake_x.requests == []


@pytest.mark.parametrize(
    ("status", "key", "text"),
    [
        (403, "403_duplicate", "duplicate content"),
        (400, "400", "is not valid"),
        (404, "404", "Could not find tweet"),
    ],
)
def test_refusals_are_permanent_with_xs_message(fake_x, status, key, text):
    fake_x.routes[POST] = (status, load("errors.json")[key])
    with pytest.raises(Rejected) as caught:
        fake_x.connector().publish(post())
    assert caught.value.permanent and text in caught.value.message
    assert len(caught.value.message) <= 160


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(fake_x, status):
    fake_x.routes[POST] = (status, load("errors.json")["503"])
    with pytest.raises(Unavailable):
        fake_x.connector().publish(post())


def test_gateway_timeout_on_a_post_is_an_unknown_outcome(fake_x):
    fake_x.routes[POST] = (504, "Gateway Timeout")
    with pytest.raises(UnknownOutcome):
        fake_x.connector().publish(post())


def test_read_timeout_after_sending_a_post_is_an_unknown_outcome(fake_x):
    fake_x.routes[POST] = requests.ReadTimeout("Read timed out.")
    with pytest.raises(UnknownOutcome, match="may have been published"):
        fake_x.connector().publish(post())


def test_connection_refused_is_unavailable_even_for_a_post(fake_x):
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    fake_x.routes[POST] = requests.ConnectionError(MaxRetryError(None, "/2/tweets", reason))
    with pytest.raises(Unavailable):
        fake_x.connector().publish(post())


def test_read_timeout_on_reads_and_media_uploads_is_unavailable(fake_x):
    fake_x.routes[ME] = requests.ReadTimeout("timed out")
    fake_x.routes["POST /2/media/upload"] = requests.ReadTimeout("timed out")
    connector = fake_x.connector()
    with pytest.raises(Unavailable):
        connector.fetch_account_metrics()
    image = MediaItem(b"\x89PNG", "image/png")
    with pytest.raises(Unavailable):
        connector.publish(PostRequest(text="x", idempotency_key="k", media=[image]))
    assert not fake_x.called(POST)


def test_unreadable_answer_to_a_post_is_an_unknown_outcome(fake_x):
    fake_x.routes[POST] = (200, "<html>oops</html>")
    with pytest.raises(UnknownOutcome):
        fake_x.connector().publish(post())


def test_every_request_gets_tribunes_timeout(fake_x, settings):
    """tweepy sends without a timeout; the outbound adapter sets (connect, read)."""
    settings.TRIBUNE_HTTP_TIMEOUT = 12.0
    fake_x.routes[ME] = (200, load("users_me.json"))
    fake_x.connector().fetch_account_metrics()
    assert fake_x.adapter.timeouts == [(5.0, 12.0)]


# --- OAuth 2.0 --------------------------------------------------------------------------
def test_refresh_stores_the_rotated_refresh_token(fake_x):
    fake_x.routes[TOKEN] = (200, load("token.json"))
    fake_x.routes[ME] = (200, load("users_me.json"))
    connector = fake_x.connector()
    credentials = connector.refresh_credentials()
    sent = parse_qs(fake_x.called(TOKEN)[0].body)
    assert sent == {"grant_type": ["refresh_token"], "refresh_token": ["ref"], "client_id": ["cid"]}
    assert credentials.secrets["access_token"] == "bWRWa0xuY2Y3QW5"
    assert credentials.secrets["refresh_token"] == "bWRWa0xuY2Y3QW5-rotated"
    assert credentials.expires_at is not None and credentials.secrets["expires_at"]
    connector.fetch_account_metrics()  # the new token is used at once
    assert fake_x.called(ME)[0].headers["Authorization"] == "Bearer bWRWa0xuY2Y3QW5"


def test_refresh_keeps_the_refresh_token_when_none_is_returned(fake_x):
    token = {k: v for k, v in load("token.json").items() if k != "refresh_token"}
    fake_x.routes[TOKEN] = (200, token)
    credentials = fake_x.connector().refresh_credentials()
    assert credentials.secrets["refresh_token"] == "ref"
    assert credentials.secrets["client_id"] == "cid"


def test_confidential_clients_authenticate_with_basic_auth(fake_x):
    fake_x.routes[TOKEN] = (200, load("token.json"))
    secrets = {"access_token": "t", "refresh_token": "r", "client_id": "cid", "client_secret": "s"}
    fake_x.connector(**secrets).refresh_credentials()
    assert fake_x.called(TOKEN)[0].headers["Authorization"].startswith("Basic ")


def test_dead_refresh_token_is_auth_expired_and_a_server_error_is_not(fake_x):
    fake_x.routes[TOKEN] = (400, load("errors.json")["token_invalid"])
    with pytest.raises(AuthExpired):
        fake_x.connector().refresh_credentials()
    fake_x.routes[TOKEN] = (503, load("errors.json")["503"])
    with pytest.raises(Unavailable):
        fake_x.connector().refresh_credentials()
    fake_x.routes[TOKEN] = requests.ReadTimeout("timed out")
    with pytest.raises(Unavailable):
        fake_x.connector().refresh_credentials()


def test_refresh_needs_a_client_id():
    credentials = Credentials(handle="a", secrets={"access_token": "t", "refresh_token": "r"})
    with pytest.raises(Rejected, match="TRIBUNE_X_CLIENT_ID"):
        XConnector(credentials, allow_private=True).refresh_credentials()


def test_authorization_request_uses_pkce_s256():
    request = oauth.authorization_request(oauth.App("cid"), "https://t.example/cb", "st")
    params = parse_qs(request.url.split("?", 1)[1])
    assert request.url.startswith("https://x.com/i/oauth2/authorize?")
    assert params["code_challenge_method"] == ["S256"]
    assert params["code_challenge"] == [oauth.code_challenge(request.code_verifier)]
    assert 43 <= len(request.code_verifier) <= 128
    assert "offline.access" in params["scope"][0] and params["state"] == ["st"]
    # RFC 7636 appendix B example
    assert (
        oauth.code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_exchange_code(fake_x):
    fake_x.routes[TOKEN] = (200, load("token.json"))
    session = XConnector(Credentials(handle=""), adapter=fake_x.adapter, allow_private=True).session
    credentials = oauth.exchange_code(
        oauth.App("cid"), "code1", "verifier", "https://t.example/cb", session=session
    )
    sent = parse_qs(fake_x.called(TOKEN)[0].body)
    assert sent["grant_type"] == ["authorization_code"] and sent["code_verifier"] == ["verifier"]
    assert credentials.secrets["refresh_token"] == "bWRWa0xuY2Y3QW5-rotated"
    assert credentials.secrets["client_id"] == "cid"
