import uuid
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing import workflow
from tribune.publishing.models import Post, PostMetricSnapshot, PostStatus, QueueSlot, Variant
from tribune.publishing.recurrence import local_to_utc
from tribune.publishing.timing import best_hours, next_free_slot

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_next_free_slot_skips_taken_slots_and_keeps_local_time(tenants, accounts):
    brand, account = tenants.brand_a, accounts[0]
    # Friday 26 March 2027, 08:00 Paris; slots on Fridays and Mondays at 09:00.
    after = local_to_utc(date(2027, 3, 26), time(8, 0), PARIS)
    with brand_scope(brand):
        for weekday in (0, 4):
            QueueSlot.objects.create(brand=brand, account=account, weekday=weekday, time=time(9))
        first = next_free_slot(brand, [account], after=after)
        assert first == local_to_utc(date(2027, 3, 26), time(9), PARIS)
        workflow.do_save_post(
            brand, tenants.owner, text="déjà prévu", accounts=[account], scheduled_at=first
        )
        second = next_free_slot(brand, [account], after=after)
    # Monday 29 March, after the spring change: still 09:00 on the wall clock.
    assert second.astimezone(PARIS) == datetime(2027, 3, 29, 9, 0, tzinfo=PARIS)
    assert second.astimezone(UTC).hour == 7


def test_composer_can_use_the_next_slot(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        QueueSlot.objects.create(
            brand=tenants.brand_a,
            account=accounts[0],
            weekday=(timezone.now().weekday() + 1) % 7,
            time=time(11),
        )
    client.force_login(tenants.people["community_manager"])
    client.post(
        "/b/alpha/publishing/new/",
        {"text": "Au prochain créneau", "accounts": [accounts[0].pk], "next_slot": "on"},
    )
    with brand_scope(tenants.brand_a):
        post = Post.objects.get()
    local = post.scheduled_at.astimezone(tenants.brand_a.tz)
    assert local.time() == time(11) and post.scheduled_at > timezone.now()


def test_no_slot_is_a_clear_error(client, tenants, accounts):
    client.force_login(tenants.people["community_manager"])
    response = client.post(
        "/b/alpha/publishing/new/", {"text": "x", "accounts": [accounts[0].pk], "next_slot": "on"}
    )
    assert response.status_code == 200
    with brand_scope(tenants.brand_a):
        assert not Post.objects.exists()


def _published(brand, account, when, likes, impressions):
    post = Post.objects.create(
        brand=brand, text="x", status=PostStatus.PUBLISHED, scheduled_at=when
    )
    variant = Variant.objects.create(
        post=post,
        brand=brand,
        account=account,
        status=PostStatus.PUBLISHED,
        published_at=when,
        remote_id=str(uuid.uuid4()),
    )
    PostMetricSnapshot.objects.create(
        variant=variant,
        brand=brand,
        at=when + timedelta(days=1),
        likes=likes,
        replies=0,
        reposts=0,
        quotes=0,
        impressions=impressions,
    )


def test_best_hours_rank_by_engagement_rate(tenants, accounts):
    brand, account = tenants.brand_a, accounts[0]
    now = datetime(2027, 6, 30, 12, tzinfo=UTC)
    with brand_scope(brand):
        for week in range(1, 5):
            tuesday_noon = local_to_utc(date(2027, 6, 29) - timedelta(weeks=week), time(12), PARIS)
            _published(brand, account, tuesday_noon, likes=50, impressions=1000)  # 5 %
            thursday_8 = local_to_utc(date(2027, 7, 1) - timedelta(weeks=week), time(8), PARIS)
            _published(brand, account, thursday_8, likes=20, impressions=1000)  # 2 %
        # Two posts only on Sunday: not enough to be a pattern.
        for week in (1, 2):
            sunday = local_to_utc(date(2027, 6, 27) - timedelta(weeks=week), time(20), PARIS)
            _published(brand, account, sunday, likes=900, impressions=1000)
        best = best_hours(brand, account, now=now)
    assert [(b["weekday"], b["hour"], b["rate"], b["posts"]) for b in best] == [
        (1, 12, 5.0, 4),
        (3, 8, 2.0, 4),
    ]


def test_slots_page_adds_and_removes(client, tenants, accounts):
    client.force_login(tenants.people["community_manager"])
    url = f"/b/alpha/publishing/accounts/{accounts[0].pk}/slots/"
    client.post(url, {"weekday": ["0", "2"], "time": "09:30"})
    client.post(url, {"weekday": ["0"], "time": "09:30"})  # duplicate: ignored
    with brand_scope(tenants.brand_a):
        assert QueueSlot.objects.count() == 2
        slot = QueueSlot.objects.first()
    client.post(url, {"remove": slot.pk})
    with brand_scope(tenants.brand_a):
        assert QueueSlot.objects.count() == 1
    client.force_login(tenants.people["analyst"])
    assert client.post(url, {"weekday": ["1"], "time": "10:00"}).status_code == 403
    assert client.get(url).status_code == 200
