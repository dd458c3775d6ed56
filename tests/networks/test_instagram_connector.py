"""The Instagram connector on recorded Graph API payloads (container → media_publish)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from tests.networks.test_meta_graph import FakeGraph, error, form, load, params
from tribune.networks.base import (
    Credentials,
    MediaItem,
    PostRequest,
    RateLimited,
    Rejected,
    RemoteRef,
    Unavailable,
    UnknownOutcome,
)
from tribune.networks.meta.instagram import InstagramConnector

IG = "17841405822304914"
CONTAINER = "17889615691921648"
JPEG = MediaItem(b"\xff\xd8\xff fake", "image/jpeg", alt_text="Une tasse sur le comptoir")


@pytest.fixture
def fake_graph() -> FakeGraph:
    fake = FakeGraph()
    fake.routes[f"GET /{IG}/content_publishing_limit"] = load("ig_publishing_limit.json")
    fake.routes[f"POST /{IG}/media"] = load("ig_container.json")
    fake.routes[f"GET /{CONTAINER}"] = load("ig_container_finished.json")
    fake.routes[f"POST /{IG}/media_publish"] = load("ig_media_published.json")
    fake.routes["GET /17920238422030506"] = load("ig_permalink.json")
    return fake


def connector(fake: FakeGraph) -> InstagramConnector:
    credentials = Credentials(
        handle="cafe_tribune", secrets={"access_token": "page-token"}, remote_id=IG
    )
    return InstagramConnector(
        credentials,
        transport=fake.transport,
        allow_private=True,
        media_url=lambda item: f"https://media.tribune.example/{len(item.content)}.jpg",
        sleep=lambda _s: None,
    )


def test_class_attributes():
    assert InstagramConnector.name == "instagram" and InstagramConnector.limits.max_length == 2200
    assert not {"refresh", "threads", "dms"} & InstagramConnector.capabilities
    assert {"publish", "media", "first_comment"} <= InstagramConnector.capabilities


def test_one_image_container_then_publish(fake_graph):
    published = connector(fake_graph).publish(
        PostRequest(text="Nouveau menu 🌸 #brunch", idempotency_key="k", media=[JPEG])
    )
    assert form(fake_graph.called(f"POST /{IG}/media")[0]) == {
        "image_url": "https://media.tribune.example/8.jpg",
        "caption": "Nouveau menu 🌸 #brunch",
        "alt_text": "Une tasse sur le comptoir",
    }
    assert form(fake_graph.called(f"POST /{IG}/media_publish")[0]) == {"creation_id": CONTAINER}
    assert published.remote_id == "17920238422030506"
    assert published.url == "https://www.instagram.com/p/DHL2Xy0sAbc/"
    assert published.uri == "instagram:media:17920238422030506"


def test_carousel_children_then_parent(fake_graph):
    connector(fake_graph).publish(PostRequest(text="Trois", idempotency_key="k", media=[JPEG] * 3))
    children, parent = (
        fake_graph.called(f"POST /{IG}/media")[:3],
        fake_graph.called(f"POST /{IG}/media")[3],
    )
    assert all(form(c)["is_carousel_item"] == "true" and "caption" not in form(c) for c in children)
    assert form(parent) == {
        "media_type": "CAROUSEL",
        "children": ",".join([CONTAINER] * 3),
        "caption": "Trois",
    }


def test_waits_for_the_container(fake_graph):
    states = iter([load("ig_container_in_progress.json"), load("ig_container_finished.json")])
    fake_graph.routes[f"GET /{CONTAINER}"] = lambda _r: httpx.Response(200, json=next(states))
    connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    assert len(fake_graph.called(f"GET /{CONTAINER}")) == 2
    fake_graph.routes[f"GET /{CONTAINER}"] = load("ig_container_in_progress.json")
    with pytest.raises(Unavailable, match="still preparing"):
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    fake_graph.routes[f"GET /{CONTAINER}"] = load("ig_container_error.json")
    with pytest.raises(Rejected, match="ERROR"):
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))


def test_used_up_publishing_quota_is_rate_limited_before_anything_is_created(fake_graph):
    fake_graph.routes[f"GET /{IG}/content_publishing_limit"] = load("ig_publishing_limit_used.json")
    with pytest.raises(RateLimited, match="50 API posts per 24 hours") as caught:
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    assert caught.value.retry_after == 3600
    assert not fake_graph.called(f"POST /{IG}/media")


def test_publishing_limit_error_is_rate_limited(fake_graph):
    fake_graph.routes[f"POST /{IG}/media_publish"] = error("ig_publishing_limit", 400)
    with pytest.raises(RateLimited, match="per 24 hours") as caught:
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    assert caught.value.retry_after == 3600


def test_image_instagram_cannot_fetch_is_rejected(fake_graph):
    fake_graph.routes[f"POST /{IG}/media"] = error("ig_media_fetch", 400)
    with pytest.raises(Rejected, match="could not be fetched") as caught:
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    assert caught.value.permanent


def test_only_the_publish_step_is_an_unknown_outcome(fake_graph):
    fake_graph.routes[f"POST /{IG}/media"] = httpx.ReadTimeout("timed out")
    with pytest.raises(Unavailable):
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))
    fake_graph.routes[f"POST /{IG}/media"] = load("ig_container.json")
    fake_graph.routes[f"POST /{IG}/media_publish"] = httpx.ReadTimeout("timed out")
    with pytest.raises(UnknownOutcome):
        connector(fake_graph).publish(PostRequest(text="x", idempotency_key="k", media=[JPEG]))


def test_a_failed_permalink_read_does_not_fail_the_publish(fake_graph):
    fake_graph.routes["GET /17920238422030506"] = httpx.ReadTimeout("timed out")
    published = connector(fake_graph).publish(
        PostRequest(text="x", idempotency_key="k", media=[JPEG])
    )
    assert published.remote_id == "17920238422030506" and published.url == ""


@pytest.mark.parametrize(
    ("post", "message"),
    [
        (PostRequest(text="Texte seul", idempotency_key="k"), "at least one image"),
        (PostRequest(text="x", idempotency_key="k", media=[JPEG] * 11), "at most 10"),
        (
            PostRequest(text="x", idempotency_key="k", media=[MediaItem(b"p", "image/png")]),
            "JPEG",
        ),
        (PostRequest(text="é" * 2201, idempotency_key="k", media=[JPEG]), "2,200"),
        (
            PostRequest(
                text=" ".join(f"#t{i}" for i in range(31)), idempotency_key="k", media=[JPEG]
            ),
            "30 hashtags",
        ),
        (
            PostRequest(
                text=" ".join(f"@u{i}" for i in range(21)), idempotency_key="k", media=[JPEG]
            ),
            "20 @mentions",
        ),
    ],
)
def test_refused_before_any_request(fake_graph, post, message):
    with pytest.raises(Rejected, match=message):
        connector(fake_graph).publish(post)
    assert fake_graph.requests == []


def test_replies_to_a_post_and_to_a_comment(fake_graph):
    fake_graph.routes["POST /17920238422030506/comments"] = load("ig_comment_created.json")
    fake_graph.routes["POST /17870913679156002/replies"] = load("ig_comment_created.json")
    post = connector(fake_graph).publish(
        PostRequest(
            text="Merci !",
            idempotency_key="k",
            reply_to=RemoteRef("17920238422030506", uri="instagram:media:17920238422030506"),
        )
    )
    assert post.uri == "instagram:comment:17870913679156914"
    assert form(fake_graph.called("POST /17920238422030506/comments")[0]) == {"message": "Merci !"}
    # A bare id is looked up: comments have no media_type (Graph answers error 100).
    fake_graph.routes["GET /17870913679156002"] = error("ig_comment_node", 400)
    connector(fake_graph).publish(
        PostRequest(text="Oui", idempotency_key="k", reply_to=RemoteRef("17870913679156002"))
    )
    assert fake_graph.called("POST /17870913679156002/replies")
    assert not fake_graph.called(f"GET /{IG}/content_publishing_limit")  # comments: no quota


def test_delete_comments_only(fake_graph):
    fake_graph.routes["DELETE /17870913679156914"] = load("fb_success.json")
    connector(fake_graph).delete(RemoteRef("17870913679156914", uri="instagram:comment:1"))
    fake_graph.routes["GET /17920238422030506"] = load("ig_media_node.json")
    with pytest.raises(Rejected, match="does not let apps delete posts"):
        connector(fake_graph).delete(RemoteRef("17920238422030506"))


def test_find_published_by_caption(fake_graph):
    fake_graph.routes[f"GET /{IG}/media"] = load("ig_media_list.json")
    since = datetime(2025, 3, 14, 9, 59, tzinfo=UTC)
    found = connector(fake_graph).find_published(
        "k", "Nouveau menu de printemps 🌸\nÀ ce soir.", since
    )
    assert found is not None and found.remote_id == "17920238422030506"
    assert found.url == "https://www.instagram.com/p/DHL2Xy0sAbc/"
    assert connector(fake_graph).find_published("k", "Bonjour !", since) is None
    assert len(fake_graph.called(f"GET /{IG}/media")) == 2  # stopped at older media


def test_inbound_comments_replies_and_tags_without_repeats(fake_graph):
    fake_graph.routes[f"GET /{IG}/media"] = load("ig_media_comments.json")
    fake_graph.routes[f"GET /{IG}/tags"] = load("ig_tags.json")
    first = connector(fake_graph).fetch_inbound(limit=3)
    assert [(i.kind, i.remote_id, i.in_reply_to) for i in first.items] == [
        ("reply", "17870913679156001", "17920238422030506"),
        ("reply", "17870913679156002", "17920238422030506"),
        ("reply", "17870913679156004", "17870913679156001"),  # our own answer is left out
    ]
    assert first.items[0].author.handle == "lea.lyon"
    assert first.items[0].url == "https://www.instagram.com/p/DHL2Xy0sAbc/"
    second = connector(fake_graph).fetch_inbound(first.cursor)
    assert [(i.kind, i.author.handle) for i in second.items] == [("mention", "lea.lyon")]
    assert connector(fake_graph).fetch_inbound(second.cursor).items == []


def test_account_and_post_metrics(fake_graph):
    fake_graph.routes[f"GET /{IG}"] = load("ig_account.json")
    account = connector(fake_graph).fetch_account_metrics()
    assert (account.followers, account.following, account.posts) == (8120, 312, 205)

    def by_fields(request):
        fields = params(request)["fields"]
        return httpx.Response(
            200, json=load("ig_views.json" if "insights" in fields else "ig_counts.json")
        )

    fake_graph.routes["GET /"] = by_fields
    (metrics,) = connector(fake_graph).fetch_post_metrics([RemoteRef("17920238422030506")])
    assert (metrics.likes, metrics.replies, metrics.impressions) == (128, 4, 2310)
    assert metrics.reposts is None and metrics.link_clicks is None
    # The recorded answer has no ``saved`` and no media type: both stay unknown.
    assert metrics.saves is None and metrics.video_views is None


IMAGE, REEL = "17920238422030506", "18034512876203345"


def test_post_metrics_saves_and_video_views_of_a_reel(fake_graph):
    asked = []

    def by_fields(request):
        fields = params(request)["fields"]
        asked.append(fields)
        return httpx.Response(
            200, json=load("ig_insights.json" if "insights" in fields else "ig_counts_types.json")
        )

    fake_graph.routes["GET /"] = by_fields
    image, reel = connector(fake_graph).fetch_post_metrics([RemoteRef(IMAGE), RemoteRef(REEL)])
    assert (image.saves, image.impressions, image.video_views) == (14, 2310, None)
    # A reel's ``views`` are its plays: its impressions and its video views.
    assert (reel.likes, reel.saves, reel.impressions, reel.video_views) == (311, 0, 15872, 15872)
    assert "media_type" in asked[0] and "insights.metric(views,saved)" in asked[1]


def test_post_metrics_without_saved_falls_back_to_views(fake_graph):
    """A story refuses ``saved`` (and the whole call with it): views are still read."""
    asked = []

    def by_fields(request):
        fields = params(request)["fields"]
        asked.append(fields)
        if "saved" in fields:
            return error("invalid_parameter", 400)
        return httpx.Response(
            200, json=load("ig_views.json" if "insights" in fields else "ig_counts_types.json")
        )

    fake_graph.routes["GET /"] = by_fields
    image, reel = connector(fake_graph).fetch_post_metrics([RemoteRef(IMAGE), RemoteRef(REEL)])
    assert (image.impressions, image.saves) == (2310, None)
    assert (reel.impressions, reel.saves, reel.video_views) == (None, None, None)
    assert asked[1:] == ["insights.metric(views,saved)", "insights.metric(views)"]


def test_default_media_url_stores_the_image_and_gives_an_absolute_url(settings, tmp_path):
    from tribune.networks.meta.instagram import storage_url

    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_URL = "/media/"
    settings.SITE_URL = "https://tribune.example"
    url = storage_url(JPEG)
    assert url.startswith("https://tribune.example/media/instagram/") and url.endswith(".jpg")
    assert storage_url(JPEG) == url  # stored once, by content
    (stored,) = (tmp_path / "instagram").iterdir()
    assert stored.read_bytes() == JPEG.content
