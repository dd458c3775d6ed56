"""The LinkedIn page connector on recorded REST payloads (``httpx.MockTransport``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from tribune.networks import linkedin
from tribune.networks.base import (
    AuthExpired,
    Credentials,
    MediaItem,
    PostRequest,
    RateLimited,
    Rejected,
    RemoteRef,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.linkedin import errors as li_errors
from tribune.networks.linkedin.connector import LinkedInConnector
from tribune.networks.linkedin.text import escape, same_text, unescape

FIXTURES = Path(linkedin.__file__).parent / "fixtures"
ORG = "urn:li:organization:2414183"
ACTIVITY = "urn:li:activity:7306000000000000099"
PNG = MediaItem(b"\x89PNG fake", "image/png", alt_text="Une tasse")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeLinkedIn:
    def __init__(self) -> None:
        self.routes: dict[str, Any] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes.get(f"{request.method} {request.url.path}")
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if answer is None:
            return httpx.Response(501, json={"message": f"no route {request.url.path}"})
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    def called(self, key: str) -> list[httpx.Request]:
        return [r for r in self.requests if f"{r.method} {r.url.path}" == key]

    def connector(self, **secrets: str) -> LinkedInConnector:
        credentials = Credentials(
            handle="cafe-tribune",
            secrets=secrets or {"access_token": "tok", "refresh_token": "ref"},
            remote_id="2414183",
        )
        return LinkedInConnector(credentials, transport=self.transport, allow_private=True)


def error(key: str, status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=load("errors.json")[key], headers=headers)


def created(urn: str) -> httpx.Response:
    return httpx.Response(201, headers={"x-restli-id": urn})


@pytest.fixture
def fake() -> FakeLinkedIn:
    return FakeLinkedIn()


def test_class_attributes():
    assert LinkedInConnector.name == "linkedin" and LinkedInConnector.limits.max_length == 3000
    assert {"publish", "media", "refresh", "replies"} <= LinkedInConnector.capabilities
    assert "mentions" not in LinkedInConnector.capabilities


def test_little_text_escaping_keeps_links_and_hashtags():
    text = "Menu (printemps) : https://cafe.example/a_(b) @Léa #brunch *gratuit* ~ 50 % [sic]"
    escaped = escape(text)
    assert escaped == (
        "Menu \\(printemps\\) : https://cafe.example/a_(b) \\@Léa #brunch \\*gratuit\\* \\~"
        " 50 % \\[sic\\]"
    )
    assert unescape(escaped) == text
    assert escape("# pas un hashtag, C#") == "\\# pas un hashtag, C\\#"


def test_publish_an_organization_post(fake):
    fake.routes["POST /rest/posts"] = created("urn:li:share:7306000000000000010")
    published = fake.connector().publish(
        PostRequest(text="Nouveau menu (printemps) #brunch", idempotency_key="k", language="fr")
    )
    (request,) = fake.called("POST /rest/posts")
    assert request.headers["LinkedIn-Version"] == "202605"
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert request.headers["Authorization"] == "Bearer tok"
    assert json.loads(request.content) == {
        "author": ORG,
        "commentary": "Nouveau menu \\(printemps\\) #brunch",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    assert published.remote_id == published.uri == "urn:li:share:7306000000000000010"
    assert published.url == "https://www.linkedin.com/feed/update/urn:li:share:7306000000000000010/"


def test_images_are_uploaded_then_referenced_with_alt_text(fake):
    fake.routes["POST /rest/images"] = load("image_initialize.json")
    fake.routes["PUT /dms-uploads/sp/v2/D4E10AQHq1/uploaded-image/0"] = httpx.Response(201)
    fake.routes["POST /rest/posts"] = created("urn:li:share:1")
    fake.connector().publish(PostRequest(text="Photo", idempotency_key="k", media=[PNG]))
    (start,) = fake.called("POST /rest/images")
    assert start.url.query == b"action=initializeUpload"
    assert json.loads(start.content) == {"initializeUploadRequest": {"owner": ORG}}
    (put,) = fake.called("PUT /dms-uploads/sp/v2/D4E10AQHq1/uploaded-image/0")
    assert put.content == b"\x89PNG fake"
    body = json.loads(fake.called("POST /rest/posts")[0].content)
    assert body["content"] == {
        "media": {"id": "urn:li:image:D4E10AQHq1ZXy5Tbq0g", "altText": "Une tasse"}
    }
    fake.connector().publish(PostRequest(text="Deux", idempotency_key="k", media=[PNG, PNG]))
    body = json.loads(fake.called("POST /rest/posts")[1].content)
    assert len(body["content"]["multiImage"]["images"]) == 2


def test_comment_and_reply_as_the_organization(fake):
    comments = f"POST /rest/socialActions/{ACTIVITY}/comments"
    fake.routes[comments] = httpx.Response(201, json=load("comment_created.json"))
    published = fake.connector().publish(
        PostRequest(text="Oui !", idempotency_key="k", reply_to=RemoteRef(ACTIVITY))
    )
    assert json.loads(fake.called(comments)[0].content) == {
        "actor": ORG,
        "message": {"text": "Oui !"},
        "object": ACTIVITY,
    }
    assert published.remote_id == f"urn:li:comment:({ACTIVITY},7306100000000000010)"
    parent = f"urn:li:comment:({ACTIVITY},7306100000000000001)"
    fake.routes[f"POST /rest/socialActions/{parent}/comments"] = httpx.Response(
        201, json=load("comment_created.json")
    )
    fake.connector().publish(
        PostRequest(text="Merci", idempotency_key="k", reply_to=RemoteRef(parent))
    )
    body = json.loads(fake.called(f"POST /rest/socialActions/{parent}/comments")[0].content)
    assert body["object"] == ACTIVITY and body["parentComment"] == parent


def test_delete_posts_and_comments_twice(fake):
    fake.routes["DELETE /rest/posts/urn:li:share:1"] = httpx.Response(204)
    fake.connector().delete(RemoteRef("urn:li:share:1"))
    fake.routes["DELETE /rest/posts/urn:li:share:1"] = httpx.Response(404, json={"status": 404})
    fake.connector().delete(RemoteRef("urn:li:share:1"))
    route = f"DELETE /rest/socialActions/{ACTIVITY}/comments/7306100000000000010"
    fake.routes[route] = httpx.Response(204)
    fake.connector().delete(RemoteRef(f"urn:li:comment:({ACTIVITY},7306100000000000010)"))
    assert parse_qs(fake.called(route)[0].url.query.decode()) == {"actor": [ORG]}


def test_find_published_compares_the_unescaped_commentary(fake):
    fake.routes["GET /rest/posts"] = load("posts_by_author.json")
    since = datetime(2025, 3, 14, 9, 55, tzinfo=UTC)
    text = "Nouveau menu (printemps) : https://cafe.example/menu @Léa #brunch *gratuit*"
    found = fake.connector().find_published("k", text, since)
    assert found is not None and found.remote_id == "urn:li:ugcPost:7306000000000000002"
    request = fake.called("GET /rest/posts")[0]
    assert request.headers["X-RestLi-Method"] == "FINDER"
    assert b"author=urn%3Ali%3Aorganization%3A2414183&q=author" in request.url.query
    assert fake.connector().find_published("k", "Bonjour !", since) is None  # before since
    assert same_text("Bonjour  !", "Bonjour !")


def test_inbound_comments_and_replies_without_repeats(fake):
    fake.routes["GET /rest/posts"] = {"elements": [{"id": ACTIVITY}]}
    fake.routes[f"GET /rest/socialActions/{ACTIVITY}/comments"] = load("comments_post.json")
    parent = f"urn:li:comment:({ACTIVITY},7306100000000000001)"
    fake.routes[f"GET /rest/socialActions/{parent}/comments"] = load("comments_replies.json")
    first = fake.connector().fetch_inbound(limit=2)
    assert [i.remote_id.rsplit(",", 1)[1] for i in first.items] == [
        "7306100000000000001)",
        "7306100000000000002)",
    ]
    lea = first.items[0]
    assert lea.kind == "reply" and lea.author.remote_id == "urn:li:person:Zx1Lea"
    assert lea.in_reply_to == lea.root_id == ACTIVITY and lea.text == "Vivement samedi !"
    assert lea.created_at == datetime.fromtimestamp(1741950000, tz=UTC)
    second = fake.connector().fetch_inbound(first.cursor)
    assert [(i.text, i.in_reply_to) for i in second.items] == [("Pareil", parent)]  # not ours
    assert fake.connector().fetch_inbound(second.cursor).items == []


def test_account_and_post_metrics(fake):
    fake.routes[f"GET /rest/networkSizes/{ORG}"] = load("network_size.json")
    assert fake.connector().fetch_account_metrics().followers == 4821
    fake.routes["GET /rest/organizationalEntityShareStatistics"] = load("share_statistics.json")
    fake.routes["GET /rest/posts"] = load("posts_batch.json")
    share, ugc = fake.connector().fetch_post_metrics(
        [
            RemoteRef("urn:li:share:7306000000000000003"),
            RemoteRef("urn:li:ugcPost:7306000000000000002"),
        ]
    )
    assert (share.likes, share.replies, share.reposts, share.impressions, share.link_clicks) == (
        51,
        6,
        4,
        1204,
        37,
    )
    assert ugc.remote_id == "urn:li:ugcPost:7306000000000000002" and share.quotes is None
    # No saves on LinkedIn; neither post holds a video (see test_linkedin_video_views.py).
    assert (share.saves, share.video_views, ugc.saves, ugc.video_views) == (None,) * 4
    assert fake.called("GET /rest/videoAnalytics") == []
    query = fake.called("GET /rest/organizationalEntityShareStatistics")[0].url.query.decode()
    assert "shares=List(urn%3Ali%3Ashare%3A7306000000000000003)" in query
    assert "ugcPosts=List(urn%3Ali%3AugcPost%3A7306000000000000002)" in query


# --- errors ----------------------------------------------------------------------------
def post() -> PostRequest:
    return PostRequest(text="Bonjour", idempotency_key="k")


def test_429_retries_within_the_hour_and_not_past_midnight_utc(fake):
    fake.routes["POST /rest/posts"] = error("429", 429)
    with pytest.raises(RateLimited) as caught:
        fake.connector().publish(post())
    assert 1 <= caught.value.retry_after <= 3600
    late = datetime(2026, 3, 14, 23, 50, tzinfo=UTC)
    assert li_errors.retry_after(error("429", 429), now=late) == 600
    assert li_errors.retry_after(error("429", 429, **{"Retry-After": "42"})) == 42


def test_revoked_token_is_auth_expired(fake):
    fake.routes[f"GET /rest/networkSizes/{ORG}"] = error("401", 401)
    with pytest.raises(AuthExpired):
        fake.connector().fetch_account_metrics()


@pytest.mark.parametrize(
    ("key", "status", "text"), [("403", 403, "Not enough permissions"), ("422", 422, "duplicate")]
)
def test_refusals_are_permanent(fake, key, status, text):
    fake.routes["POST /rest/posts"] = error(key, status)
    with pytest.raises(Rejected, match=text) as caught:
        fake.connector().publish(post())
    assert caught.value.permanent


def test_server_errors_timeouts_and_refused_connections(fake):
    fake.routes["POST /rest/posts"] = error("500", 500)
    with pytest.raises(Unavailable):
        fake.connector().publish(post())
    fake.routes["POST /rest/posts"] = httpx.Response(504)
    with pytest.raises(UnknownOutcome):
        fake.connector().publish(post())
    fake.routes["POST /rest/posts"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome, match="may have been published"):
        fake.connector().publish(post())
    fake.routes["POST /rest/posts"] = httpx.ConnectError("Connection refused")
    with pytest.raises(Unavailable):
        fake.connector().publish(post())
    fake.routes["POST /rest/images"] = httpx.ReadTimeout("timed out")
    with pytest.raises(Unavailable):  # an upload publishes nothing
        fake.connector().publish(PostRequest(text="x", idempotency_key="k", media=[PNG]))


@pytest.mark.parametrize(
    ("post_request", "message"),
    [
        (PostRequest(text="x", idempotency_key="k", visibility="connections"), "public"),
        (PostRequest(text="x", idempotency_key="k", content_warning="cw"), "content warn"),
        (PostRequest(text="x", idempotency_key="k", media=[MediaItem(b"a", "audio/mpeg")]), "JPEG"),
    ],
)
def test_refused_before_any_request(fake, post_request, message):
    with pytest.raises(Rejected, match=message):
        fake.connector().publish(post_request)
    assert fake.requests == []


# --- OAuth ------------------------------------------------------------------------------
TOKEN = "POST /oauth/v2/accessToken"


def test_refresh_keeps_the_refresh_token_when_none_is_returned(fake, settings):
    settings.TRIBUNE_LINKEDIN_CLIENT_ID, settings.TRIBUNE_LINKEDIN_CLIENT_SECRET = "cid", "sec"
    token = {k: v for k, v in load("token.json").items() if not k.startswith("refresh_token")}
    fake.routes[TOKEN] = token
    connector = fake.connector()
    credentials = connector.refresh_credentials()
    sent = parse_qs(fake.called(TOKEN)[0].content.decode())
    assert sent == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["ref"],
        "client_id": ["cid"],
        "client_secret": ["sec"],
    }
    assert credentials.secrets["refresh_token"] == "ref"
    assert credentials.secrets["access_token"].startswith("AQXNnd2k")
    fake.routes[f"GET /rest/networkSizes/{ORG}"] = load("network_size.json")
    connector.fetch_account_metrics()
    assert (
        fake.called(f"GET /rest/networkSizes/{ORG}")[0]
        .headers["Authorization"]
        .startswith("Bearer AQXNnd2k")
    )


def test_refresh_stores_a_new_refresh_token(fake, settings):
    settings.TRIBUNE_LINKEDIN_CLIENT_ID, settings.TRIBUNE_LINKEDIN_CLIENT_SECRET = "cid", "sec"
    fake.routes[TOKEN] = load("token.json")
    assert fake.connector().refresh_credentials().secrets["refresh_token"].startswith("AQWAft")


def test_refresh_failures(fake, settings):
    settings.TRIBUNE_LINKEDIN_CLIENT_ID, settings.TRIBUNE_LINKEDIN_CLIENT_SECRET = "cid", "sec"
    with pytest.raises(AuthExpired, match="approved apps"):
        fake.connector(access_token="tok").refresh_credentials()
    fake.routes[TOKEN] = httpx.Response(400, json=load("errors.json")["token_invalid"])
    with pytest.raises(AuthExpired):
        fake.connector().refresh_credentials()
    fake.routes[TOKEN] = httpx.Response(503)
    with pytest.raises(Unavailable):  # never mistaken for a dead token
        fake.connector().refresh_credentials()


def test_authorization_url(settings):
    from tribune.networks.linkedin import oauth

    settings.TRIBUNE_LINKEDIN_CLIENT_ID, settings.TRIBUNE_LINKEDIN_CLIENT_SECRET = "cid", "sec"
    url = oauth.authorization_url("https://t.example/cb", "st")
    params = parse_qs(url.split("?", 1)[1])
    assert url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
    assert params["client_id"] == ["cid"] and params["state"] == ["st"]
    assert "w_organization_social" in params["scope"][0]
