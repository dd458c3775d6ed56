"""The Facebook Page connector on recorded Graph API payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from tests.networks.test_meta_graph import FakeGraph, error, form, load, params
from tribune.networks.base import (
    Credentials,
    MediaItem,
    PostRequest,
    Rejected,
    RemoteRef,
    UnknownOutcome,
)
from tribune.networks.meta.facebook import FacebookPageConnector

PAGE = "106123456789012"
JPEG = MediaItem(b"\xff\xd8\xff fake", "image/jpeg", alt_text="Une tasse", filename="cafe.jpg")


@pytest.fixture
def fake_graph() -> FakeGraph:
    return FakeGraph()


def connector(fake: FakeGraph) -> FacebookPageConnector:
    credentials = Credentials(
        handle="cafetribune", secrets={"access_token": "page-token"}, remote_id=PAGE
    )
    return FacebookPageConnector(credentials, transport=fake.transport, allow_private=True)


def test_class_attributes():
    assert FacebookPageConnector.name == "facebook"
    assert "refresh" not in FacebookPageConnector.capabilities
    assert {"publish", "media", "first_comment", "mentions"} <= FacebookPageConnector.capabilities
    assert "threads" not in FacebookPageConnector.capabilities


def test_text_post_goes_to_the_page_feed(fake_graph):
    fake_graph.routes[f"POST /{PAGE}/feed"] = load("fb_post_created.json")
    published = connector(fake_graph).publish(PostRequest(text="Bonjour Lyon", idempotency_key="k"))
    (request,) = fake_graph.called(f"POST /{PAGE}/feed")
    assert form(request) == {"message": "Bonjour Lyon"}
    assert request.headers["Authorization"] == "Bearer page-token"
    assert published.remote_id == f"{PAGE}_823456789012345"
    assert published.url == f"https://www.facebook.com/{PAGE}_823456789012345"


def test_one_photo_is_published_with_its_caption(fake_graph):
    fake_graph.routes[f"POST /{PAGE}/photos"] = load("fb_photo_published.json")
    published = connector(fake_graph).publish(
        PostRequest(text="Le comptoir", idempotency_key="k", media=[JPEG])
    )
    (request,) = fake_graph.called(f"POST /{PAGE}/photos")
    body = request.content
    assert b'name="message"' in body and b"Le comptoir" in body
    assert b'name="published"\r\n\r\ntrue' in body
    assert b'filename="cafe.jpg"' in body and b"\xff\xd8\xff fake" in body
    assert published.remote_id == f"{PAGE}_823456789012346"  # the post, not the photo


def test_several_photos_are_uploaded_unpublished_then_attached(fake_graph):
    fake_graph.routes[f"POST /{PAGE}/photos"] = load("fb_photo_unpublished.json")
    fake_graph.routes[f"POST /{PAGE}/feed"] = load("fb_post_created.json")
    connector(fake_graph).publish(PostRequest(text="Deux", idempotency_key="k", media=[JPEG, JPEG]))
    uploads = fake_graph.called(f"POST /{PAGE}/photos")
    assert len(uploads) == 2 and all(b"\r\n\r\nfalse" in u.content for u in uploads)
    sent = form(fake_graph.called(f"POST /{PAGE}/feed")[0])
    assert sent["message"] == "Deux"
    assert json.loads(sent["attached_media[1]"]) == {"media_fbid": "987654321098766"}


def test_a_timeout_on_an_unpublished_photo_is_not_an_unknown_outcome(fake_graph):
    fake_graph.routes[f"POST /{PAGE}/photos"] = httpx.ReadTimeout("timed out")
    with pytest.raises(Exception) as caught:
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG] * 2))
    assert not isinstance(caught.value, UnknownOutcome)
    fake_graph.routes[f"POST /{PAGE}/photos"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome):  # a single published photo is a post
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))


def test_reply_is_a_comment(fake_graph):
    fake_graph.routes["POST /823456789012398_3002/comments"] = load("fb_comment_created.json")
    published = connector(fake_graph).publish(
        PostRequest(text="Oui !", idempotency_key="k", reply_to=RemoteRef("823456789012398_3002"))
    )
    assert form(fake_graph.requests[0]) == {"message": "Oui !"}
    assert published.remote_id == "823456789012345_1122334455667788"


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (PostRequest(text="x", idempotency_key="k", visibility="private"), "public"),
        (PostRequest(text="x", idempotency_key="k", content_warning="cw"), "content warn"),
        (
            PostRequest(text="x", idempotency_key="k", media=[MediaItem(b"a", "audio/mpeg")]),
            "photos",
        ),
    ],
)
def test_refused_before_any_request(fake_graph, post, message):
    with pytest.raises(Rejected, match=message):
        connector(fake_graph).publish(post)
    assert fake_graph.requests == []


def test_delete_and_deleting_twice(fake_graph):
    fake_graph.routes[f"DELETE /{PAGE}_1"] = load("fb_success.json")
    connector(fake_graph).delete(RemoteRef(f"{PAGE}_1"))
    fake_graph.routes[f"DELETE /{PAGE}_1"] = error("not_found", 400)
    connector(fake_graph).delete(RemoteRef(f"{PAGE}_1"))
    fake_graph.routes[f"DELETE /{PAGE}_1"] = error("permission", 403)
    with pytest.raises(Rejected):
        connector(fake_graph).delete(RemoteRef(f"{PAGE}_1"))


def test_find_published_reads_the_page_feed(fake_graph):
    fake_graph.routes[f"GET /{PAGE}/feed"] = load("fb_feed.json")
    since = datetime(2025, 3, 14, 9, 59, tzinfo=UTC)
    found = connector(fake_graph).find_published(
        "k", "Nouveau menu de printemps 🌸\nÀ ce soir.", since
    )
    assert found is not None and found.remote_id == f"{PAGE}_823456789012398"  # not the visitor's
    assert found.url == "https://www.facebook.com/cafetribune/posts/pfbid0def"
    assert found.published_at == datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
    assert params(fake_graph.requests[0])["since"] == str(int(since.timestamp()) - 600)
    assert connector(fake_graph).find_published("k", "Absent", since) is None


def test_inbound_comments_and_tags_without_repeats(fake_graph):
    fake_graph.routes[f"GET /{PAGE}/feed"] = load("fb_feed_comments.json")
    fake_graph.routes[f"GET /{PAGE}/tagged"] = load("fb_tagged.json")
    first = connector(fake_graph).fetch_inbound(limit=2)
    assert [(i.kind, i.remote_id) for i in first.items] == [
        ("reply", "823456789012398_3001"),  # same second as 3002: ordered by id
        ("reply", "823456789012398_3002"),
    ]
    lea = first.items[0]
    assert lea.author.display_name == "Léa Martin" and lea.author.remote_id == "7001"
    assert lea.in_reply_to == lea.root_id == f"{PAGE}_823456789012398"
    assert lea.created_at == datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
    second = connector(fake_graph).fetch_inbound(first.cursor)
    assert [(i.kind, i.text) for i in second.items] == [
        ("mention", "Soirée parfaite chez Café Tribune")
    ]  # the Page's own answer (3003) is not inbound
    third = connector(fake_graph).fetch_inbound(second.cursor)
    assert third.items == [] and third.cursor == second.cursor


def test_account_and_post_metrics(fake_graph):
    fake_graph.routes[f"GET /{PAGE}"] = load("fb_page.json")
    assert connector(fake_graph).fetch_account_metrics().followers == 3420

    def by_fields(request):
        fields = params(request)["fields"]
        return load("fb_post_insights.json" if "insights" in fields else "fb_post_counts.json")

    fake_graph.routes["GET /"] = by_fields
    refs = [RemoteRef(f"{PAGE}_823456789012398"), RemoteRef(f"{PAGE}_823456789012399")]
    busy, quiet = connector(fake_graph).fetch_post_metrics(refs)
    assert (busy.likes, busy.replies, busy.reposts, busy.impressions) == (42, 3, 4, 1873)
    assert (quiet.likes, quiet.replies, quiet.reposts, quiet.impressions) == (0, 0, 0, None)
    assert busy.quotes is None and busy.link_clicks is None
    # Page posts give no saves, and a post that is not a video has no video views.
    assert (busy.saves, busy.video_views, quiet.saves, quiet.video_views) == (None,) * 4


VIDEO = "10153231379946729"  # a Video node: published through /{page}/videos


def test_video_metrics_are_read_apart_with_their_views(fake_graph):
    asked = []

    def by_fields(request):
        fields = params(request)["fields"]
        asked.append((params(request)["ids"], fields))
        if "video_insights" in fields:
            return load("fb_video_insights.json")
        if "insights" in fields:
            return load("fb_post_insights.json")
        if "shares" in fields:
            return load("fb_post_counts.json")
        return load("fb_video_counts.json")

    fake_graph.routes["GET /"] = by_fields
    refs = [RemoteRef(VIDEO), RemoteRef(f"{PAGE}_823456789012398")]
    by_id = {m.remote_id: m for m in connector(fake_graph).fetch_post_metrics(refs)}
    video = by_id[VIDEO]
    assert (video.likes, video.replies, video.video_views) == (64, 9, 2417)
    # No shares field on a Video node, no post impressions, no saves: unknown.
    assert (video.reposts, video.impressions, video.saves) == (None, None, None)
    assert by_id[f"{PAGE}_823456789012398"].impressions == 1873
    # The Video node is never asked for ``shares`` (that would fail the whole batch).
    assert all(VIDEO not in ids or "shares" not in fields for ids, fields in asked)


def test_video_views_refused_leave_them_unknown(fake_graph):
    def by_fields(request):
        if "video_insights" in params(request)["fields"]:
            return error("permission", 403)
        return httpx.Response(200, json=load("fb_video_counts.json"))

    fake_graph.routes["GET /"] = by_fields
    (video,) = connector(fake_graph).fetch_post_metrics([RemoteRef(VIDEO)])
    assert video.likes == 64 and video.video_views is None


def test_post_metrics_without_insights_permission(fake_graph):
    def by_fields(request):
        if "insights" in params(request)["fields"]:
            return error("permission", 403)
        return httpx.Response(200, json=load("fb_post_counts.json"))

    fake_graph.routes["GET /"] = by_fields
    metrics = connector(fake_graph).fetch_post_metrics([RemoteRef(f"{PAGE}_823456789012398")])
    assert metrics[0].likes == 42 and metrics[0].impressions is None


def test_refresh_is_refused_clearly(fake_graph):
    with pytest.raises(Rejected, match="do not expire"):
        connector(fake_graph).refresh_credentials()
