"""The YouTube connector on recorded Data API payloads (``httpx.MockTransport``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from tribune.networks import youtube
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
from tribune.networks.youtube import errors as yt_errors
from tribune.networks.youtube.connector import YouTubeConnector
from tribune.networks.youtube.videos import title_of

FIXTURES = Path(youtube.__file__).parent / "fixtures"
CHANNEL = "UCx5XG1OV2P6uZZ5FSM9Ttw0"
SESSION = (
    "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=xa298sd_f"
)
MP4 = MediaItem(b"\x00\x00\x00\x18ftypmp42 fake", "video/mp4", filename="visite.mp4")


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeYouTube:
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
            return httpx.Response(501, json={"error": {"message": f"no route {request.url}"}})
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)

    def called(self, key: str) -> list[httpx.Request]:
        return [r for r in self.requests if f"{r.method} {r.url.path}" == key]

    def connector(self, **secrets: str) -> YouTubeConnector:
        credentials = Credentials(
            handle="@cafetribune",
            secrets=secrets or {"access_token": "tok", "refresh_token": "ref"},
            remote_id=CHANNEL,
        )
        return YouTubeConnector(credentials, transport=self.transport, allow_private=True)


def params(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}


def error(key: str) -> httpx.Response:
    body = load("errors.json")[key]
    status = body["error"]["code"] if isinstance(body["error"], dict) else 400
    return httpx.Response(status, json=body)


V3 = "/youtube/v3"
UPLOAD = "/upload/youtube/v3/videos"


@pytest.fixture
def fake() -> FakeYouTube:
    return FakeYouTube()


def test_capabilities_say_what_the_api_allows():
    assert YouTubeConnector.name == "youtube"
    assert "publish" not in YouTubeConnector.capabilities  # no text posts
    assert {"media", "replies", "delete", "refresh"} <= YouTubeConnector.capabilities
    assert not {"mentions", "dms"} & YouTubeConnector.capabilities


def test_text_posts_are_refused_honestly(fake):
    with pytest.raises(Rejected, match="videos only"):
        fake.connector().publish(PostRequest(text="Bonjour", idempotency_key="k"))
    assert fake.requests == []


def test_titles_come_from_the_first_line():
    assert title_of("\n  Visite du café \nOn vous montre") == "Visite du café"
    assert len(title_of("x" * 150)) == 100 and title_of("x" * 150).endswith("…")


def test_resumable_upload(fake):
    def start(request):
        return httpx.Response(200, headers={"Location": SESSION})

    fake.routes[f"POST {UPLOAD}"] = start
    fake.routes[f"PUT {UPLOAD}"] = load("video_inserted.json")
    text = "Visite du café\nOn vous montre la cuisine."
    published = fake.connector().publish(
        PostRequest(
            text=text, idempotency_key="k", media=[MP4], visibility="unlisted", language="fr"
        )
    )
    (begin,) = fake.called(f"POST {UPLOAD}")
    assert params(begin) == {"uploadType": "resumable", "part": "snippet,status"}
    assert begin.headers["X-Upload-Content-Type"] == "video/mp4"
    assert begin.headers["X-Upload-Content-Length"] == str(len(MP4.content))
    assert json.loads(begin.content) == {
        "snippet": {
            "title": "Visite du café",
            "description": text,
            "categoryId": "22",
            "defaultLanguage": "fr",
        },
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False},
    }
    (put,) = fake.called(f"PUT {UPLOAD}")
    assert str(put.url) == SESSION and put.content == MP4.content
    assert published.remote_id == "dQw4w9WgXcQ"
    assert published.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_only_sending_the_file_can_be_an_unknown_outcome(fake):
    fake.routes[f"POST {UPLOAD}"] = httpx.ReadTimeout("timed out")
    with pytest.raises(Unavailable):
        fake.connector().publish(PostRequest(text="T", idempotency_key="k", media=[MP4]))
    fake.routes[f"POST {UPLOAD}"] = httpx.Response(200, headers={"Location": SESSION})
    fake.routes[f"PUT {UPLOAD}"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome):
        fake.connector().publish(PostRequest(text="T", idempotency_key="k", media=[MP4]))


def test_update_metadata_keeps_the_rest_of_the_snippet(fake):
    fake.routes[f"GET {V3}/videos"] = load("video_snippet.json")
    fake.routes[f"PUT {V3}/videos"] = load("video_inserted.json")
    fake.connector().update_metadata(RemoteRef("dQw4w9WgXcQ"), description="Nouvelle description")
    body = json.loads(fake.called(f"PUT {V3}/videos")[0].content)
    assert body == {
        "id": "dQw4w9WgXcQ",
        "snippet": {
            "title": "Visite du café",
            "description": "Nouvelle description",
            "tags": ["café", "lyon"],
            "categoryId": "22",
            "defaultLanguage": "fr",
        },
    }


def test_replies_on_a_video_and_under_a_comment(fake):
    fake.routes[f"POST {V3}/commentThreads"] = load("comment_thread_inserted.json")
    fake.routes[f"POST {V3}/comments"] = load("comment_inserted.json")
    on_video = fake.connector().publish(
        PostRequest(text="Bienvenue !", idempotency_key="k", reply_to=RemoteRef("dQw4w9WgXcQ"))
    )
    assert json.loads(fake.called(f"POST {V3}/commentThreads")[0].content) == {
        "snippet": {
            "videoId": "dQw4w9WgXcQ",
            "topLevelComment": {"snippet": {"textOriginal": "Bienvenue !"}},
        }
    }
    assert (
        on_video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgwNewThread000000000AaABAg"
    )
    fake.connector().publish(
        PostRequest(
            text="Oui",
            idempotency_key="k",
            reply_to=RemoteRef(
                "UgzDE2tasfmrYLyNkGt4AaABAg.9zYxW2"
            ),  # a reply: goes under its thread
        )
    )
    body = json.loads(fake.called(f"POST {V3}/comments")[0].content)
    assert body == {"snippet": {"parentId": "UgzDE2tasfmrYLyNkGt4AaABAg", "textOriginal": "Oui"}}


def test_delete_videos_and_comments_twice(fake):
    fake.routes[f"DELETE {V3}/videos"] = httpx.Response(204)
    fake.routes[f"DELETE {V3}/comments"] = httpx.Response(204)
    connector = fake.connector()
    connector.delete(RemoteRef("dQw4w9WgXcQ"))
    connector.delete(RemoteRef("UgzDE2tasfmrYLyNkGt4AaABAg"))
    fake.routes[f"DELETE {V3}/videos"] = error("videoNotFound")
    connector.delete(RemoteRef("dQw4w9WgXcQ"))
    assert params(fake.called(f"DELETE {V3}/comments")[0]) == {"id": "UgzDE2tasfmrYLyNkGt4AaABAg"}


def test_find_published_in_the_uploads_playlist(fake):
    fake.routes[f"GET {V3}/channels"] = load("channels_content.json")
    fake.routes[f"GET {V3}/playlistItems"] = load("playlist_items.json")
    since = datetime(2025, 3, 14, 9, 59, tzinfo=UTC)
    found = fake.connector().find_published(
        "k", "Visite du café\nOn vous montre la cuisine.", since
    )
    assert found is not None and found.remote_id == "dQw4w9WgXcQ"
    assert (
        params(fake.called(f"GET {V3}/playlistItems")[0])["playlistId"]
        == "UUx5XG1OV2P6uZZ5FSM9Ttw0"
    )
    assert fake.connector().find_published("k", "Bonjour", since) is None


def test_inbound_comments_and_replies_without_repeats(fake):
    fake.routes[f"GET {V3}/commentThreads"] = load("comment_threads.json")
    first = fake.connector().fetch_inbound(limit=2)
    assert [(i.author.handle, i.in_reply_to) for i in first.items] == [
        ("Léa", "dQw4w9WgXcQ"),
        ("Bob", "dQw4w9WgXcQ"),
    ]
    lea = first.items[0]
    assert lea.kind == "reply" and lea.root_id == "dQw4w9WgXcQ" and lea.text == "Trop bien 😍"
    assert lea.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzDE2tasfmrYLyNkGt4AaABAg"
    assert lea.author.remote_id == "UCleaLeaLeaLeaLeaLeaLea0"
    second = fake.connector().fetch_inbound(first.cursor)
    assert [(i.text, i.in_reply_to) for i in second.items] == [
        ("Pareil", "UgzDE2tasfmrYLyNkGt4AaABAg")
    ]  # the channel's own answer is not inbound
    assert fake.connector().fetch_inbound(second.cursor).items == []
    sent = params(fake.called(f"GET {V3}/commentThreads")[0])
    assert sent["allThreadsRelatedToChannelId"] == CHANNEL and sent["order"] == "time"


def test_channel_and_video_statistics(fake):
    fake.routes[f"GET {V3}/channels"] = load("channels_statistics.json")
    account = fake.connector().fetch_account_metrics()
    assert (account.followers, account.posts, account.following) == (2310, 57, None)
    fake.routes[f"GET {V3}/videos"] = load("videos_statistics.json")
    visit, other = fake.connector().fetch_post_metrics(
        [
            RemoteRef("dQw4w9WgXcQ"),
            RemoteRef("Ks-_Mh1QhMc"),
            RemoteRef("UgzDE2tasfmrYLyNkGt4AaABAg"),
        ]
    )
    assert (visit.likes, visit.replies, visit.impressions, visit.reposts) == (87, 12, 1523, None)
    assert other.likes is None  # hidden by the owner
    assert (visit.video_views, other.video_views) == (1523, 40)  # statistics.viewCount
    # favoriteCount is deprecated (always 0): YouTube gives no saves.
    assert visit.saves is None and other.saves is None
    assert params(fake.called(f"GET {V3}/videos")[0])["id"] == "dQw4w9WgXcQ,Ks-_Mh1QhMc"


def test_channel_id_is_read_once_when_unknown(fake):
    fake.routes[f"GET {V3}/channels"] = lambda r: httpx.Response(
        200, json=load("channels_mine.json" if "mine" in params(r) else "channels_statistics.json")
    )
    connector = fake.connector()
    connector.credentials = Credentials(handle="", secrets={"access_token": "tok"})
    connector.fetch_account_metrics()
    connector.fetch_account_metrics()
    assert sum("mine" in params(r) for r in fake.requests) == 1
    assert connector.credentials.handle == "@cafetribune"


# --- errors ----------------------------------------------------------------------------
def test_quota_exceeded_waits_until_midnight_pacific(fake):
    fake.routes[f"GET {V3}/channels"] = error("quotaExceeded")
    with pytest.raises(RateLimited, match="midnight Pacific") as caught:
        fake.connector().fetch_account_metrics()
    assert 1 <= caught.value.retry_after <= 25 * 3600
    # 23:30 in Los Angeles (PDT, UTC-7) is 06:30 UTC: 30 minutes to go
    assert yt_errors.until_pacific_midnight(datetime(2025, 6, 2, 6, 30, tzinfo=UTC)) == 1800
    # 23:30 in winter (PST, UTC-8) is 07:30 UTC
    assert yt_errors.until_pacific_midnight(datetime(2025, 1, 15, 7, 30, tzinfo=UTC)) == 1800
    # 01:00 PST on 9 March 2025, the night clocks go forward: 22 real hours to midnight
    assert yt_errors.until_pacific_midnight(datetime(2025, 3, 9, 9, 0, tzinfo=UTC)) == 22 * 3600


def test_rate_limit_auth_refusals_and_outages(fake):
    fake.routes[f"GET {V3}/channels"] = error("rateLimitExceeded")
    with pytest.raises(RateLimited) as caught:
        fake.connector().fetch_account_metrics()
    assert caught.value.retry_after == 60
    fake.routes[f"GET {V3}/channels"] = error("authError")
    with pytest.raises(AuthExpired):
        fake.connector().fetch_account_metrics()
    fake.routes[f"POST {V3}/commentThreads"] = error("commentsDisabled")
    with pytest.raises(Rejected, match="disabled comments") as refused:
        fake.connector().publish(
            PostRequest(text="x", idempotency_key="k", reply_to=RemoteRef("dQw4w9WgXcQ"))
        )
    assert refused.value.permanent
    fake.routes[f"GET {V3}/channels"] = error("backendError")
    with pytest.raises(Unavailable):
        fake.connector().fetch_account_metrics()
    fake.routes[f"POST {V3}/commentThreads"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome):
        fake.connector().publish(
            PostRequest(text="x", idempotency_key="k", reply_to=RemoteRef("dQw4w9WgXcQ"))
        )
    fake.routes[f"POST {V3}/commentThreads"] = httpx.ConnectError("Connection refused")
    with pytest.raises(Unavailable):
        fake.connector().publish(
            PostRequest(text="x", idempotency_key="k", reply_to=RemoteRef("dQw4w9WgXcQ"))
        )


# --- OAuth ------------------------------------------------------------------------------
TOKEN = "POST /token"


def test_refresh_keeps_the_refresh_token(fake, settings):
    settings.TRIBUNE_GOOGLE_CLIENT_ID, settings.TRIBUNE_GOOGLE_CLIENT_SECRET = "cid", "sec"
    fake.routes[TOKEN] = load("token_refreshed.json")
    connector = fake.connector()
    credentials = connector.refresh_credentials()
    assert credentials.secrets["refresh_token"] == "ref"
    assert credentials.secrets["access_token"] == "ya29.a0AfH6SMBx-new"
    assert parse_qs(fake.called(TOKEN)[0].content.decode())["grant_type"] == ["refresh_token"]
    fake.routes[f"GET {V3}/channels"] = load("channels_statistics.json")
    connector.fetch_account_metrics()
    assert (
        fake.called(f"GET {V3}/channels")[0].headers["Authorization"]
        == "Bearer ya29.a0AfH6SMBx-new"
    )


def test_refresh_failures(fake, settings):
    settings.TRIBUNE_GOOGLE_CLIENT_ID, settings.TRIBUNE_GOOGLE_CLIENT_SECRET = "cid", "sec"
    fake.routes[TOKEN] = httpx.Response(400, json=load("errors.json")["invalid_grant"])
    with pytest.raises(AuthExpired):
        fake.connector().refresh_credentials()
    fake.routes[TOKEN] = httpx.Response(500)
    with pytest.raises(Unavailable):
        fake.connector().refresh_credentials()
    with pytest.raises(AuthExpired, match="no refresh token"):
        fake.connector(access_token="tok").refresh_credentials()


def test_authorization_url_asks_for_offline_access(settings):
    from tribune.networks.youtube import oauth

    settings.TRIBUNE_GOOGLE_CLIENT_ID, settings.TRIBUNE_GOOGLE_CLIENT_SECRET = "cid", "sec"
    query = parse_qs(oauth.authorization_url("https://t.example/cb", "st").split("?", 1)[1])
    assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
    assert "youtube.upload" in query["scope"][0] and query["state"] == ["st"]
