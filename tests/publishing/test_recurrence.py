"""A post repeating every day at 09:00 Europe/Paris stays at 09:00 across DST changes."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tribune.core.scope import brand_scope
from tribune.publishing import publisher, workflow
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.publishing.recurrence import local_to_utc, next_occurrence

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    "first_day,utc_hours",
    [
        # Spring change on Sunday 28 March 2027: 08:00Z (UTC+1) → 07:00Z (UTC+2).
        (date(2027, 3, 26), [8, 8, 7, 7]),
        # Autumn change on Sunday 31 October 2027: 07:00Z → 08:00Z.
        (date(2027, 10, 29), [7, 7, 8, 8]),
    ],
)
def test_daily_occurrences_keep_the_wall_clock(first_day, utc_hours):
    when = local_to_utc(first_day, time(9, 0), PARIS)
    seen = []
    for _ in utc_hours:
        seen.append(when)
        when = next_occurrence(when, "daily", time(9, 0), PARIS)
    assert [w.hour for w in seen] == utc_hours
    assert all(w.astimezone(PARIS).time() == time(9, 0) for w in seen)


def test_a_wall_time_skipped_by_the_spring_change_moves_forward():
    moment = local_to_utc(date(2027, 3, 28), time(2, 30), PARIS)
    assert moment.astimezone(PARIS).time() == time(3, 30)


def test_weekly_and_until():
    start = local_to_utc(date(2027, 10, 25), time(9, 0), PARIS)
    nxt = next_occurrence(start, "weekly", time(9, 0), PARIS)
    assert nxt.astimezone(PARIS) == datetime(2027, 11, 1, 9, 0, tzinfo=PARIS)
    assert next_occurrence(start, "weekly", time(9, 0), PARIS, until=date(2027, 10, 31)) is None


def test_publisher_publishes_each_occurrence_at_nine_paris_time(tenants, accounts):
    brand = tenants.brand_a
    first = local_to_utc(date(2027, 3, 26), time(9, 0), PARIS)
    with brand_scope(brand):
        post = workflow.do_save_post(
            brand,
            tenants.owner,
            text="Bonjour !",
            accounts=[accounts[0]],
            scheduled_at=first,
            repeat="daily",
            repeat_until=date(2027, 3, 30),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    published_at = []
    now = first
    for _ in range(6):
        # The worker is on time: it runs at the due minute.
        ids = publisher.claim_due(now=now)
        assert publisher.claim_due(now=now - timedelta(minutes=1)) == []
        for variant_id in ids:
            assert publisher.publish_variant(variant_id) == "success"
            published_at.append(now)
        with brand_scope(brand):
            pending = Variant.objects.filter(status=PostStatus.SCHEDULED).order_by("due_at")
            if not pending:
                break
            now = pending[0].due_at
    local = [p.astimezone(PARIS) for p in published_at]
    assert [d.day for d in local] == [26, 27, 28, 29, 30]
    assert {d.time() for d in local} == {time(9, 0)}
    assert [p.astimezone(UTC).hour for p in published_at] == [8, 8, 7, 7, 7]
    with brand_scope(brand):
        assert Post.objects.filter(series=post.series).count() == 5
