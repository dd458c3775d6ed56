"""Publishing one video through each connector that takes video, on recorded payloads
(HTTP stubbed at the transport): the requests each network's documentation describes,
in order, and the refusals (video with images, wrong type, failed processing)."""

from __future__ import annotations

import email
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import requests

from tests.publishing.mp4_samples import make_mp4
from tribune.core.outbound import CallbackAdapter
from tribune.networks import x as x_package
from tribune.networks.base import Credentials, MediaItem, PostRequest, Rejected
from tribune.networks.linkedin import media as linkedin_media
from tribune.networks.linkedin.connector import LinkedInConnector
from tribune.networks.meta.facebook import FacebookPageConnector
from tribune.networks.meta.instagram import InstagramConnector
from tribune.networks.x import media as x_media
from tribune.networks.x.connector import XConnector

NETWORKS = Path(x_package.__file__).parent.parent
VIDEO = MediaItem(make_mp4(12.5, mdat_bytes=150_000 - 1000), "video/mp4", "Visite", "clip.mp4")
JPEG = MediaItem(b"\xff\xd8\xff fake", "image/jpeg", alt_text="Une tasse")


def load(package: str, name: str) -> Any:
    return json.loads((NETWORKS / package / "fixtures" / name).read_text())


def multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = email.message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.get_payload()
    }


class FakeHTTP:
    """httpx side: ``"METHOD host/path"`` → list of answers (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[httpx.Response]] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def add(self, key: str, *answers: httpx.Response) -> None:
        self.routes[key] = list(answers)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        key = f"{request.method} {request.url.host}{request.url.raw_path.decode().split('?')[0]}"
        answers = self.routes.get(key)
        if not answers:
            return httpx.Response(404, json={"message": f"no route {key}"})
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def called_keys(self) -> list[str]:
        return [
            f"{r.method} {r.url.host}{r.url.raw_path.decode().split('?')[0]}" for r in self.requests
        ]


# --- X: chunked upload ---------------------------------------------------------------------
class FakeX:
    def __init__(self) -> None:
        self.status = [
            load("x", "media_video_status_in_progress.json"),
            load("x", "media_video_status_succeeded.json"),
        ]
        self.adapter = CallbackAdapter(self.handle)

    def handle(self, request: requests.PreparedRequest):  # type: ignore[no-untyped-def]
        path = request.path_url.split("?")[0]
        media_id = "1880028106020515840"
        if path == "/2/media/upload/initialize":
            return 200, load("x", "media_video_initialize.json")
        if path == f"/2/media/upload/{media_id}/append":
            return 200, {"data": {"expires_at": 1764633600}}
        if path == f"/2/media/upload/{media_id}/finalize":
            return 200, load("x", "media_video_finalize.json")
        if path == "/2/media/upload" and request.method == "GET":
            return 200, self.status.pop(0)
        if path == "/2/tweets":
            return 201, load("x", "create_tweet.json")
        return 404, {"title": "Not Found Error", "detail": path}

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path_url.split('?')[0]}" for r in self.adapter.requests]


def x_connector(fake: FakeX) -> XConnector:
    credentials = Credentials(
        handle="cafe_tribune", secrets={"access_token": "user-token"}, remote_id="2244994945"
    )
    return XConnector(credentials, adapter=fake.adapter, allow_private=True)


def test_x_video_initialize_append_finalize_wait_then_post(monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(x_media, "sleep", waits.append)
    monkeypatch.setattr(x_media, "SEGMENT_BYTES", 60_000)  # three segments
    fake = FakeX()
    published = x_connector(fake).publish(
        PostRequest(text="Les coulisses", idempotency_key="k", media=[VIDEO])
    )
    assert published.remote_id
    paths = fake.paths()
    media_id = "1880028106020515840"
    assert paths == [
        "POST /2/media/upload/initialize",
        *[f"POST /2/media/upload/{media_id}/append"] * 3,
        f"POST /2/media/upload/{media_id}/finalize",
        "GET /2/media/upload",
        "GET /2/media/upload",
        "POST /2/tweets",
    ]
    requests_ = fake.adapter.requests
    init = json.loads(requests_[0].body)
    assert init == {
        "media_type": "video/mp4",
        "total_bytes": len(VIDEO.content),
        "media_category": "tweet_video",
    }
    segments = [
        multipart(r.headers["Content-Type"], r.body)
        for r in requests_[1:4]  # type: ignore[arg-type]
    ]
    assert [s["segment_index"] for s in segments] == [b"0", b"1", b"2"]
    assert b"".join(s["media"] for s in segments) == VIDEO.content
    assert all(r.headers["Authorization"] == "Bearer user-token" for r in requests_[1:4])
    assert "command=STATUS" in requests_[5].path_url
    assert waits == [1.0, 2.0]  # check_after_secs, as X asked
    assert json.loads(requests_[-1].body)["media"] == {"media_ids": [media_id]}


def test_x_video_processing_failure_and_mixing_are_refused(monkeypatch):
    monkeypatch.setattr(x_media, "sleep", lambda _s: None)
    fake = FakeX()
    fake.status = [load("x", "media_video_status_failed.json")]
    with pytest.raises(Rejected, match="Unsupported video format"):
        x_connector(fake).publish(PostRequest(text="x", idempotency_key="k", media=[VIDEO]))
    assert "POST /2/tweets" not in fake.paths()
    with pytest.raises(Rejected, match="one video on its own"):
        x_connector(FakeX()).publish(
            PostRequest(text="x", idempotency_key="k", media=[VIDEO, JPEG])
        )


# --- LinkedIn: Videos API ----------------------------------------------------------------------
def test_linkedin_video_parts_finalize_wait_then_post(monkeypatch):
    monkeypatch.setattr(linkedin_media, "sleep", lambda _s: None)
    fake = FakeHTTP()
    fake.add(
        "POST api.linkedin.com/rest/videos",
        httpx.Response(200, json=load("linkedin", "video_initialize.json")),
        httpx.Response(200),
    )
    for part in (1, 2):
        fake.add(
            f"PUT www.linkedin.com/dms-uploads/sp/v2/C5505AQH-oV1qvnFtKA/part-{part}",
            httpx.Response(200, headers={"ETag": f"/ambry-video/part-{part}"}),
        )
    video_urn = "urn%3Ali%3Avideo%3AC5505AQH-oV1qvnFtKA"
    fake.add(
        f"GET api.linkedin.com/rest/videos/{video_urn}",
        httpx.Response(200, json=load("linkedin", "video_processing.json")),
        httpx.Response(200, json=load("linkedin", "video_available.json")),
    )
    post_urn = "urn:li:share:7318"
    fake.add(
        "POST api.linkedin.com/rest/posts", httpx.Response(201, headers={"x-restli-id": post_urn})
    )
    video = MediaItem(b"\x01" * 150_000, "video/mp4", "Visite")
    connector = LinkedInConnector(
        Credentials(handle="maison-lumiere", secrets={"access_token": "t"}, remote_id="2414183"),
        transport=fake.transport,
        allow_private=True,
    )
    published = connector.publish(
        PostRequest(
            text="Visite de l'atelier\nTout le savoir-faire", idempotency_key="k", media=[video]
        )
    )
    assert published.remote_id == post_urn
    init, put1, put2, finalize, _poll1, _poll2, create = fake.requests
    assert init.url.query == b"action=initializeUpload"
    assert json.loads(init.content)["initializeUploadRequest"] == {
        "owner": "urn:li:organization:2414183",
        "fileSizeBytes": 150_000,
        "uploadCaptions": False,
        "uploadThumbnail": False,
    }
    assert len(put1.content) == 100_000 and len(put2.content) == 50_000
    assert finalize.url.query == b"action=finalizeUpload"
    assert json.loads(finalize.content)["finalizeUploadRequest"] == {
        "video": "urn:li:video:C5505AQH-oV1qvnFtKA",
        "uploadToken": "",
        "uploadedPartIds": ["/ambry-video/part-1", "/ambry-video/part-2"],
    }
    body = json.loads(create.content)
    assert body["content"] == {
        "media": {"id": "urn:li:video:C5505AQH-oV1qvnFtKA", "title": "Visite de l'atelier"}
    }
    with pytest.raises(Rejected, match="MP4"):
        connector.publish(
            PostRequest(
                text="x", idempotency_key="k", media=[MediaItem(b"\0" * 90_000, "video/quicktime")]
            )
        )


# --- Facebook Page video ---------------------------------------------------------------------
def test_facebook_page_video_in_one_upload():
    fake = FakeHTTP()
    page = "106123456789012"
    fake.add(
        f"POST graph-video.facebook.com/v23.0/{page}/videos",
        httpx.Response(200, json=load("meta", "fb_video_published.json")),
    )
    connector = FacebookPageConnector(
        Credentials(handle="cafetribune", secrets={"access_token": "page-token"}, remote_id=page),
        transport=fake.transport,
        allow_private=True,
    )
    published = connector.publish(
        PostRequest(text="Notre atelier", idempotency_key="k", media=[VIDEO])
    )
    assert published.remote_id == "10153231379946729"
    assert published.url == f"https://www.facebook.com/{page}/videos/10153231379946729"
    (upload,) = fake.requests
    parts = multipart(upload.headers["content-type"], upload.content)
    assert parts["description"] == b"Notre atelier" and parts["source"] == VIDEO.content
    assert upload.headers["authorization"] == "Bearer page-token"
    with pytest.raises(Rejected, match="one video on its own"):
        connector.publish(PostRequest(text="x", idempotency_key="k", media=[VIDEO, JPEG]))


# --- Instagram Reel ----------------------------------------------------------------------------
def test_instagram_video_is_published_as_a_reel():
    ig, container = "17841405822304914", "17889615691921648"
    fake = FakeHTTP()
    graph = "graph.facebook.com/v23.0"
    fake.add(
        f"GET {graph}/{ig}/content_publishing_limit",
        httpx.Response(200, json=load("meta", "ig_publishing_limit.json")),
    )
    fake.add(
        f"POST {graph}/{ig}/media", httpx.Response(200, json=load("meta", "ig_container.json"))
    )
    fake.add(
        f"GET {graph}/{container}",
        httpx.Response(200, json=load("meta", "ig_container_in_progress.json")),
        httpx.Response(200, json=load("meta", "ig_container_finished.json")),
    )
    fake.add(
        f"POST {graph}/{ig}/media_publish",
        httpx.Response(200, json=load("meta", "ig_media_published.json")),
    )
    fake.add(
        f"GET {graph}/17920238422030506",
        httpx.Response(200, json=load("meta", "ig_permalink.json")),
    )
    urls: list[MediaItem] = []

    def media_url(item: MediaItem) -> str:
        urls.append(item)
        return "https://media.tribune.example/clip.mp4"

    connector = InstagramConnector(
        Credentials(handle="cafe_tribune", secrets={"access_token": "page-token"}, remote_id=ig),
        transport=fake.transport,
        allow_private=True,
        media_url=media_url,
        sleep=lambda _s: None,
    )
    published = connector.publish(
        PostRequest(text="En coulisses #atelier", idempotency_key="k", media=[VIDEO])
    )
    assert published.remote_id == "17920238422030506"
    create = next(r for r in fake.requests if r.url.path.endswith(f"/{ig}/media"))
    form = {k: v[0] for k, v in parse_qs(create.content.decode()).items()}
    assert form == {
        "media_type": "REELS",
        "video_url": "https://media.tribune.example/clip.mp4",
        "share_to_feed": "true",
        "caption": "En coulisses #atelier",
    }
    assert urls == [VIDEO]
    assert sum(1 for key in fake.called_keys() if key == f"GET {graph}/{container}") == 2


# --- Bluesky: the documented "simple method" (uploadBlob + app.bsky.embed.video) -------------
def test_bluesky_video_embed(fake_pds):
    blob = {
        "$type": "blob",
        "ref": {"$link": "bafkreivideo"},
        "mimeType": "video/mp4",
        "size": len(VIDEO.content),
    }
    fake_pds.routes["uploadBlob"] = httpx.Response(200, json={"blob": blob})
    fake_pds.routes["createRecord"] = httpx.Response(
        200, json={"uri": "at://did:plc:alice/app.bsky.feed.post/3vid", "cid": "bafyvid"}
    )
    fake_pds.connector().publish(PostRequest(text="Atelier", idempotency_key="k", media=[VIDEO]))
    (upload,) = fake_pds.called("com.atproto.repo.uploadBlob")
    assert upload.headers["content-type"] == "video/mp4" and upload.content == VIDEO.content
    (create,) = fake_pds.called("com.atproto.repo.createRecord")
    embed = json.loads(create.content)["record"]["embed"]
    assert embed == {
        "$type": "app.bsky.embed.video",
        "video": blob,
        "alt": "Visite",
        "aspectRatio": {"$type": "app.bsky.embed.defs#aspectRatio", "width": 1280, "height": 720},
    }
    with pytest.raises(Rejected, match="one video on its own"):
        fake_pds.connector().publish(
            PostRequest(text="x", idempotency_key="k", media=[VIDEO, JPEG])
        )
