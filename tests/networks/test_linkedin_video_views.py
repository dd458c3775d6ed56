"""LinkedIn video views (``videoAnalytics``) on recorded REST payloads, from the connector
down to the stored ``PostMetricSnapshot``."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from django.utils import timezone

from tests.networks.test_linkedin_connector import ORG, FakeLinkedIn, error, load
from tribune.core import outbound
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials, RemoteRef
from tribune.networks.services import do_connect_account
from tribune.publishing import metrics
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, Variant

SHARE = "urn:li:share:7306000000000000003"  # text post
LINK = "urn:li:ugcPost:7306000000000000002"  # ugcPost without media
VISIT = "urn:li:ugcPost:7306000000000000004"  # video
OVEN = "urn:li:ugcPost:7306000000000000005"  # video
CUP = "urn:li:ugcPost:7306000000000000006"  # image
STATISTICS = "GET /rest/organizationalEntityShareStatistics"
POSTS = "GET /rest/posts"
VIDEO_ANALYTICS = "GET /rest/videoAnalytics"


def views_answer(entity: str, value: int) -> dict[str, Any]:
    """The recorded answer, for another video post."""
    answer = load("video_analytics.json")
    answer["elements"][0] |= {"entity": entity, "value": value}
    return answer


def entity(request: httpx.Request) -> str:
    return parse_qs(request.url.query.decode())["entity"][0]


def by_entity(answers: dict[str, Any]):  # type: ignore[no-untyped-def]
    return lambda request: answers[entity(request)]


def asked(request: httpx.Request) -> set[str]:
    """The URNs in the request's Rest.li ``List(…)`` parameters."""
    urns = set()
    for values in parse_qs(request.url.query.decode()).values():
        for value in values:
            if value.startswith("List("):
                urns |= set(value.removeprefix("List(").removesuffix(")").split(","))
    return urns


def statistics(answer: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Like LinkedIn, answer for the posts asked only."""

    def handle(request: httpx.Request) -> dict[str, Any]:
        wanted = asked(request)
        return answer | {
            "elements": [
                e for e in answer["elements"] if (e.get("share") or e.get("ugcPost")) in wanted
            ]
        }

    return handle


def posts(answer: dict[str, Any]):  # type: ignore[no-untyped-def]
    def handle(request: httpx.Request) -> dict[str, Any]:
        wanted = asked(request)
        return answer | {"results": {k: v for k, v in answer["results"].items() if k in wanted}}

    return handle


def linkedin() -> FakeLinkedIn:
    fake = FakeLinkedIn()
    fake.routes[STATISTICS] = statistics(load("share_statistics_videos.json"))
    fake.routes[POSTS] = posts(load("posts_batch.json"))
    return fake


@pytest.fixture
def fake() -> FakeLinkedIn:
    return linkedin()


def test_a_video_post_gets_its_lifetime_video_views(fake):
    fake.routes[VIDEO_ANALYTICS] = load("video_analytics.json")
    found = fake.connector().fetch_post_metrics(
        [RemoteRef(SHARE), RemoteRef(LINK), RemoteRef(VISIT)]
    )
    by_id = {m.remote_id: m for m in found}
    assert by_id[VISIT].video_views == 1873  # the VIDEO_VIEW value, as LinkedIn gives it
    assert (by_id[VISIT].likes, by_id[VISIT].impressions) == (88, 2950)  # statistics kept
    assert by_id[SHARE].video_views is None and by_id[LINK].video_views is None
    (asked,) = fake.called(VIDEO_ANALYTICS)
    assert parse_qs(asked.url.query.decode()) == {
        "q": ["entity"],
        "entity": [VISIT],
        "type": ["VIDEO_VIEW"],
        "aggregation": ["ALL"],
    }
    assert "entity=urn%3Ali%3AugcPost%3A7306000000000000004&" in asked.url.query.decode()
    assert asked.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert asked.headers["LinkedIn-Version"]
    # Which posts hold a video: one batch read of the ugcPosts only (shares cannot).
    (listed,) = fake.called(POSTS)
    query = listed.url.query.decode()
    assert query.startswith("ids=List(") and listed.headers["X-RestLi-Method"] == "BATCH_GET"
    assert "urn%3Ali%3AugcPost%3A7306000000000000002" in query
    assert "urn%3Ali%3AugcPost%3A7306000000000000004" in query
    assert "share" not in query


def test_posts_without_a_video_keep_none_and_cost_no_video_call(fake):
    fake.routes[VIDEO_ANALYTICS] = load("video_analytics.json")
    found = fake.connector().fetch_post_metrics([RemoteRef(SHARE), RemoteRef(LINK), RemoteRef(CUP)])
    assert {m.remote_id: m.video_views for m in found} == {SHARE: None, LINK: None, CUP: None}
    assert {m.remote_id: m.likes for m in found} == {SHARE: 51, LINK: 2, CUP: 9}
    assert fake.called(VIDEO_ANALYTICS) == []  # an image or a link is no video
    # Shares only (text, links, images): no call beyond the statistics.
    fake.requests.clear()
    (share,) = fake.connector().fetch_post_metrics([RemoteRef(SHARE)])
    assert share.remote_id == SHARE and share.video_views is None
    assert [f"{r.method} {r.url.path}" for r in fake.requests] == [STATISTICS]


def test_one_refused_video_read_leaves_the_other_posts_intact(fake, caplog):
    fake.routes[VIDEO_ANALYTICS] = by_entity(
        {VISIT: error("403", 403), OVEN: views_answer(OVEN, 412)}
    )
    with caplog.at_level(logging.WARNING, logger="tribune.networks.linkedin.video"):
        found = fake.connector().fetch_post_metrics(
            [RemoteRef(SHARE), RemoteRef(VISIT), RemoteRef(OVEN)]
        )
    by_id = {m.remote_id: m for m in found}
    assert set(by_id) == {SHARE, VISIT, OVEN}  # every post keeps its statistics
    assert by_id[VISIT].video_views is None and by_id[OVEN].video_views == 412
    assert (by_id[VISIT].likes, by_id[VISIT].link_clicks, by_id[SHARE].likes) == (88, 41, 51)
    assert [entity(r) for r in fake.called(VIDEO_ANALYTICS)] == [VISIT, OVEN]
    (record,) = caplog.records
    assert VISIT in record.getMessage() and "403" in record.getMessage()


def test_a_404_for_a_deleted_video_post_is_logged_not_raised(fake, caplog):
    fake.routes[VIDEO_ANALYTICS] = by_entity(
        {VISIT: views_answer(VISIT, 7), OVEN: httpx.Response(404, json={"status": 404})}
    )
    with caplog.at_level(logging.WARNING, logger="tribune.networks.linkedin.video"):
        found = fake.connector().fetch_post_metrics([RemoteRef(VISIT), RemoteRef(OVEN)])
    assert {m.remote_id: m.video_views for m in found}[VISIT] == 7
    assert {m.remote_id: m.video_views for m in found}[OVEN] is None
    assert OVEN in caplog.text


def test_a_429_stops_the_video_reads_until_the_next_collection(fake, caplog):
    fake.routes[VIDEO_ANALYTICS] = error("429", 429)
    with caplog.at_level(logging.WARNING, logger="tribune.networks.linkedin.video"):
        found = fake.connector().fetch_post_metrics([RemoteRef(VISIT), RemoteRef(OVEN)])
    assert len(fake.called(VIDEO_ANALYTICS)) == 1  # no hammering after LinkedIn said stop
    assert all(m.video_views is None for m in found)
    assert {m.remote_id: m.likes for m in found}[OVEN] == 17  # the statistics stay
    assert "rate limited after 0 of 2 posts" in caplog.text


def test_a_failed_post_listing_keeps_the_statistics(fake, caplog):
    fake.routes[POSTS] = error("500", 500)
    fake.routes[VIDEO_ANALYTICS] = load("video_analytics.json")
    with caplog.at_level(logging.WARNING, logger="tribune.networks.linkedin.video"):
        found = fake.connector().fetch_post_metrics([RemoteRef(VISIT)])
    assert {m.remote_id: m.impressions for m in found}[VISIT] == 2950
    assert all(m.video_views is None for m in found)
    assert fake.called(VIDEO_ANALYTICS) == [] and "could not be listed" in caplog.text


def test_post_read_keys_may_come_encoded(fake):
    video = load("posts_batch.json")["results"][VISIT]
    del video["id"]
    fake.routes[POSTS] = {"results": {"urn%3Ali%3AugcPost%3A7306000000000000004": video}}
    fake.routes[VIDEO_ANALYTICS] = load("video_analytics.json")
    (visit,) = fake.connector().fetch_post_metrics([RemoteRef(VISIT)])
    assert visit.video_views == 1873


def test_posts_are_listed_twenty_at_a_time(fake):
    many = [f"urn:li:ugcPost:73060000000000001{n:02d}" for n in range(45)]
    fake.routes[STATISTICS] = statistics(
        {"elements": [{"ugcPost": i, "totalShareStatistics": {"likeCount": 1}} for i in many]}
    )
    fake.routes[POSTS] = {"results": {}}
    assert len(fake.connector().fetch_post_metrics([RemoteRef(i) for i in many])) == 45
    assert len(fake.called(POSTS)) == 3 and fake.called(VIDEO_ANALYTICS) == []


# --- end to end: collection stores what the connector read -----------------------------
def test_collection_stores_linkedin_video_views_in_snapshots(tenants, monkeypatch):
    fake = linkedin()
    fake.routes[VIDEO_ANALYTICS] = by_entity(
        {VISIT: load("video_analytics.json"), OVEN: error("403", 403)}
    )
    real = outbound.guarded_transport
    monkeypatch.setattr(  # the network boundary: every outbound httpx request
        outbound,
        "guarded_transport",
        lambda transport=None, allow_private=None: real(fake.transport, allow_private=True),
    )
    brand, now = tenants.brand_a, timezone.now()
    with brand_scope(brand):
        account = do_connect_account(
            brand,
            "linkedin",
            Credentials(handle="cafe-tribune", remote_id="2414183", secrets={"access_token": "t"}),
            None,
        )
        variants = {}
        for remote_id in (SHARE, VISIT, OVEN):
            post = Post.objects.create(
                brand=brand, text=remote_id, status=PostStatus.PUBLISHED, scheduled_at=now
            )
            variants[remote_id] = Variant.objects.create(
                post=post,
                brand=brand,
                account=account,
                status=PostStatus.PUBLISHED,
                published_at=now - timedelta(days=2),
                remote_id=remote_id,
            )
    assert metrics.collect() == 3
    with brand_scope(brand):
        stored = {
            s.variant.remote_id: s for s in PostMetricSnapshot.objects.select_related("variant")
        }
    assert stored[VISIT].video_views == 1873 and stored[VISIT].likes == 88
    assert stored[OVEN].video_views is None and stored[OVEN].impressions == 640
    assert stored[SHARE].video_views is None and stored[SHARE].likes == 51
    assert ORG in fake.called(STATISTICS)[0].url.query.decode().replace("%3A", ":")
