"""Crisis alerts to a real Matrix homeserver (Synapse on 127.0.0.1): a direct room with the
on-call person, a team room the bot was invited to, idempotent retries (the transaction id
comes from the delivery), plain-word errors and the retry after a refused token, and the
private-address guard. Messages are read back through the client-server API as the
recipient."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.listening.factories import make_alert
from tests.peers import synapse as synapse_peer
from tribune.core.scope import brand_scope
from tribune.listening.models import AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.listening.services.delivery import plan_page, send_pending

pytestmark = [pytest.mark.peer, pytest.mark.django_db]


api = synapse_peer.api
room_messages = synapse_peer.room_messages


@pytest.fixture(scope="module")
def matrix_people(matrix_homeserver):  # type: ignore[no-untyped-def]
    return {
        name: synapse_peer.register(matrix_homeserver, name)
        for name in ("tribunebot", "ana", "bruno")
    }


@pytest.fixture
def on_call(tenants, matrix_homeserver, matrix_people, settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # the admin allowed the local homeserver
    brand = tenants.brand_a
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(
            brand=brand,
            matrix_homeserver=matrix_homeserver.url,
            matrix_user_id=matrix_people["tribunebot"].user_id,
            chat_secrets={"matrix_access_token": matrix_people["tribunebot"].access_token},
        )
        OnCallPerson.objects.create(
            brand=brand,
            schedule=schedule,
            user=tenants.people["community_manager"],
            matrix_target=matrix_people["ana"].user_id,
        )
    return schedule


def page(alert) -> None:  # type: ignore[no-untyped-def]
    plan_page(alert, level=0, reason="raised", now=timezone.now())


def test_alert_reaches_the_on_call_person_in_a_direct_room(
    tenants, on_call, matrix_homeserver, matrix_people
):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        alert = make_alert(brand)
        page(alert)
        assert send_pending(alert) == 2  # email + Matrix
        matrix = AlertDelivery.objects.get(alert=alert, channel="matrix")
        assert matrix.status == "sent" and matrix.attempts == 1 and not matrix.error
        person = OnCallPerson.objects.get(brand=brand)
        assert person.matrix_room_id.startswith("!")

        messages = room_messages(matrix_homeserver, matrix_people["ana"], person.matrix_room_id)
        assert len(messages) == 1
        content = messages[0]["content"]
        assert messages[0]["sender"] == matrix_people["tribunebot"].user_id
        assert alert.query.name in content["body"]
        assert f"/listening/ack/{alert.ack_token}/" in content["body"]
        assert 'href="http' in content["formatted_body"]

        # A retry of the same delivery (e.g. after a timeout whose answer was lost) reuses
        # the transaction id: the homeserver does not post a second message.
        AlertDelivery.objects.filter(pk=matrix.pk).update(
            status="failed", next_attempt_at=timezone.now()
        )
        assert send_pending(alert) == 1
        assert (
            len(room_messages(matrix_homeserver, matrix_people["ana"], person.matrix_room_id)) == 1
        )

        # The next page reuses the direct room.
        page(alert)
        send_pending(alert)
        assert OnCallPerson.objects.get(brand=brand).matrix_room_id == person.matrix_room_id
        # … and is posted in the thread of the first message: one crisis, one thread.
        first_event, second = room_messages(
            matrix_homeserver, matrix_people["ana"], person.matrix_room_id
        )
        assert second["content"]["m.relates_to"]["rel_type"] == "m.thread"
        assert second["content"]["m.relates_to"]["event_id"] == first_event["event_id"]
        assert (
            AlertDelivery.objects.filter(alert=alert, channel="matrix").first().remote_id
            == (first_event["event_id"])
        )
        assert (
            len(room_messages(matrix_homeserver, matrix_people["ana"], person.matrix_room_id)) == 2
        )


def test_team_room_the_bot_was_invited_to(tenants, on_call, matrix_homeserver, matrix_people):  # type: ignore[no-untyped-def]
    bruno, bot = matrix_people["bruno"], matrix_people["tribunebot"]
    room_id = api(
        matrix_homeserver,
        bruno,
        "POST",
        "/_matrix/client/v3/createRoom",
        json={"name": "Cellule de crise", "invite": [bot.user_id]},
    )["room_id"]
    brand = tenants.brand_a
    with brand_scope(brand):
        OnCallPerson.objects.filter(brand=brand).update(matrix_target=room_id)
        alert = make_alert(brand)
        page(alert)
        send_pending(alert)
        assert AlertDelivery.objects.get(alert=alert, channel="matrix").status == "sent"
    messages = room_messages(matrix_homeserver, bruno, room_id)
    assert [m["sender"] for m in messages] == [bot.user_id]  # the bot joined, then posted


def test_refused_token_is_logged_in_plain_words_and_retried(
    tenants, on_call, matrix_homeserver, matrix_people
):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    good = on_call.chat_secrets["matrix_access_token"]
    with brand_scope(brand):
        on_call.chat_secrets = {"matrix_access_token": "syt_not_a_real_token"}
        on_call.save()
        alert = make_alert(brand)
        page(alert)
        now = timezone.now()
        send_pending(alert, now=now)
        failed = AlertDelivery.objects.get(alert=alert, channel="matrix")
        assert failed.status == "failed" and failed.attempts == 1
        assert "refused the bot's access token" in failed.error
        assert failed.next_attempt_at == now + timedelta(minutes=1)
        # Not due yet: nothing is tried.
        assert send_pending(alert, now=now + timedelta(seconds=30)) == 0
        # The admin pastes a valid token; the next attempt goes through.
        on_call.chat_secrets = {"matrix_access_token": good}
        on_call.save()
        assert send_pending(alert, now=now + timedelta(minutes=1)) == 1
        failed.refresh_from_db()
        assert failed.status == "sent" and failed.attempts == 2 and failed.error == ""
        assert failed.next_attempt_at is None
        room = OnCallPerson.objects.get(brand=brand).matrix_room_id
    assert len(room_messages(matrix_homeserver, matrix_people["ana"], room)) == 1


def test_private_homeserver_refused_unless_allowed(tenants, on_call, settings):  # type: ignore[no-untyped-def]
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = False
    brand = tenants.brand_a
    with brand_scope(brand):
        alert = make_alert(brand)
        page(alert)
        send_pending(alert)
        row = AlertDelivery.objects.get(alert=alert, channel="matrix")
    assert row.status == "failed"
    assert "private network" in row.error and "TRIBUNE_ALLOW_PRIVATE_URLS" in row.error


def test_test_button_sends_a_message_now(
    tenants, on_call, client, matrix_homeserver, matrix_people
):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from tests.conftest import PASSWORD

    brand = tenants.brand_a
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    page = client.post(
        reverse("listening:on_call", args=[brand.slug]), {"form": "test"}, follow=True
    )
    assert "envoyé à @ana:localhost" in page.content.decode()
    with brand_scope(brand):
        room = OnCallPerson.objects.get(brand=brand).matrix_room_id
    [message] = room_messages(matrix_homeserver, matrix_people["ana"], room)
    assert "Tribune" in message["content"]["body"]

    # A broken token: the page says why, in words.
    with brand_scope(brand):
        on_call.chat_secrets = {"matrix_access_token": "syt_revoked"}
        on_call.save()
    page = client.post(
        reverse("listening:on_call", args=[brand.slug]), {"form": "test"}, follow=True
    )
    assert "refused the bot&#x27;s access token" in page.content.decode()
