"""Acceptance: a burst of negative French mentions on the sandbox network, in seasonal
background traffic, raises exactly one alert within 2 minutes of onset (simulated clock),
delivered by email to a real local SMTP server, escalated when nobody acknowledges, and
never raised again while acknowledged. (The same scenario with Matrix and XMPP as well:
tests/networks/test_listening_crisis_chat.py.)"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.listening.crisis_scenario import (
    ONSET,
    Sink,
    body,
    burst_minute,
    people,
    seasonal_background,
    smtp_server,
    subject,
    tick,
    wait_for,
)
from tribune.core.scope import brand_scope
from tribune.listening.models import (
    Alert,
    AlertDelivery,
    OnCallPerson,
    OnCallSchedule,
    Query,
    Source,
)
from tribune.listening.services.delivery import send_pending
from tribune.strategy.models import Crisis


@pytest.fixture
def smtp(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    with smtp_server(settings) as sink:
        yield sink


@pytest.mark.django_db(transaction=False)
def test_burst_raises_one_alert_emails_escalates_and_is_not_reraised(tenants, smtp, client):
    rng = random.Random(7)
    brand = tenants.brand_a
    cm, analyst = tenants.people["community_manager"], tenants.people["analyst"]
    strategist = tenants.people["strategist"]
    authors = people()
    seasonal_background(rng, authors)
    with brand_scope(brand):
        query = Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        Query.objects.filter(pk=query.pk).update(created_at=ONSET - timedelta(weeks=8))
        source = Source.objects.create(brand=brand, kind="sandbox", name="Sandbox")
        schedule = OnCallSchedule.objects.create(brand=brand, escalate_after_minutes=15)
        OnCallPerson.objects.create(
            brand=brand, schedule=schedule, user=cm, position=0, tz="Europe/Paris"
        )
        # Night shift only (in Montreal it is 10:00 at the onset): skipped by the pager.
        OnCallPerson.objects.create(
            brand=brand,
            schedule=schedule,
            user=strategist,
            position=1,
            tz="America/Montreal",
            start_hour=22,
            end_hour=7,
        )
        OnCallPerson.objects.create(
            brand=brand, schedule=schedule, user=analyst, position=2, tz="Asia/Tokyo"
        )

        # Background only: no alert, however often the detector runs.
        for minutes in (-180, -60, -30, -1):
            tick(brand, source, ONSET + timedelta(minutes=minutes))
        assert not Alert.objects.exists()

        # Onset: six negative French mentions a minute.
        raised_at = None
        for minute in range(0, 12):
            burst_minute(rng, authors, minute)
            now = ONSET + timedelta(minutes=minute + 1)
            tick(brand, source, now)
            if raised_at is None and Alert.objects.exists():
                raised_at = now
        alert = Alert.objects.get()  # exactly one: later evidence was absorbed
        assert raised_at is not None and raised_at - ONSET <= timedelta(minutes=2)
        assert alert.kind in ("negativity", "keyword")
        assert alert.status == Alert.Status.RAISED
        assert alert.evidence and alert.numbers["counts"]["negative"] >= 6
        assert "arnaque" in alert.top_terms or "honte" in alert.top_terms or alert.top_terms
        crisis = Crisis.objects.get(pk=alert.crisis_id)
        assert crisis.source == "listening" and crisis.source_ref == str(alert.pk)

        # Paged: the community manager, by email through the real SMTP server.
        assert send_pending(alert) == 1
        first = wait_for(smtp, 1)[0]
        assert first.rcpt_tos == [cm.email]
        assert "Alpha" in subject(first)
        assert f"/listening/ack/{alert.ack_token}/" in body(first)

        # Not acknowledged after 15 minutes: the next person on duty (the analyst: the
        # strategist's night shift does not cover 15:00 in Paris), then the strategists.
        tick(brand, source, raised_at + timedelta(minutes=14))
        assert AlertDelivery.objects.filter(alert=alert).count() == 1
        tick(brand, source, raised_at + timedelta(minutes=15))
        alert.refresh_from_db()
        assert alert.status == Alert.Status.ESCALATED and alert.escalation_level == 1
        send_pending(alert)
        assert wait_for(smtp, 2)[1].rcpt_tos == [analyst.email]
        tick(brand, source, raised_at + timedelta(minutes=30))
        send_pending(alert)
        assert strategist.email in wait_for(smtp, 3)[2].rcpt_tos
        tick(brand, source, raised_at + timedelta(minutes=45))
        assert AlertDelivery.objects.filter(alert=alert).count() == 3  # nobody further

    # One click on the link (no login): acknowledged.
    page = client.get(f"/listening/ack/{alert.ack_token}/")
    assert page.status_code == 200
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ESCALATED  # a GET (mail scanner) changes nothing
    client.post(f"/listening/ack/{alert.ack_token}/")
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED

    # The crisis goes on: evidence is absorbed, nobody is paged, nothing is raised again.
    with brand_scope(brand):
        for minute in range(50, 70):
            burst_minute(rng, authors, minute, per_minute=10)
            tick(brand, source, ONSET + timedelta(minutes=minute + 1))
        assert Alert.objects.count() == 1
        assert AlertDelivery.objects.count() == 3
        alert.refresh_from_db()
        assert alert.status == Alert.Status.ACKNOWLEDGED
        assert alert.last_evidence_at == ONSET + timedelta(minutes=70)
