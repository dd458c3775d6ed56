"""Acceptance, every channel: the sandbox crisis (a burst of negative French mentions in
seasonal traffic) raises exactly one alert within 2 minutes of onset, delivered to the
on-call person by email (real aiosmtpd), to a real Matrix homeserver (Synapse) and to a
real XMPP server (prosody); escalated to the next person after the configured delay
without acknowledgement; acknowledged from the link in the Matrix message; never raised
nor paged again while acknowledged."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.listening.crisis_scenario import (
    ONSET,
    Sink,
    burst_minute,
    people,
    seasonal_background,
    smtp_server,
    tick,
    wait_for,
)
from tests.peers import prosody as prosody_peer
from tests.peers import synapse as synapse_peer
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

pytestmark = [pytest.mark.peer, pytest.mark.django_db]


@pytest.fixture
def smtp(settings) -> Iterator[Sink]:  # type: ignore[no-untyped-def]
    with smtp_server(settings) as sink:
        yield sink


@pytest.fixture(autouse=True)
def _lexicon(settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_LISTENING_ANALYSIS = "lexicon"
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the admin allowed the local chat servers


def test_crisis_alert_by_email_matrix_and_xmpp(
    tenants, smtp, client, matrix_homeserver, xmpp_server
):  # type: ignore[no-untyped-def]
    bot = synapse_peer.register(matrix_homeserver, "crisisbot")
    ana = synapse_peer.register(matrix_homeserver, "crisis-ana")
    theo = synapse_peer.register(matrix_homeserver, "crisis-theo")
    bot_jid = prosody_peer.register(xmpp_server, "crisisbot")
    ana_jid = prosody_peer.register(xmpp_server, "crisis-ana")

    rng = random.Random(7)
    brand = tenants.brand_a
    cm, analyst = tenants.people["community_manager"], tenants.people["analyst"]
    authors = people()
    seasonal_background(rng, authors)
    with brand_scope(brand):
        query = Query.objects.create(brand=brand, name="Alpha", expression="alpha")
        Query.objects.filter(pk=query.pk).update(created_at=ONSET - timedelta(weeks=8))
        source = Source.objects.create(brand=brand, kind="sandbox", name="Sandbox")
        schedule = OnCallSchedule.objects.create(
            brand=brand,
            escalate_after_minutes=10,
            matrix_homeserver=matrix_homeserver.url,
            matrix_user_id=bot.user_id,
            xmpp_jid=bot_jid,
            xmpp_host=xmpp_server.host,
            xmpp_port=xmpp_server.port,
            chat_secrets={
                "matrix_access_token": bot.access_token,
                "xmpp_password": prosody_peer.PASSWORD,
            },
        )
        OnCallPerson.objects.create(
            brand=brand,
            schedule=schedule,
            user=cm,
            position=0,
            matrix_target=ana.user_id,
            xmpp_jid=ana_jid,
        )
        OnCallPerson.objects.create(
            brand=brand, schedule=schedule, user=analyst, position=1, matrix_target=theo.user_id
        )

        for minutes in (-120, -30, -1):
            tick(brand, source, ONSET + timedelta(minutes=minutes))
        assert not Alert.objects.exists()

        raised_at = None
        for minute in range(0, 6):
            burst_minute(rng, authors, minute)
            now = ONSET + timedelta(minutes=minute + 1)
            tick(brand, source, now)
            if raised_at is None and Alert.objects.exists():
                raised_at = now
        alert = Alert.objects.get()
        assert raised_at is not None and raised_at - ONSET <= timedelta(minutes=2)

        # Page 1: the community manager, by email, Matrix and XMPP.
        assert send_pending(alert) == 3
        assert wait_for(smtp, 1)[0].rcpt_tos == [cm.email]
        ana_room = OnCallPerson.objects.get(user=cm).matrix_room_id
        [first] = synapse_peer.room_messages(matrix_homeserver, ana, ana_room)
        assert "Alpha" in first["content"]["body"]
        [chat] = prosody_peer.read_messages(xmpp_server, ana_jid)
        assert f"/listening/ack/{alert.ack_token}/" in chat["body"]

        # Nobody acknowledges: after 10 minutes the analyst is paged (email + Matrix).
        tick(brand, source, raised_at + timedelta(minutes=9))
        assert AlertDelivery.objects.filter(alert=alert).count() == 3
        tick(brand, source, raised_at + timedelta(minutes=10))
        alert.refresh_from_db()
        assert alert.status == Alert.Status.ESCALATED and alert.escalation_level == 1
        assert send_pending(alert) == 2
        assert wait_for(smtp, 2)[1].rcpt_tos == [analyst.email]
        theo_room = OnCallPerson.objects.get(user=analyst).matrix_room_id
        [escalation] = synapse_peer.room_messages(matrix_homeserver, theo, theo_room)
        ack_link = re.search(r"(/listening/ack/[\w-]+/)", escalation["content"]["body"])
        assert ack_link is not None

    # The analyst acknowledges from the link in the Matrix message.
    client.post(ack_link.group(1))
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED

    # The crisis goes on: nothing new is raised nor sent anywhere.
    with brand_scope(brand):
        for minute in range(30, 45):
            burst_minute(rng, authors, minute, per_minute=10)
            tick(brand, source, ONSET + timedelta(minutes=minute + 1))
            send_pending(alert)
        assert Alert.objects.count() == 1
        assert AlertDelivery.objects.filter(alert=alert).count() == 5
        assert not AlertDelivery.objects.exclude(status="sent").exists()
    assert len(synapse_peer.room_messages(matrix_homeserver, ana, ana_room)) == 1
    assert len(synapse_peer.room_messages(matrix_homeserver, theo, theo_room)) == 1
    assert prosody_peer.read_messages(xmpp_server, ana_jid, timeout=2) == []
    assert len(smtp.messages) == 2
