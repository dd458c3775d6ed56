"""The X connector through tweepy, with the requests session stubbed (``CallbackAdapter``)
and answers recorded from docs.x.com."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tribune.core.outbound import CallbackAdapter
from tribune.networks import x
from tribune.networks.base import Credentials, MediaItem, PostRequest, Rejected, RemoteRef
from tribune.networks.x.connector import XConnector
from tribune.networks.x.text import expanded_text, same_text

FIXTURES = Path(x.__file__).parent / "fixtures"
USER_ID = "2244994945"
PNG = MediaItem(b"\x89PNG fake", "image/png", alt_text="Une tasse de café sur le comptoir")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeX:
    """X's API answering ``"METHOD /path"`` routes (any host) with recorded payloads."""

    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.adapter = CallbackAdapter(self._handle)

    def _handle(self, request: requests.PreparedRequest):
        key = f"{request.method} {urlsplit(request.url).path}"
        answer = self.routes.get(key)
        if answer is None:
            return 501, {"title": f"no route for {key}"}
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

    def connector(self, **secrets: str) -> XConnector:
        credentials = Credentials(
            handle="cafe_tribune",
            secrets=secrets or {"access_token": "tok", "refresh_token": "ref", "client_id": "cid"},
            remote_id=USER_ID,
        )
        return XConnector(credentials, adapter=self.adapter, allow_private=True)


def query(request: requests.PreparedRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def body(request: requests.PreparedRequest) -> Any:
    return json.loads(request.body)


@pytest.fixture
def fake_x() -> FakeX:
    return FakeX()


def test_class_attributes():
    assert XConnector.name == "x" and XConnector.label == "X"
    assert XConnector.limits.max_length == 280 and XConnector.limits.url_length == 23
    assert {"publish", "delete", "media", "threads", "refresh"} <= XConnector.capabilities
    assert "dms" not in XConnector.capabilities


def test_publish_a_reply_as_the_user(fake_x):
    fake_x.routes["POST /2/tweets"] = (201, load("create_tweet.json"))
    published = fake_x.connector().publish(
        PostRequest(
            text="Été 🎉 concert ce soir #jazz",
            idempotency_key="k",
            reply_to=RemoteRef("1880000000000000001"),
            language="fr",
        )
    )
    (request,) = fake_x.called("POST /2/tweets")
    assert request.headers["Authorization"] == "Bearer tok"  # OAuth 2.0 user token
    assert body(request) == {
        "text": "Été 🎉 concert ce soir #jazz",
        "reply": {"in_reply_to_tweet_id": "1880000000000000001"},
    }
    assert published.remote_id == "1880028106020515840"
    assert published.url == "https://x.com/cafe_tribune/status/1880028106020515840"
    assert abs(published.published_at - datetime.now(UTC)) < timedelta(seconds=5)


def test_images_are_uploaded_with_alt_text_then_attached(fake_x):
    fake_x.routes["POST /2/media/upload"] = (200, load("media_upload.json"))
    fake_x.routes["POST /2/media/metadata"] = (200, load("media_metadata.json"))
    fake_x.routes["POST /2/tweets"] = (201, load("create_tweet.json"))
    fake_x.connector().publish(PostRequest(text="Photo", idempotency_key="k", media=[PNG]))
    upload = body(fake_x.called("POST /2/media/upload")[0])
    assert base64.b64decode(upload["media"]) == b"\x89PNG fake"
    assert upload["media_category"] == "tweet_image" and upload["media_type"] == "image/png"
    assert body(fake_x.called("POST /2/media/metadata")[0]) == {
        "id": "1880028106020515841",
        "metadata": {"alt_text": {"text": "Une tasse de café sur le comptoir"}},
    }
    assert body(fake_x.called("POST /2/tweets")[0])["media"] == {
        "media_ids": ["1880028106020515841"]
    }


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (PostRequest(text="x", idempotency_key="k", visibility="private"), "always public"),
        (PostRequest(text="x", idempotency_key="k", content_warning="cw"), "no content warn"),
        (PostRequest(text="x", idempotency_key="k", media=[PNG] * 5), "at most 4"),
        (
            PostRequest(text="x", idempotency_key="k", media=[MediaItem(b"a", "audio/mpeg")]),
            "JPEG, PNG",
        ),
    ],
)
def test_what_x_cannot_do_is_refused_before_any_request(fake_x, post, message):
    with pytest.raises(Rejected, match=message):
        fake_x.connector().publish(post)
    assert fake_x.requests == []


def test_delete_and_deleting_twice(fake_x):
    fake_x.routes["DELETE /2/tweets/1880028106020515840"] = (200, load("delete_tweet.json"))
    connector = fake_x.connector()
    connector.delete(RemoteRef("1880028106020515840"))
    fake_x.routes["DELETE /2/tweets/1880028106020515840"] = (404, load("errors.json")["404"])
    connector.delete(RemoteRef("1880028106020515840"))


# --- reconciliation ---------------------------------------------------------------------
def test_the_text_x_shows_back_is_compared_with_links_expanded():
    tweet = load("users_tweets.json")["data"][1]
    assert expanded_text(tweet).startswith(
        "Nouveau menu : https://cafe.example/menu/printemps-2025 Merci @bob_jazz & toute"
    )
    sent = "Nouveau menu : cafe.example/menu/printemps-2025\nMerci @bob_jazz & toute l'équipe !"
    assert same_text(sent, tweet)
    assert not same_text("Nouveau menu", tweet)


def test_find_published_reads_the_users_recent_posts(fake_x):
    fake_x.routes[f"GET /2/users/{USER_ID}/tweets"] = (200, load("users_tweets.json"))
    since = datetime(2025, 3, 14, 9, 55, tzinfo=UTC)
    found = fake_x.connector().find_published(
        "k",
        "Nouveau menu : https://cafe.example/menu/printemps-2025 "
        "Merci @bob_jazz & toute l'équipe !",
        since,
    )
    assert found is not None and found.remote_id == "1880029000000000002"
    assert found.published_at == datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    params = query(fake_x.called(f"GET /2/users/{USER_ID}/tweets")[0])
    assert params["start_time"] == ["2025-03-14T09:54:50Z"]
    assert params["exclude"] == ["retweets"] and "entities" in params["tweet.fields"][0]


def test_find_published_returns_none_when_absent(fake_x):
    fake_x.routes[f"GET /2/users/{USER_ID}/tweets"] = (200, load("users_tweets.json"))
    found = fake_x.connector().find_published("k", "Jamais publié", datetime.now(UTC))
    assert found is None


# --- metrics ----------------------------------------------------------------------------
def test_account_metrics(fake_x):
    fake_x.routes["GET /2/users/me"] = (200, load("users_me.json"))
    metrics = fake_x.connector().fetch_account_metrics()
    assert (metrics.followers, metrics.following, metrics.posts) == (5120, 210, 1834)
    assert query(fake_x.called("GET /2/users/me")[0])["user.fields"] == ["public_metrics"]


def test_post_metrics_with_private_numbers_where_x_gives_them(fake_x):
    answers = iter([(200, load("tweets_metrics.json")), (200, load("tweets_public_metrics.json"))])
    fake_x.routes["GET /2/tweets"] = lambda _r: next(answers)
    refs = [RemoteRef("1880028106020515840"), RemoteRef("1700000000000000000")]
    refs.append(RemoteRef("1212092628029698048"))  # deleted
    recent, old = fake_x.connector().fetch_post_metrics(refs)
    assert (recent.likes, recent.replies, recent.reposts, recent.quotes) == (17, 2, 5, 1)
    assert (recent.impressions, recent.link_clicks) == (1452, 31)
    assert (recent.saves, old.saves) == (3, 0)  # bookmark_count, 0 is a real zero here
    assert recent.video_views is None and old.video_views is None  # no video attached
    assert (old.remote_id, old.likes, old.impressions, old.link_clicks) == (
        "1700000000000000000",
        9,
        300,
        None,
    )
    first, second = fake_x.called("GET /2/tweets")
    assert query(first)["tweet.fields"] == ["public_metrics,non_public_metrics"]
    assert query(second)["ids"] == ["1700000000000000000"]  # not the deleted one
    assert query(second)["tweet.fields"] == ["public_metrics"]
    for request in (first, second):
        assert query(request)["expansions"] == ["attachments.media_keys"]
        assert query(request)["media.fields"] == ["type,public_metrics"]


def test_post_metrics_video_views_come_from_the_video_media(fake_x):
    fake_x.routes["GET /2/tweets"] = (200, load("tweets_video_metrics.json"))
    refs = [RemoteRef("1880031554212327424"), RemoteRef("1880035012233011200")]
    video, photo = fake_x.connector().fetch_post_metrics(refs)
    assert (video.saves, video.video_views, video.impressions) == (19, 4315, 9124)
    # A photo has no view count: the number is unknown, not zero.
    assert (photo.saves, photo.video_views) == (1, None)


def test_user_id_is_read_once_when_unknown(fake_x):
    fake_x.routes["GET /2/users/me"] = (200, load("users_me.json"))
    fake_x.routes[f"GET /2/users/{USER_ID}/mentions"] = (200, load("mentions_empty.json"))
    connector = fake_x.connector()
    connector.credentials = Credentials(handle="", secrets={"access_token": "tok"})
    connector.fetch_inbound()
    connector.fetch_inbound()
    assert len(fake_x.called("GET /2/users/me")) == 1
    assert connector.credentials.handle == "cafe_tribune"
