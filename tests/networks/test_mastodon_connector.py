"""The Mastodon connector through Mastodon.py, with the HTTP session stubbed
(``CallbackAdapter``) and answers recorded from docs.joinmastodon.org."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tribune.core.outbound import CallbackAdapter
from tribune.networks import mastodon
from tribune.networks.base import (
    Credentials,
    MediaItem,
    PostRequest,
    Rejected,
    RemoteRef,
    Unavailable,
)
from tribune.networks.mastodon.connector import MastodonConnector
from tribune.networks.mastodon.text import plain_text, same_text

FIXTURES = Path(mastodon.__file__).parent / "fixtures"
ACCOUNT_ID = "109302718203496513"
PNG = MediaItem(b"\x89PNG fake", "image/png", alt_text="Une tasse de café sur le comptoir")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeInstance:
    """A Mastodon instance answering ``"METHOD /path"`` routes with recorded payloads.

    A route is ``(status, body[, headers])``, a callable taking the prepared request, or
    an exception to raise. Unknown routes answer 501 so a stray request shows up.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.adapter = CallbackAdapter(self._handle)

    def _handle(self, request: requests.PreparedRequest):
        key = f"{request.method} {urlsplit(request.url).path}"
        answer = self.routes.get(key)
        if answer is None:
            return 501, {"error": f"no route for {key}"}
        if callable(answer):
            answer = answer(request)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    @property
    def requests(self) -> list[requests.PreparedRequest]:
        return self.adapter.requests

    def called(self, key: str) -> list[requests.PreparedRequest]:
        return [r for r in self.requests if f"{r.method} {urlsplit(r.url).path}" == key]

    def connector(self, **secrets: str) -> MastodonConnector:
        credentials = Credentials(
            handle="cafe_tribune",
            secrets=secrets or {"access_token": "tok"},
            base_url="https://mastodon.example",
            remote_id=ACCOUNT_ID,
        )
        return MastodonConnector(
            credentials, adapter=self.adapter, allow_private=True, sleep=lambda _s: None
        )


def form(request: requests.PreparedRequest) -> dict[str, list[str]]:
    body = request.body or ""
    return parse_qs(body if isinstance(body, str) else body.decode())


def query(request: requests.PreparedRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


@pytest.fixture
def instance() -> FakeInstance:
    return FakeInstance()


def test_class_attributes():
    assert MastodonConnector.name == "mastodon" and MastodonConnector.label == "Mastodon"
    assert MastodonConnector.limits.max_length == 500 and MastodonConnector.limits.url_length == 23
    assert {"publish", "delete", "media", "threads", "dms"} <= MastodonConnector.capabilities
    assert "refresh" not in MastodonConnector.capabilities  # tokens do not expire


# --- publishing -------------------------------------------------------------------------
def test_publish_sends_text_visibility_warning_language_reply_and_idempotency_key(instance):
    instance.routes["POST /api/v1/statuses"] = (200, load("status_created.json"))
    published = instance.connector().publish(
        PostRequest(
            text="Été 🎉 concert ce soir #jazz",
            idempotency_key="key-1",
            reply_to=RemoteRef("113520000000000001"),
            language="fr",
            visibility="unlisted",
            content_warning="bruit",
        )
    )
    (request,) = instance.called("POST /api/v1/statuses")
    assert request.headers["Idempotency-Key"] == "key-1"
    assert request.headers["Authorization"] == "Bearer tok"
    sent = form(request)
    assert sent["status"] == ["Été 🎉 concert ce soir #jazz"]
    assert sent["visibility"] == ["unlisted"] and sent["language"] == ["fr"]
    assert sent["spoiler_text"] == ["bruit"]
    assert sent["in_reply_to_id"] == ["113520000000000001"]
    assert "media_ids[]" not in sent
    assert published.remote_id == "113520428812345678"
    assert published.url == "https://mastodon.example/@cafe_tribune/113520428812345678"
    assert published.uri.startswith("https://mastodon.example/users/cafe_tribune/statuses/")
    assert published.published_at == datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def test_publish_leaves_out_what_was_not_asked(instance):
    instance.routes["POST /api/v1/statuses"] = (200, load("status_created.json"))
    instance.connector().publish(PostRequest(text="Bonjour", idempotency_key="k"))
    sent = form(instance.called("POST /api/v1/statuses")[0])
    assert sent["visibility"] == ["public"]
    assert not {"spoiler_text", "language", "in_reply_to_id"} & set(sent)


def test_images_are_uploaded_with_their_description_and_waited_for(instance):
    polls = iter([(206, load("media_processing.json")), (200, load("media_ready.json"))])
    instance.routes["POST /api/v2/media"] = (202, load("media_processing.json"))
    instance.routes["GET /api/v1/media/22345792"] = lambda _r: next(polls)
    instance.routes["POST /api/v1/statuses"] = (200, load("status_created.json"))
    instance.connector().publish(PostRequest(text="", idempotency_key="k", media=[PNG]))
    (upload,) = instance.called("POST /api/v2/media")
    body = upload.body
    assert b'name="description"' in body and "Une tasse de café".encode() in body
    assert b"\x89PNG fake" in body and b"image/png" in body
    assert len(instance.called("GET /api/v1/media/22345792")) == 2
    assert form(instance.called("POST /api/v1/statuses")[0])["media_ids[]"] == ["22345792"]


def test_media_still_processing_is_unavailable_and_nothing_is_posted(instance):
    instance.routes["POST /api/v2/media"] = (202, load("media_processing.json"))
    instance.routes["GET /api/v1/media/22345792"] = (206, load("media_processing.json"))
    with pytest.raises(Unavailable, match="processing"):
        instance.connector().publish(PostRequest(text="x", idempotency_key="k", media=[PNG]))
    assert not instance.called("POST /api/v1/statuses")


@pytest.mark.parametrize(
    ("media", "visibility", "message"),
    [
        ([PNG] * 5, "public", "at most 4"),
        ([PNG, MediaItem(b"v", "video/mp4")], "public", "on its own"),
        ([MediaItem(b"%PDF", "application/pdf")], "public", "images, videos and audio"),
        ([], "followers", "no 'followers' visibility"),
    ],
)
def test_invalid_posts_are_refused_before_any_request(instance, media, visibility, message):
    with pytest.raises(Rejected, match=message):
        instance.connector().publish(
            PostRequest(text="x", idempotency_key="k", media=media, visibility=visibility)
        )
    assert instance.requests == []


def test_delete_and_deleting_twice(instance):
    instance.routes["DELETE /api/v1/statuses/113520428812345678"] = (
        200,
        load("status_created.json"),
    )
    connector = instance.connector()
    connector.delete(RemoteRef("113520428812345678"))
    instance.routes["DELETE /api/v1/statuses/113520428812345678"] = (
        404,
        load("errors.json")["404"],
    )
    connector.delete(RemoteRef("113520428812345678"))  # already gone: fine
    assert len(instance.called("DELETE /api/v1/statuses/113520428812345678")) == 2


def test_delete_refused_for_another_reason_is_reported(instance):
    instance.routes["DELETE /api/v1/statuses/1"] = (403, load("errors.json")["403"])
    with pytest.raises(Rejected, match="not allowed"):
        instance.connector().delete(RemoteRef("1"))


# --- reconciliation ---------------------------------------------------------------------
def test_html_content_becomes_the_text_we_sent():
    html = load("account_statuses.json")[1]["content"]
    assert plain_text(html) == (
        "Nouveau menu : https://cafe.example/menu/printemps-2025\n"
        "Merci @bob & toute l'équipe !\n\nÀ ce soir."
    )
    sent = (
        "Nouveau menu : https://cafe.example/menu/printemps-2025\n"
        "Merci @bob@jazz.example & toute l'équipe !\n\nÀ ce soir."
    )
    assert same_text(sent, html)
    assert not same_text("Nouveau menu", html)


def test_find_published_finds_the_status_by_its_text(instance):
    instance.routes[f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses"] = (
        200,
        load("account_statuses.json"),
    )
    found = instance.connector().find_published(
        "key-1",
        "Nouveau menu : https://cafe.example/menu/printemps-2025\n"
        "Merci @bob@jazz.example & toute l'équipe !\n\nÀ ce soir.",
        datetime(2025, 3, 14, 9, 55, tzinfo=UTC),
    )
    assert found is not None and found.remote_id == "113520480000000002"
    assert found.url == "https://mastodon.example/@cafe_tribune/113520480000000002"
    (request,) = instance.called(f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses")
    assert query(request)["exclude_reblogs"] == ["1"]


def test_find_published_ignores_identical_text_from_before_the_attempt(instance):
    instance.routes[f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses"] = (
        200,
        load("account_statuses.json"),
    )
    since = datetime(2025, 3, 14, 10, 3, tzinfo=UTC)
    assert instance.connector().find_published("k", "Bonjour !", since) is None
    # stops at statuses well before ``since`` instead of paging through the history
    assert len(instance.called(f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses")) == 1


def test_find_published_pages_back_with_max_id(instance):
    pages = iter([(200, load("account_statuses.json")[:2]), (200, [])])
    instance.routes[f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses"] = lambda _r: next(pages)
    since = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
    assert instance.connector().find_published("k", "Absent", since) is None
    second = instance.called(f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses")[1]
    assert query(second)["max_id"] == ["113520480000000002"]


def test_account_id_is_read_once_when_unknown(instance):
    instance.routes["GET /api/v1/accounts/verify_credentials"] = (
        200,
        load("account_verify_credentials.json"),
    )
    instance.routes[f"GET /api/v1/accounts/{ACCOUNT_ID}/statuses"] = (200, [])
    connector = instance.connector()
    connector.credentials = Credentials(
        handle="", secrets={"access_token": "tok"}, base_url="https://mastodon.example"
    )
    since = datetime.now(UTC) - timedelta(minutes=5)
    connector.find_published("k", "x", since)
    connector.find_published("k", "x", since)
    assert len(instance.called("GET /api/v1/accounts/verify_credentials")) == 1
    assert connector.credentials.remote_id == ACCOUNT_ID
    assert connector.credentials.handle == "cafe_tribune"


# --- metrics ----------------------------------------------------------------------------
def test_account_metrics(instance):
    instance.routes["GET /api/v1/accounts/verify_credentials"] = (
        200,
        load("account_verify_credentials.json"),
    )
    metrics = instance.connector().fetch_account_metrics()
    assert (metrics.followers, metrics.following, metrics.posts) == (1284, 95, 431)


def test_post_metrics_leave_out_deleted_statuses_and_unknown_numbers(instance):
    instance.routes["GET /api/v1/statuses/113520480000000002"] = (
        200,
        load("status_metrics.json"),
    )
    instance.routes["GET /api/v1/statuses/404"] = (404, load("errors.json")["404"])
    metrics = instance.connector().fetch_post_metrics(
        [RemoteRef("113520480000000002"), RemoteRef("404")]
    )
    (only,) = metrics
    assert only.remote_id == "113520480000000002"
    assert (only.likes, only.replies, only.reposts, only.quotes) == (17, 2, 5, 1)
    assert only.impressions is None and only.link_clicks is None
    # ``bookmarked`` only says whether *we* bookmarked it: bookmarks are private.
    assert only.saves is None and only.video_views is None


def test_refresh_is_refused_with_a_clear_message(instance):
    with pytest.raises(Rejected, match="do not expire"):
        instance.connector().refresh_credentials()
    assert instance.requests == []
