"""Acceptance: a burst of negative French mentions on the sandbox network, in seasonal
background traffic, raises exactly one alert within 2 minutes of onset (simulated clock),
delivered by email to a real local SMTP server, escalated when nobody acknowledges, and
never raised again while acknowledged."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from tribune.core.scope import brand_scope
from tribune.listening.models import (
    Alert,
    AlertDelivery,
    OnCallPerson,
    OnCallSchedule,
    Query,
    Source,
)
from tribune.listening.services.delivery import escalate_due, send_pending
from tribune.listening.services.detection import detect_brand
from tribune.listening.services.sources import do_fetch_source
from tribune.networks.sandbox.models import Post, Profile
from tribune.strategy.models import Crisis

ONSET = datetime(2025, 3, 11, 14, 0, tzinfo=UTC)  # a Tuesday afternoon
BACKGROUND = [
    "Alpha sort un nouveau modèle la semaine prochaine apparemment",
    "Franchement Alpha, votre service est top, je recommande !",
    "Quelqu'un a déjà essayé la box d'Alpha ?",
    "Vu la pub Alpha dans le métro ce matin",
    "Merci Alpha pour l'accueil au magasin hier",
    "Déçu par Alpha, la qualité a baissé",
    "Alpha est-ce que la box est disponible en Belgique ?",
]
BURST = [
    "Alpha c'est une arnaque, remboursez-nous !",
    "Scandale chez Alpha : des clients facturés deux fois, honteux",
    "J'appelle au boycott d'Alpha, service client inexistant et mensonges",
    "Alpha nous prend pour des idiots, quelle honte",
    "Plus jamais Alpha, arnaque totale sur les abonnements",
]


class Sink:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield sink
    controller.stop()


def wait_for(sink: Sink, count: int) -> list:
    deadline = time.monotonic() + 10
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sink.messages


def subject(envelope) -> str:  # type: ignore[no-untyped-def]
    return str(make_header(decode_header(message_from_bytes(envelope.content)["Subject"])))


def body(envelope) -> str:  # type: ignore[no-untyped-def]
    message = message_from_bytes(envelope.content)
    return message.get_payload(decode=True).decode()


def people() -> list[Profile]:
    return [
        Profile.objects.create(
            handle=f"fan{i}.sb",
            display_name=f"Fan {i}",
            base_followers=50 + i,
            created_at=ONSET - timedelta(days=60),
        )
        for i in range(80)
    ]


def seasonal_background(rng: random.Random, authors: list[Profile]) -> None:
    """Around the onset's hour of the week, for the four previous weeks and this one:
    traffic following the afternoon curve (busier at 14h than at 11h)."""
    posts = []
    for week in range(5):
        centre = ONSET - timedelta(weeks=week)
        for hour in range(-4, 2 if week == 0 else 4):
            start = centre + timedelta(hours=hour)
            rate = 4 + 3 * (1 - abs(hour + 0.5) / 4)  # mentions per hour
            for _ in range(int(rng.gauss(rate, 1.2)) if rate > 0 else 0):
                posts.append(
                    Post(
                        author=rng.choice(authors),
                        text=rng.choice(BACKGROUND),
                        lang="fr",
                        created_at=start + timedelta(seconds=rng.randrange(3600)),
                    )
                )
    Post.objects.bulk_create([p for p in posts if p.created_at < ONSET])


def burst_minute(
    rng: random.Random, authors: list[Profile], minute: int, per_minute: int = 6
) -> None:
    start = ONSET + timedelta(minutes=minute)
    Post.objects.bulk_create(
        Post(
            author=rng.choice(authors),
            text=f"{rng.choice(BURST)} #{minute}-{i}",
            lang="fr",
            created_at=start + timedelta(seconds=rng.randrange(60)),
        )
        for i in range(per_minute)
    )


def tick(brand, source, now):  # type: ignore[no-untyped-def]
    """What the worker does every minute: read the source, detect, escalate."""
    while do_fetch_source(source, now).result.stored:
        pass
    detect_brand(brand, now)
    escalate_due(brand, now)


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
