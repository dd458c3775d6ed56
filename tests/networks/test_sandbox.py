from datetime import timedelta

import pytest
from django.utils import timezone

from tribune.networks.base import Credentials, PostRequest, Rejected, RemoteRef
from tribune.networks.registry import connector_class
from tribune.networks.sandbox import simulator
from tribune.networks.sandbox.connector import SandboxConnector
from tribune.networks.sandbox.models import Event, Follow, Profile


@pytest.fixture
def brand_profile(db):
    start = simulator.floor_hour(timezone.now() - timedelta(days=2))
    return simulator.ensure_brand_profile(
        "acme.sandbox", "Acme", "fr", seed=3, start=start, products=["la box"], base_followers=100
    )


def _events(profile):
    return list(
        Event.objects.filter(target=profile)
        .order_by("created_at", "kind", "actor_id")
        .values_list("kind", "actor__handle", "created_at", "post__text")
    )


def test_an_hour_is_simulated_once(db):
    start = simulator.floor_hour(timezone.now() - timedelta(days=3))
    one = simulator.ensure_brand_profile(
        "one.sandbox", "Un", "fr", seed=11, start=start, products=["x"]
    )
    assert simulator.advance(one, start + timedelta(hours=30)) == 30
    count = Event.objects.filter(target=one).count()
    assert count > 10
    assert {"mention", "follow"} <= set(Event.objects.values_list("kind", flat=True))
    # Advancing to a time already simulated adds nothing.
    assert simulator.advance(one, start + timedelta(hours=30)) == 0
    assert Event.objects.filter(target=one).count() == count


def test_same_seed_same_handle_same_history(db, django_db_blocker):
    start = simulator.floor_hour(timezone.now() - timedelta(days=2))
    profile = simulator.ensure_brand_profile(
        "det.sandbox", "Det", "fr", seed=5, start=start, products=["y"]
    )
    simulator.advance(profile, start + timedelta(hours=20))
    history = _events(profile)
    # Wipe and replay in small steps.
    Event.objects.filter(target=profile).delete()
    Follow.objects.filter(followee=profile).delete()
    clock = profile.clock
    clock.simulated_until = start
    clock.save()
    for hour in range(1, 21):
        simulator.advance(profile, start + timedelta(hours=hour))
    assert _events(profile) == history


def test_audience_mixes_languages_tones_and_hubs(brand_profile):
    simulator.advance(brand_profile, timezone.now())
    people = Profile.objects.filter(is_brand=False)
    assert people.filter(lang="fr").count() > people.filter(lang="en").count() > 0
    assert people.filter(base_followers__gte=20_000).count() >= 5
    texts = " ".join(Event.objects.filter(kind="mention").values_list("post__text", flat=True))
    assert "@acme.sandbox" in texts


def test_connector_publish_reconcile_inbound_metrics(brand_profile):
    connector = connector_class("sandbox")(Credentials(handle="acme.sandbox"))
    assert isinstance(connector, SandboxConnector) and connector.is_sandbox
    before = timezone.now() - timedelta(seconds=1)
    published = connector.publish(PostRequest(text="Bonjour la communauté", idempotency_key="k1"))
    assert published.url.endswith(published.remote_id)
    # Reconciliation finds it by key, or by text.
    assert connector.find_published("k1", "", before).remote_id == published.remote_id
    assert (
        connector.find_published("", "Bonjour la communauté", before).remote_id
        == published.remote_id
    )
    assert connector.find_published("other", "autre", before) is None
    # Audience reacts over the next hours.
    simulator.advance(brand_profile, timezone.now() + timedelta(hours=6))
    page = connector.fetch_inbound(limit=1000)
    assert page.items and page.cursor
    again = connector.fetch_inbound(cursor=page.cursor)
    assert again.items == [] and again.cursor == page.cursor  # no duplicates
    metrics = connector.fetch_post_metrics([RemoteRef(published.remote_id)])[0]
    assert metrics.likes is not None and metrics.impressions is not None
    assert connector.fetch_account_metrics().followers >= 100


def test_replies_are_threaded_and_delete_works(brand_profile):
    connector = SandboxConnector(Credentials(handle="acme.sandbox"))
    root = connector.publish(PostRequest(text="1/2 un fil", idempotency_key="t1"))
    reply = connector.publish(
        PostRequest(text="2/2 la suite", idempotency_key="t2", reply_to=RemoteRef(root.remote_id))
    )
    from tribune.networks.sandbox.models import Post

    assert str(Post.objects.get(remote_id=reply.remote_id).reply_to.remote_id) == root.remote_id
    connector.delete(RemoteRef(root.remote_id))
    with pytest.raises(Rejected):
        connector.publish(
            PostRequest(text="réponse", idempotency_key="t3", reply_to=RemoteRef(root.remote_id))
        )


def test_too_long_post_is_rejected_with_a_reason(brand_profile):
    connector = SandboxConnector(Credentials(handle="acme.sandbox"))
    with pytest.raises(Rejected, match="500"):
        connector.publish(PostRequest(text="x" * 501, idempotency_key="long"))


def test_saves_and_video_views_are_simulated_for_video_posts_only(brand_profile):
    from tribune.networks.base import MediaItem
    from tribune.networks.sandbox.models import Post

    connector = SandboxConnector(Credentials(handle="acme.sandbox"))
    clip = MediaItem(b"\x00\x00\x00\x18ftypmp42", "video/mp4", alt_text="Un atelier en vidéo")
    photo = MediaItem(b"\x89PNG fake", "image/png", alt_text="Un savon sur une étagère")
    video = connector.publish(PostRequest(text="En vidéo", idempotency_key="v", media=[clip]))
    # The batch endpoint (one INSERT on PostgreSQL) keeps the video flag too.
    batch_video, image = connector.publish_many(
        [
            PostRequest(text="Encore en vidéo", idempotency_key="bv", media=[clip]),
            PostRequest(text="En photo", idempotency_key="p", media=[photo]),
        ]
    )
    refs = [RemoteRef(p.remote_id) for p in (video, batch_video, image)]
    Post.objects.filter(remote_id__in=[r.remote_id for r in refs]).update(
        likes=200, impressions=5000
    )
    by_id = {m.remote_id: m for m in connector.fetch_post_metrics(refs)}
    first, second, still = (by_id[r.remote_id] for r in refs)
    for metrics in (first, second, still):
        assert 8 <= metrics.saves <= 30  # 4–15 % of the 200 likes
    assert 1750 <= first.video_views <= 3500 and 1750 <= second.video_views <= 3500
    assert still.video_views is None  # a photo has no plays
    # Cumulative: more likes and impressions never lower them.
    Post.objects.filter(remote_id__in=[r.remote_id for r in refs]).update(
        likes=400, impressions=9000
    )
    later = {m.remote_id: m for m in connector.fetch_post_metrics(refs)}[refs[0].remote_id]
    assert later.saves > first.saves and later.video_views > first.video_views
