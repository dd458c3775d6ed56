"""Failed deliveries are retried with backoff and never lost: the delivery log says what
happened in plain words with the attempt count; a row is claimed before sending so two
workers never send it twice; after MAX_ATTEMPTS it stays failed; an acknowledged alert
cancels what had not gone out; the watch job re-enqueues what is due."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes

import httpx
import pytest
from django.utils import timezone

from tests.listening.crisis_scenario import smtp_server, wait_for
from tests.listening.factories import make_alert
from tribune.core.scope import brand_scope
from tribune.listening.models import AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.listening.services import delivery as delivery_service
from tribune.listening.services.delivery import (
    MAX_ATTEMPTS,
    do_acknowledge,
    plan_page,
    retry_delay,
    retry_due,
    send_pending,
)

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


@pytest.fixture
def paged(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(brand=brand, webhook_url="https://hooks.example/x")
        OnCallPerson.objects.create(
            brand=brand, schedule=schedule, user=tenants.people["community_manager"]
        )
    return brand


def test_backoff_schedule():
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        5,
        10,
        15,
        30,
        30,
        30,
    ]


def test_mail_server_down_then_back(paged, settings):  # type: ignore[no-untyped-def]
    port = closed_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 3},
        }
    }
    hook = httpx.MockTransport(lambda request: httpx.Response(200))
    with brand_scope(paged):
        alert = make_alert(paged)
        now = timezone.now()
        plan_page(alert, level=0, reason="raised", now=now)
        assert send_pending(alert, transport=hook, now=now) == 1  # the webhook went
        mail = AlertDelivery.objects.get(alert=alert, channel="email")
        assert mail.status == "failed" and mail.attempts == 1
        assert mail.error.startswith("Could not reach the mail server")
        assert mail.next_attempt_at == now + timedelta(minutes=1)

        # The job finds it due after a minute; the second attempt fails too (2 min next).
        assert retry_due(paged, now + timedelta(seconds=59)) == []
        assert retry_due(paged, now + timedelta(minutes=1)) == [alert.pk]
        send_pending(alert, transport=hook, now=now + timedelta(minutes=1))
        mail.refresh_from_db()
        assert mail.attempts == 2 and mail.next_attempt_at == now + timedelta(minutes=3)

        # The mail server is back: the third attempt is delivered, once.
        with smtp_server(settings) as sink:
            assert send_pending(alert, transport=hook, now=now + timedelta(minutes=3)) == 1
            assert len(wait_for(sink, 1)) == 1
            assert sink.messages[0].rcpt_tos == [tenants_cm_email(paged)]
            sent_mail = message_from_bytes(sink.messages[0].content)
            assert sent_mail["Message-ID"].startswith(f"<tribune-alert-delivery-{mail.pk}@")
            assert sent_mail["References"].startswith(f"<tribune-alert-{alert.pk}@")
        mail.refresh_from_db()
        assert mail.status == "sent" and mail.attempts == 3 and mail.error == ""
        assert send_pending(alert, transport=hook, now=now + timedelta(hours=1)) == 0


def tenants_cm_email(brand) -> str:  # type: ignore[no-untyped-def]
    return OnCallPerson.objects.get(brand=brand).user.email


def test_webhook_gives_up_after_max_attempts_and_says_why(paged):  # type: ignore[no-untyped-def]
    hook = httpx.MockTransport(lambda request: httpx.Response(502))
    with brand_scope(paged):
        alert = make_alert(paged)
        now = timezone.now()
        plan_page(alert, level=0, reason="raised", now=now)
        row = AlertDelivery.objects.get(alert=alert, channel="webhook")
        for _ in range(MAX_ATTEMPTS):
            send_pending(alert, transport=hook, now=now)
            row.refresh_from_db()
            if row.next_attempt_at is None:
                break
            now = row.next_attempt_at
        assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
        assert row.error == f"Gave up after {MAX_ATTEMPTS} attempts: The webhook answered HTTP 502."
        assert row.next_attempt_at is None
        assert retry_due(paged, now + timedelta(days=1)) == []
        # The alert itself is intact: escalation does not depend on deliveries.
        alert.refresh_from_db()
        assert alert.is_open


def test_acknowledged_alert_cancels_what_did_not_go_out(paged):  # type: ignore[no-untyped-def]
    hook = httpx.MockTransport(lambda request: httpx.Response(500))
    with brand_scope(paged):
        alert = make_alert(paged)
        now = timezone.now()
        plan_page(alert, level=0, reason="raised", now=now)
        send_pending(alert, transport=hook, now=now)
        assert do_acknowledge(alert, "ana@example.test")
        assert send_pending(alert, transport=hook, now=now + timedelta(minutes=5)) == 0
        row = AlertDelivery.objects.get(alert=alert, channel="webhook")
    assert row.status == "cancelled" and row.next_attempt_at is None
    assert "acknowledged" in row.error


def test_a_claimed_row_is_not_sent_twice(paged, monkeypatch):  # type: ignore[no-untyped-def]
    """Two workers on the same alert: the second finds the row claimed (attempts moved)."""
    sent: list[int] = []
    with brand_scope(paged):
        alert = make_alert(paged)
        plan_page(alert, level=0, reason="raised", now=timezone.now())

        def slow_send(alert_, delivery, transport):  # type: ignore[no-untyped-def]
            sent.append(delivery.pk)
            if len(sent) == 1:  # meanwhile another worker runs over the same rows
                send_pending(alert_)

        monkeypatch.setattr(delivery_service, "_send_one", slow_send)
        send_pending(alert)
    assert sorted(sent) == sorted(set(sent))  # every row exactly once
    assert len(sent) == 2


def test_watch_job_reenqueues_due_deliveries(paged, monkeypatch):  # type: ignore[no-untyped-def]
    """The minute job finds a failed delivery whose retry time has come, even for a
    brand with no query and no open alert, and hands it to the alerts queue."""
    from tribune.listening import tasks

    enqueued: list[int] = []
    monkeypatch.setattr(delivery_service, "_enqueue", enqueued.append)
    with brand_scope(paged):
        alert = make_alert(paged)
        plan_page(alert, level=0, reason="raised", now=timezone.now())
        AlertDelivery.objects.filter(alert=alert).update(
            status="failed", next_attempt_at=timezone.now() - timedelta(seconds=5), attempts=1
        )
        alert.status = "closed"  # no open alert: only the due delivery brings the brand in
        alert.save()
        # (the query is disabled too)
        alert.query.enabled = False
        alert.query.save()
    tasks.watch.call()
    assert enqueued == [alert.pk]
