"""Response times against the charter: business vs off hours in the brand's time zone,
first response, breaches, per-person and per-brand figures."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone, translation

from tests.conftest import PASSWORD
from tests.inbox import factories as f
from tribune.core.scope import brand_scope
from tribune.inbox.models import Message, ResponseRecord, Thread
from tribune.inbox.services import sla, triage
from tribune.inbox.services.stats import duration, response_stats
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import CharterRules, ResponseTimes
from tribune.strategy.services.charter import do_save_charter


def _charter(brand, business=60, off=600):  # type: ignore[no-untyped-def]
    do_save_charter(
        brand,
        None,
        document_source="Charte",
        rules=CharterRules(response_times=ResponseTimes(business, off)),
        hours=BusinessHours(days=(0, 1, 2, 3, 4), start=time(9), end=time(18)),
    )


def _clock(brand, received: datetime) -> ResponseRecord:  # type: ignore[no-untyped-def]
    thread = f.thread(brand, at=received)
    with brand_scope(brand):
        message = thread.messages.get()
        record = sla.start_clock(thread, message, sla.Targets.of(brand))
        thread.save()
    assert record is not None
    return record


def test_business_and_off_hours_targets_in_the_brand_time_zone(tenants):
    brand = tenants.brand_a  # Europe/Paris
    _charter(brand)
    # Tuesday 2026-03-31 08:30 UTC = 10:30 in Paris (summer time): business hours.
    business = _clock(brand, datetime(2026, 3, 31, 8, 30, tzinfo=UTC))
    assert business.business_hours and business.target_minutes == 60
    assert business.due_at == datetime(2026, 3, 31, 9, 30, tzinfo=UTC)
    # Tuesday 2026-03-31 16:30 UTC = 18:30 in Paris: off hours, although 16:30 < 18:00 UTC.
    evening = _clock(brand, datetime(2026, 3, 31, 16, 30, tzinfo=UTC))
    assert not evening.business_hours and evening.target_minutes == 600
    # Saturday morning: off hours.
    saturday = _clock(brand, datetime(2026, 4, 4, 9, 0, tzinfo=UTC))
    assert not saturday.business_hours


def test_without_a_charter_the_engine_defaults_apply(tenants):
    record = _clock(tenants.brand_b, datetime(2026, 3, 31, 8, 30, tzinfo=UTC))
    assert record.target_minutes in (ResponseTimes().business_hours_minutes,)


def test_first_response_breach_and_stats(tenants):
    brand = tenants.brand_a
    _charter(brand, business=60, off=600)
    cm, smm = tenants.people["community_manager"], tenants.people["strategist"]
    now = timezone.now()
    with brand_scope(brand):
        quick = _clock(brand, now - timedelta(minutes=30))
        slow = _clock(brand, now - timedelta(hours=20))
        waiting = _clock(brand, now - timedelta(hours=15))
        closed = _clock(brand, now - timedelta(minutes=5))
        for record, who, after in ((quick, cm, 10), (slow, smm, 60 * 19)):
            thread = Thread.objects.get(pk=record.thread_id)
            sla.stop_clock(
                thread, record.received_at + timedelta(minutes=after), who, answered=True
            )
            thread.save()
        triage.do_set_status(Thread.objects.get(pk=closed.thread_id), cm, "closed")
        quick.refresh_from_db()
        slow.refresh_from_db()
        assert quick.outcome == "answered" and not quick.breached and quick.response_seconds == 600
        assert slow.breached and Thread.objects.get(pk=slow.thread_id).first_response_seconds
        assert ResponseRecord.objects.get(pk=closed.pk).outcome == "closed"
        assert Thread.objects.get(pk=waiting.thread_id).is_late

    with brand_scope(brand):
        stats = response_stats(brand, days=30)
    assert stats.received == 4 and stats.waiting == 1 and stats.closed_unanswered == 1
    assert stats.brand.answered == 2 and stats.brand.within_rate == 50
    assert stats.late_answers == 1 and stats.overdue == (waiting.due_at < timezone.now())
    people = dict(stats.people)
    assert people[cm].answered == 1 and people[cm].median_seconds == 600
    assert people[smm].within_target == 0


def test_a_second_message_while_waiting_does_not_restart_the_clock(tenants):
    brand = tenants.brand_a
    first = _clock(brand, timezone.now() - timedelta(minutes=40))
    with brand_scope(brand):
        thread = Thread.objects.get(pk=first.thread_id)
        later = Message.objects.create(
            brand=brand,
            account=thread.account,
            thread=thread,
            remote_id="later",
            kind="reply",
            text="Allô ?",
            created_at=timezone.now(),
        )
        assert sla.start_clock(thread, later, sla.Targets.of(brand)) is None
        assert ResponseRecord.objects.filter(thread=thread).count() == 1


def test_the_stats_page(tenants, client):
    _charter(tenants.brand_a)
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    response = client.get(reverse("inbox:stats", args=["alpha"]) + "?days=7")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="received"' in page and "60 min" in page


def test_durations_read_well():
    with translation.override("en"):
        assert duration(None) == "—"
        assert duration(42) == "42 s"
        assert duration(600) == "10 min"
        assert duration(3900) == "1 h 05 min"
        assert duration(3 * 86400 + 3600 * 4) == "3 d 4 h"
    with translation.override("fr"):
        assert duration(3 * 86400 + 3600 * 4) == "3 j 4 h"
