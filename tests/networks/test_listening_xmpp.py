"""Crisis alerts to a real XMPP server (prosody on 127.0.0.1): the on-call person receives
the alert as a chat message (offline storage, read at login with slixmpp), a wrong bot
password is logged in plain words and retried, a private server is refused unless an
administrator allowed private addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.listening.factories import make_alert
from tests.peers import prosody as prosody_peer
from tribune.core.scope import brand_scope
from tribune.listening.models import AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.listening.services.delivery import delivery_key, plan_page, send_pending

pytestmark = [pytest.mark.peer, pytest.mark.django_db]


@pytest.fixture(scope="module")
def jids(xmpp_server):  # type: ignore[no-untyped-def]
    return {name: prosody_peer.register(xmpp_server, name) for name in ("alertes", "ana")}


@pytest.fixture
def on_call(tenants, xmpp_server, jids, settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True
    brand = tenants.brand_a
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(
            brand=brand,
            xmpp_jid=jids["alertes"],
            xmpp_host=xmpp_server.host,
            xmpp_port=xmpp_server.port,
            chat_secrets={"xmpp_password": prosody_peer.PASSWORD},
        )
        OnCallPerson.objects.create(
            brand=brand,
            schedule=schedule,
            user=tenants.people["community_manager"],
            xmpp_jid=jids["ana"],
        )
    return schedule


def test_alert_reaches_the_on_call_person_over_xmpp(tenants, on_call, xmpp_server, jids):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        alert = make_alert(brand)
        plan_page(alert, level=0, reason="raised", now=timezone.now())
        assert send_pending(alert) == 2  # email + XMPP
        row = AlertDelivery.objects.get(alert=alert, channel="xmpp")
        assert row.status == "sent" and row.recipient == jids["ana"]
    messages = prosody_peer.read_messages(xmpp_server, jids["ana"])
    assert len(messages) == 1
    assert messages[0]["from"] == jids["alertes"]
    assert messages[0]["id"] == delivery_key(row)
    assert messages[0]["thread"] == f"tribune-alert-{alert.pk}"
    assert alert.query.name in messages[0]["body"]
    assert f"/listening/ack/{alert.ack_token}/" in messages[0]["body"]


def test_wrong_password_is_logged_and_retried(tenants, on_call, xmpp_server, jids):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        on_call.chat_secrets = {"xmpp_password": "not-the-password"}
        on_call.save()
        alert = make_alert(brand)
        now = timezone.now()
        plan_page(alert, level=0, reason="raised", now=now)
        send_pending(alert, now=now)
        row = AlertDelivery.objects.get(alert=alert, channel="xmpp")
        assert row.status == "failed" and "refused the bot's login" in row.error
        on_call.chat_secrets = {"xmpp_password": prosody_peer.PASSWORD}
        on_call.save()
        assert send_pending(alert, now=now + timedelta(minutes=1)) == 1
        row.refresh_from_db()
        assert row.status == "sent" and row.attempts == 2
    assert len(prosody_peer.read_messages(xmpp_server, jids["ana"])) == 1


def test_private_server_refused_unless_allowed(tenants, on_call, settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    brand = tenants.brand_a
    with brand_scope(brand):
        alert = make_alert(brand)
        plan_page(alert, level=0, reason="raised", now=timezone.now())
        send_pending(alert)
        row = AlertDelivery.objects.get(alert=alert, channel="xmpp")
    assert row.status == "failed" and "private network" in row.error
