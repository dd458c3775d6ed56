"""Videos in the composer: sniffing and the MP4 box parser, the upload, one video on its
own, each network's limits as checks on the post, and publishing through the sandbox."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.publishing.conftest import sandbox_posts
from tests.publishing.mp4_samples import make_mp4
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account
from tribune.publishing import media, publisher, video, workflow
from tribune.publishing.checks import format_duration
from tribune.publishing.models import MediaFile

# --- the parser ---------------------------------------------------------------------------


def test_probe_reads_duration_size_and_codecs():
    info = video.probe(io.BytesIO(make_mp4(12.5, 1920, 1080)))
    assert (info.mime_type, info.duration, info.width, info.height) == (
        "video/mp4",
        12.5,
        1920,
        1080,
    )
    assert info.video_codec == "avc1" and info.codec_label == "H.264"
    assert info.has_audio and info.audio_codecs == ("mp4a",)
    silent = video.probe(io.BytesIO(make_mp4(3, 640, 640, audio=False, codec=b"hvc1")))
    assert not silent.has_audio and silent.codec_label == "HEVC"


def test_probe_handles_quicktime_rotation_64_bit_boxes_and_moov_at_the_end():
    phone = video.probe(io.BytesIO(make_mp4(8, 1920, 1080, brand=b"qt  ", rotate=True)))
    assert phone.mime_type == "video/quicktime"
    assert (phone.width, phone.height) == (1080, 1920)  # shot upright: shown upright
    late = video.probe(io.BytesIO(make_mp4(61.25, moov_last=True, large_mdat=True)))
    assert late.duration == 61.25
    long = video.probe(io.BytesIO(make_mp4(5 * 3600, version1=True, timescale=90000)))
    assert long.duration == 5 * 3600


@translation.override("en")
@pytest.mark.parametrize(
    "data,message",
    [
        (b"\x1a\x45\xdf\xa3" + b"\0" * 40, "WebM"),
        (b"RIFF\0\0\0\0AVI LIST" + b"\0" * 40, "AVI"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not a video"),
        (b"<html>" + b"\0" * 40, "not a video"),
        (make_mp4(video=False), "no video track"),
        (make_mp4()[:200], "incomplete"),  # cut before the movie header ends
    ],
)
def test_probe_refuses_what_is_not_a_usable_video(data, message):
    with pytest.raises(video.VideoError, match=message):
        video.probe(io.BytesIO(data))


def test_durations_are_written_for_people():
    assert format_duration(0.5) == "0.5 s"
    assert format_duration(45) == "45 s"
    assert format_duration(12.5) == "12.5 s"
    assert format_duration(140) == "2 min 20 s"
    assert format_duration(900) == "15 min"
    assert format_duration(3900) == "1 h 05 min"


# --- attaching ----------------------------------------------------------------------------


def _upload(data: bytes, name: str = "clip.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _draft(tenants, accounts, text="Notre nouvelle vidéo\nEn coulisses") -> object:
    with brand_scope(tenants.brand_a):
        return workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text=text,
            accounts=list(accounts),
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )


def _account(brand, network: str, handle: str) -> SocialAccount:
    return do_connect_account(brand, network, Credentials(handle=handle, remote_id=handle), None)


def test_upload_through_the_page_and_publish_on_the_sandbox(client, tenants, accounts):
    post = _draft(tenants, [accounts[0]])
    client.force_login(tenants.people["community_manager"])
    url = f"/b/alpha/publishing/posts/{post.pk}/videos/"
    client.post(url, {"video": _upload(make_mp4(30)), "alt": ""})  # no description
    with brand_scope(tenants.brand_a):
        assert not MediaFile.objects.exists()
    response = client.post(url, {"video": _upload(make_mp4(30)), "alt": "Visite de l'atelier"})
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        item = MediaFile.objects.get()
    assert (item.mime_type, item.duration, item.width, item.height) == ("video/mp4", 30, 1280, 720)
    assert item.file.name.endswith(".mp4") and item.size == len(make_mp4(30))
    event = AuditEvent.objects.get(action="post.video_added")
    assert event.after["codec"] == "avc1" and event.after["duration"] == 30
    page = client.get(f"/b/alpha/publishing/posts/{post.pk}/")
    assert b'data-testid="video-preview"' in page.content
    served = client.get(f"/b/alpha/publishing/images/{item.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "video/mp4"
    client.force_login(tenants.people["analyst"])  # may not draft
    assert client.post(url, {"video": _upload(make_mp4(3)), "alt": "x"}).status_code == 403

    with brand_scope(tenants.brand_a):
        (request_media,) = media.media_items(post)
        assert request_media.mime_type == "video/mp4"
        assert request_media.content == make_mp4(30) and request_media.filename.endswith(".mp4")
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        assert publisher.publish_variant(variant_id) == "success"
    assert sandbox_posts("alpha.sandbox").get().media_count == 1


@translation.override("en")
def test_one_video_on_its_own(tenants, accounts):
    from tests.publishing.test_media import _jpeg

    post = _draft(tenants, [accounts[0]])
    with brand_scope(tenants.brand_a):
        media.do_attach_image(post, tenants.owner, _jpeg((40, 40)), "Une image")
        with pytest.raises(media.MediaError, match="one video on its own"):
            media.do_attach_video(post, tenants.owner, _upload(make_mp4()), "Vidéo")
        MediaFile.objects.all().delete()
        media.do_attach_video(post, tenants.owner, _upload(make_mp4()), "Vidéo")
        with pytest.raises(media.MediaError, match="has a video"):
            media.do_attach_image(post, tenants.owner, _jpeg((40, 40)), "Une image")
        with pytest.raises(media.MediaError, match="one video on its own"):
            media.do_attach_video(post, tenants.owner, _upload(make_mp4()), "Deuxième")
        assert MediaFile.objects.count() == 1


@translation.override("en")
def test_size_limit_type_and_draft_only(tenants, accounts, settings):
    post = _draft(tenants, [accounts[0]])
    settings.TRIBUNE_VIDEO_MAX_BYTES = 1000
    with brand_scope(tenants.brand_a):
        with pytest.raises(media.MediaError, match="larger than 0 MB"):
            media.do_attach_video(post, tenants.owner, _upload(make_mp4()), "Vidéo")
        settings.TRIBUNE_VIDEO_MAX_BYTES = 10**9
        with pytest.raises(media.MediaError, match="WebM"):
            media.do_attach_video(
                post, tenants.owner, _upload(b"\x1a\x45\xdf\xa3" + b"\0" * 99), "Vidéo"
            )
        workflow.do_submit(post, tenants.owner)
        with pytest.raises(media.MediaError, match="draft"):
            media.do_attach_video(post, tenants.owner, _upload(make_mp4()), "Vidéo")
        assert not MediaFile.objects.exists()


# --- each network's rules, as checks on the post ---------------------------------------------


def _problems(post) -> dict[str, set[str]]:
    return {
        handle: {p.code for p in result["problems"]}
        for handle, result in workflow.check_post(post).items()
    }


@translation.override("en")
def test_network_limits_are_checked_per_account(tenants, accounts):
    with brand_scope(tenants.brand_a):
        targets = [
            accounts[0],
            _account(tenants.brand_a, "x", "cafe_x"),
            _account(tenants.brand_a, "linkedin", "cafe-li"),
            _account(tenants.brand_a, "youtube", "cafe-yt"),
            _account(tenants.brand_a, "bluesky", "cafe.bsky.social"),
            _account(tenants.brand_a, "instagram", "cafe.ig"),
        ]
    post = _draft(tenants, targets)
    with brand_scope(tenants.brand_a):
        text_only = _problems(post)
        assert "video_required" in text_only["cafe-yt"]
        assert "media_required" in text_only["cafe.ig"]
        assert not {"video_required", "media_required"} & text_only["alpha.sandbox"]

        # 16 minutes: too long for X (140 s), Instagram (15 min), and the sandbox;
        # fine for LinkedIn (30 min); YouTube warns (verified channels only).
        media.do_attach_video(post, tenants.owner, _upload(make_mp4(16 * 60)), "Conférence")
        long = _problems(post)
        assert "video_too_long" in long["cafe_x"] and "video_too_long" in long["cafe.ig"]
        assert not long["cafe-li"] & {"video_too_long", "video_too_short"}
        assert "video_long" in long["cafe-yt"] and "video_required" not in long["cafe-yt"]
        assert "video_too_long" in long["cafe.bsky.social"]  # 3 minutes at most
        result = workflow.check_post(post)
        yt = next(p for p in result["cafe-yt"]["problems"] if p.code == "video_long")
        assert yt.severity == "warn" and "15 min" in yt.message
        x_problem = next(p for p in result["cafe_x"]["problems"] if p.code == "video_too_long")
        assert "2 min 20 s" in x_problem.message and "16 min" in x_problem.message
        with pytest.raises(workflow.WorkflowError):
            workflow.do_submit(post, tenants.owner)

        # 2 seconds: too short for LinkedIn and Instagram (3 s), fine on X.
        MediaFile.objects.all().delete()
        media.do_attach_video(post, tenants.owner, _upload(make_mp4(2)), "Teaser")
        short = _problems(post)
        assert "video_too_short" in short["cafe-li"] and "video_too_short" in short["cafe.ig"]
        assert not short["cafe_x"] & {"video_too_long", "video_too_short"}
        # LinkedIn also refuses files under 75 KB (this one is 2 KB) and QuickTime.
        assert "video_too_small" in short["cafe-li"]


@translation.override("en")
def test_quicktime_is_refused_where_the_network_wants_mp4(tenants, accounts):
    with brand_scope(tenants.brand_a):
        li = _account(tenants.brand_a, "linkedin", "cafe-li")
        x = _account(tenants.brand_a, "x", "cafe_x")
    post = _draft(tenants, [li, x])
    movie = make_mp4(20, brand=b"qt  ", mdat_bytes=100 * 1024)
    with brand_scope(tenants.brand_a):
        media.do_attach_video(post, tenants.owner, _upload(movie, "clip.mov"), "Plan")
        problems = _problems(post)
        assert MediaFile.objects.get().file.name.endswith(".mov")
    assert problems["cafe-li"] == {"video_type"}
    assert not problems["cafe_x"]


def test_videos_are_served_by_byte_ranges(client, tenants, accounts):
    post = _draft(tenants, [accounts[0]])
    clip = make_mp4(5)
    with brand_scope(tenants.brand_a):
        item = media.do_attach_video(post, tenants.owner, _upload(clip), "Plan")
    client.force_login(tenants.people["analyst"])
    url = f"/b/alpha/publishing/images/{item.pk}/"
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == clip
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part.content == clip[100:200]
    assert part["Content-Range"] == f"bytes 100-199/{len(clip)}"
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.content == clip[-10:]
    open_ended = client.get(url, HTTP_RANGE=f"bytes={len(clip) - 5}-")
    assert open_ended.content == clip[-5:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(clip) + 10}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(clip)}"
    assert (
        client.get(f"/b/beta/publishing/images/{item.pk}/", HTTP_RANGE="bytes=0-9").status_code
        == 404
    )


@translation.override("en")
def test_live_checks_of_an_edited_post_include_its_video(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        x = _account(tenants.brand_a, "x", "cafe_x")
    post = _draft(tenants, [accounts[0], x])
    with brand_scope(tenants.brand_a):
        media.do_attach_video(post, tenants.owner, _upload(make_mp4(200)), "Conférence")
    client.force_login(tenants.people["community_manager"])
    data = {"text": "Bonjour", "accounts": [accounts[0].pk, x.pk]}
    without = client.post("/b/alpha/publishing/check/", data)
    assert b"video" not in without.content.lower()
    edited = client.post("/b/alpha/publishing/check/", {**data, "post_id": post.pk})
    text = edited.content.decode()  # French by default: the durations are what matters
    assert "X" in text and "2 min 20 s" in text and "3 min 20 s" in text
    # Another brand's post id adds nothing (the query is scoped to the brand).
    with brand_scope(tenants.brand_b):
        foreign = workflow.do_save_post(
            tenants.brand_b, tenants.owner, text="Beta", accounts=[], scheduled_at=None
        )
    other = client.post("/b/alpha/publishing/check/", {**data, "post_id": foreign.pk})
    assert b"video" not in other.content.lower()
    assert b'name="post_id"' in client.get(f"/b/alpha/publishing/posts/{post.pk}/edit/").content


def test_a_video_post_reaches_youtube_through_the_publisher(tenants, monkeypatch):
    """Composer → approval → the publisher → YouTube's resumable upload (HTTP stubbed at
    the outbound boundary): the stored file is what YouTube receives."""
    import httpx

    from tribune.core import outbound

    session = (
        "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=u1"
    )
    seen: list[httpx.Request] = []

    def youtube(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(200, headers={"Location": session})
        return httpx.Response(200, json={"id": "dQw4w9WgXcQ", "kind": "youtube#video"})

    real = outbound.http_client
    monkeypatch.setattr(
        outbound,
        "http_client",
        lambda transport=None, **kw: real(httpx.MockTransport(youtube), **kw),
    )
    with brand_scope(tenants.brand_a):
        channel = do_connect_account(
            tenants.brand_a,
            "youtube",
            Credentials(handle="cafetribune", secrets={"access_token": "tok"}, remote_id="UCx5"),
            None,
        )
    post = _draft(tenants, [channel], text="Visite de l'atelier\nTout le savoir-faire.")
    clip = make_mp4(42)
    with brand_scope(tenants.brand_a):
        media.do_attach_video(post, tenants.owner, _upload(clip), "Visite")
        assert not workflow.check_post(post)["cafetribune"]["blocking"]
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        assert publisher.publish_variant(variant_id) == "success"
    begin, put = seen
    assert begin.headers["X-Upload-Content-Type"] == "video/mp4"
    assert begin.headers["X-Upload-Content-Length"] == str(len(clip))
    assert put.content == clip and str(put.url) == session
    with brand_scope(tenants.brand_a):
        variant = post.variants.get()
    assert variant.remote_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@given(st.binary(max_size=400), st.integers(min_value=0, max_value=2000))
@hypothesis_settings(max_examples=300, deadline=None)
def test_probe_only_ever_raises_video_error(noise, cut):
    """Random bytes, and real headers cut anywhere or with noise spliced in: either facts or
    a ``VideoError`` with a sentence, never a crash."""
    sample = make_mp4(7, moov_last=bool(cut % 2))
    for data in (
        noise,
        sample[:cut],
        sample[:cut] + noise + sample[cut:],
        b"\0\0\0\x18ftypisom" + noise,
    ):
        try:
            video.probe(io.BytesIO(data))
        except video.VideoError as exc:
            assert str(exc)
