"""Bluesky errors → Tribune's typed errors, with the HTTP boundary stubbed (FakePds)."""

from __future__ import annotations

import time

import httpx
import pytest

from tribune.networks.base import (
    AuthExpired,
    Credentials,
    PostRequest,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.bluesky.connector import BlueskyConnector

PROFILE = httpx.Response(
    200, json={"did": "did:plc:alice", "handle": "alice.test", "followersCount": 3}
)


def xrpc(status: int, error: str, message: str = "", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


def post(text: str = "Bonjour") -> PostRequest:
    return PostRequest(text=text, idempotency_key="k1")


def test_429_with_ratelimit_reset_gives_retry_after(fake_pds):
    reset = int(time.time()) + 120
    fake_pds.routes["createRecord"] = xrpc(
        429, "RateLimitExceeded", "Rate Limit Exceeded", **{"ratelimit-reset": str(reset)}
    )
    with pytest.raises(RateLimited) as caught:
        fake_pds.connector().publish(post())
    assert 110 <= caught.value.retry_after <= 121
    assert "slow down" in caught.value.message


def test_429_prefers_retry_after_header(fake_pds):
    fake_pds.routes["getProfile"] = xrpc(
        429, "RateLimitExceeded", **{"retry-after": "7", "ratelimit-reset": "1"}
    )
    with pytest.raises(RateLimited) as caught:
        fake_pds.connector().fetch_account_metrics()
    assert caught.value.retry_after == 7


@pytest.mark.parametrize(
    "answer",
    [
        xrpc(400, "ExpiredToken", "Token has expired"),
        xrpc(400, "InvalidToken", "Token could not be verified"),
        xrpc(401, "AuthMissing", "Authentication Required"),
        httpx.Response(401),
    ],
)
def test_expired_or_invalid_token_is_auth_expired(fake_pds, answer):
    fake_pds.routes["getProfile"] = answer
    with pytest.raises(AuthExpired):
        fake_pds.connector().fetch_account_metrics()


def test_invalid_request_is_a_permanent_rejection_a_person_can_read(fake_pds):
    message = "Invalid app.bsky.feed.post record: string too big (maximum 3000, got 3500)"
    fake_pds.routes["createRecord"] = xrpc(400, "InvalidRequest", message)
    with pytest.raises(Rejected) as caught:
        fake_pds.connector().publish(post())
    error = caught.value
    assert error.permanent is True
    assert error.message.startswith("Bluesky refused the request: Invalid app.bsky.feed.post")
    assert len(error.message) <= 160
    assert "InvalidRequest" in error.detail


def test_suspended_account(fake_pds):
    fake_pds.routes["createRecord"] = xrpc(400, "AccountTakedown", "Account has been taken down")
    with pytest.raises(Rejected, match="suspended") as caught:
        fake_pds.connector().publish(post())
    assert caught.value.permanent


def test_conflict_is_a_temporary_rejection(fake_pds):
    fake_pds.routes["createRecord"] = xrpc(409, "InvalidSwap", "Commit was at a different CID")
    with pytest.raises(Rejected) as caught:
        fake_pds.connector().publish(post())
    assert caught.value.permanent is False


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_unavailable(fake_pds, status):
    fake_pds.routes["createRecord"] = xrpc(status, "InternalServerError")
    with pytest.raises(Unavailable):
        fake_pds.connector().publish(post())


def test_gateway_timeout_on_a_write_is_an_unknown_outcome(fake_pds):
    fake_pds.routes["createRecord"] = httpx.Response(504, text="Gateway Timeout")
    fake_pds.routes["getProfile"] = httpx.Response(504, text="Gateway Timeout")
    with pytest.raises(UnknownOutcome):
        fake_pds.connector().publish(post())
    with pytest.raises(Unavailable):
        fake_pds.connector().fetch_account_metrics()


def test_connection_refused_is_unavailable_even_for_a_write(fake_pds):
    fake_pds.routes["createRecord"] = httpx.ConnectError("Connection refused")
    with pytest.raises(Unavailable):
        fake_pds.connector().publish(post())


def test_read_timeout_after_sending_a_post_is_an_unknown_outcome(fake_pds):
    fake_pds.routes["createRecord"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome) as caught:
        fake_pds.connector().publish(post())
    assert "may have been published" in caught.value.message


def test_server_hanging_up_after_a_post_is_an_unknown_outcome(fake_pds):
    """httpx's own error (the SDK does not wrap it) after the request went out."""
    fake_pds.routes["createRecord"] = httpx.RemoteProtocolError("Server disconnected")
    fake_pds.routes["getProfile"] = httpx.RemoteProtocolError("Server disconnected")
    with pytest.raises(UnknownOutcome):
        fake_pds.connector().publish(post())
    with pytest.raises(Unavailable):
        fake_pds.connector().fetch_account_metrics()


def test_an_unusable_server_address_is_rejected():
    credentials = Credentials(handle="a.test", secrets={"app_password": "x"}, base_url="ftp://pds")
    with pytest.raises(Rejected, match="not valid"):
        BlueskyConnector(credentials, allow_private=True).fetch_account_metrics()


def test_read_timeout_on_reads_and_uploads_is_unavailable(fake_pds):
    from tribune.networks.base import MediaItem

    fake_pds.routes["getProfile"] = httpx.ReadTimeout("timed out")
    fake_pds.routes["uploadBlob"] = httpx.ReadTimeout("timed out")
    connector = fake_pds.connector()
    with pytest.raises(Unavailable):
        connector.fetch_account_metrics()
    image = MediaItem(b"\x89PNG fake", "image/png", alt_text="x")
    with pytest.raises(Unavailable):  # nothing is published before createRecord
        connector.publish(PostRequest(text="", idempotency_key="k", media=[image]))
    assert not fake_pds.called("com.atproto.repo.createRecord")


def test_delete_timeout_is_unavailable_because_delete_is_idempotent(fake_pds):
    from tribune.networks.base import RemoteRef

    fake_pds.routes["deleteRecord"] = httpx.ReadTimeout("timed out")
    uri = "at://did:plc:alice/app.bsky.feed.post/3k"
    with pytest.raises(Unavailable):
        fake_pds.connector().delete(RemoteRef(uri, uri))


def test_private_addresses_are_refused_before_any_request():
    credentials = Credentials(
        handle="a.test", secrets={"app_password": "x"}, base_url="http://127.0.0.1:9"
    )
    connector = BlueskyConnector(credentials, allow_private=False)
    with pytest.raises(Rejected, match="private network"):
        connector.fetch_account_metrics()


def test_expired_access_token_is_not_refreshed_silently(fake_pds):
    """The SDK would refresh on its own; the rotated refresh token would then be lost."""
    fake_pds.routes["getProfile"] = xrpc(400, "ExpiredToken", "Token has expired")
    fake_pds.routes["refreshSession"] = httpx.Response(500)
    connector = fake_pds.connector(
        access_jwt=fake_pds.jwt(expires_in=-60), refresh_jwt=fake_pds.jwt()
    )
    with pytest.raises(AuthExpired):
        connector.fetch_account_metrics()
    assert not fake_pds.called("com.atproto.server.refreshSession")
    assert fake_pds.called("app.bsky.actor.getProfile")


def test_no_secrets_at_all_is_auth_expired(fake_pds):
    connector = fake_pds.connector(unrelated="x")
    with pytest.raises(AuthExpired, match="reconnect"):
        connector.fetch_account_metrics()
    assert fake_pds.requests == []


def test_profile_success_still_works(fake_pds):
    fake_pds.routes["getProfile"] = PROFILE
    assert fake_pds.connector().fetch_account_metrics().followers == 3
