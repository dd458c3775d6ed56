"""The crisis scenario shared by the acceptance tests (tests/listening/test_crisis.py with
SMTP, tests/networks/test_listening_crisis_chat.py with SMTP + Matrix + XMPP): seasonal
background traffic on the sandbox network, a burst of negative French mentions, a real
aiosmtpd server, the worker's minute tick on a simulated clock."""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller

from tribune.listening.services.delivery import escalate_due
from tribune.listening.services.detection import detect_brand
from tribune.listening.services.sources import do_fetch_source
from tribune.networks.sandbox.models import Post, Profile

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


@contextmanager
def smtp_server(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    """A real SMTP server (aiosmtpd) on a free port; Django's mailer points at it."""
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
