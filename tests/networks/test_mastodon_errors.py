"""Mastodon.py errors → Tribune's typed errors (HTTP session stubbed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from tests.networks.test_mastodon_connector import FakeInstance, load
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    PostRequest,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.mastodon.connector import MastodonConnector

POST = "POST /api/v1/statuses"
PROFILE = "GET /api/v1/accounts/verify_credentials"


@pytest.fixture
def instance() -> FakeInstance:
    return FakeInstance()


def post() -> PostRequest:
    return PostRequest(text="Bonjour", idempotency_key="k1")


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens on the port."""
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    return requests.ConnectionError(MaxRetryError(None, "/api/v1/statuses", reason))


def test_429_waits_until_x_ratelimit_reset(instance):
    reset = (datetime.now(UTC) + timedelta(seconds=120)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    headers = {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    instance.routes[POST] = (429, load("errors.json")["429"], headers)
    with pytest.raises(RateLimited) as caught:
        instance.connector().publish(post())
    assert 110 <= caught.value.retry_after <= 121
    assert "slow down" in caught.value.message
    assert len(instance.called(POST)) == 1  # Mastodon.py did not sleep and retry


def test_429_without_a_reset_header_waits_the_5_minute_window(instance):
    instance.routes[PROFILE] = (429, load("errors.json")["429"])
    with pytest.raises(RateLimited) as caught:
        instance.connector().fetch_account_metrics()
    assert caught.value.retry_after == 300


def test_invalid_token_is_auth_expired(instance):
    instance.routes[PROFILE] = (401, load("errors.json")["401"])
    with pytest.raises(AuthExpired, match="reconnect"):
        instance.connector().fetch_account_metrics()


@pytest.mark.parametrize(
    ("status", "key", "text"),
    [
        (422, "422", "Text character limit of 500 exceeded"),
        (403, "403", "This action is not allowed"),
        (404, "404", "Record not found"),
    ],
)
def test_refusals_are_permanent_with_the_server_message(instance, status, key, text):
    instance.routes[POST] = (status, load("errors.json")[key])
    with pytest.raises(Rejected) as caught:
        instance.connector().publish(post())
    assert caught.value.permanent is True
    assert text in caught.value.message and len(caught.value.message) <= 160
    assert caught.value.detail.startswith(str(status))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(instance, status):
    instance.routes[POST] = (status, load("errors.json")["503"])
    with pytest.raises(Unavailable):
        instance.connector().publish(post())


def test_gateway_timeout_on_a_post_is_an_unknown_outcome(instance):
    instance.routes[POST] = (504, "<html>Gateway Timeout</html>")
    instance.routes[PROFILE] = (504, "<html>Gateway Timeout</html>")
    with pytest.raises(UnknownOutcome):
        instance.connector().publish(post())
    with pytest.raises(Unavailable):
        instance.connector().fetch_account_metrics()


def test_read_timeout_after_sending_a_post_is_an_unknown_outcome(instance):
    instance.routes[POST] = requests.ReadTimeout("Read timed out. (read timeout=15)")
    with pytest.raises(UnknownOutcome) as caught:
        instance.connector().publish(post())
    assert "may have been published" in caught.value.message
    assert "ReadTimeout" in caught.value.detail


def test_connection_dropped_after_sending_a_post_is_an_unknown_outcome(instance):
    instance.routes[POST] = requests.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    )
    with pytest.raises(UnknownOutcome):
        instance.connector().publish(post())


def test_connection_refused_is_unavailable_even_for_a_post(instance):
    instance.routes[POST] = refused()
    with pytest.raises(Unavailable):
        instance.connector().publish(post())


def test_connect_timeout_is_unavailable(instance):
    instance.routes[POST] = requests.ConnectTimeout("connect timeout=5")
    with pytest.raises(Unavailable):
        instance.connector().publish(post())


def test_read_timeouts_on_reads_and_uploads_are_unavailable(instance):
    from tribune.networks.base import MediaItem

    instance.routes[PROFILE] = requests.ReadTimeout("timed out")
    instance.routes["POST /api/v2/media"] = requests.ReadTimeout("timed out")
    connector = instance.connector()
    with pytest.raises(Unavailable):
        connector.fetch_account_metrics()
    image = MediaItem(b"\x89PNG", "image/png", alt_text="x")
    with pytest.raises(Unavailable):  # nothing is published before POST /api/v1/statuses
        connector.publish(PostRequest(text="", idempotency_key="k", media=[image]))
    assert not instance.called(POST)


def test_unreadable_answer_to_a_post_is_an_unknown_outcome(instance):
    instance.routes[POST] = (200, "<html>maintenance</html>")
    with pytest.raises(UnknownOutcome):
        instance.connector().publish(post())


def test_requests_use_tribunes_timeout_not_mastodon_pys_300_s(instance):
    instance.routes[PROFILE] = (200, load("account_verify_credentials.json"))
    instance.connector().fetch_account_metrics()
    assert instance.adapter.timeouts == [(5.0, 15.0)]


def test_real_refused_connection_on_loopback_is_unavailable():
    """No stub: requests really connects to a closed port on 127.0.0.1."""
    credentials = Credentials(
        handle="a", secrets={"access_token": "t"}, base_url="http://127.0.0.1:9", remote_id="1"
    )
    with pytest.raises(Unavailable):
        MastodonConnector(credentials, allow_private=True).publish(post())


def test_private_addresses_are_refused_before_any_request():
    credentials = Credentials(
        handle="a", secrets={"access_token": "t"}, base_url="http://127.0.0.1:9", remote_id="1"
    )
    with pytest.raises(Rejected, match="private network"):
        MastodonConnector(credentials, allow_private=False).publish(post())


def test_an_unusable_server_address_is_rejected():
    credentials = Credentials(handle="a", secrets={"access_token": "t"}, base_url="ftp://x")
    with pytest.raises(Rejected, match="not valid"):
        MastodonConnector(credentials, allow_private=True)
