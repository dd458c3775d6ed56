"""Crisis alerts when the mail server and the webhook fail, and when a worker dies in
the middle of a send: every page still reaches every recipient, exactly once."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import httpx
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from tests.listening.factories import make_alert
from tribune.core.scope import brand_scope
from tribune.listening.models import AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.listening.services import delivery as delivery_service

pytestmark = [pytest.mark.fault, pytest.mark.django_db]


@pytest.fixture
def paged(tenants):  # type: ignore[no-untyped-def]
    """An alert paging the community manager and the analyst (both on duty) plus a
    webhook."""
    brand = tenants.brand_a
    alert = make_alert(brand)
    with brand_scope(brand):
        schedule = OnCallSchedule.objects.create(
            brand=brand, escalate_after_minutes=15, webhook_url="https://hooks.example/x"
        )
        for position, role in enumerate(["community_manager", "analyst"]):
            OnCallPerson.objects.create(
                brand=brand,
                schedule=schedule,
                user=tenants.people[role],
                position=position,
                tz="UTC",
                start_hour=0,
                end_hour=24,
            )
        with transaction.atomic():
            # Level 0 pages the first person on duty; escalate to page the second too.
            delivery_service.plan_page(alert, level=0, reason="raised", now=alert.raised_at)
            delivery_service.plan_page(alert, level=1, reason="escalated", now=alert.raised_at)
    return alert


def _rows(alert):  # type: ignore[no-untyped-def]
    with brand_scope(alert.brand_id):
        return list(AlertDelivery.objects.filter(alert=alert).order_by("pk"))


def test_mail_and_webhook_outages_then_recovery(paged, monkeypatch, invariants, settings):
    settings.TRIBUNE_ALLOW_PRIVATE_URLS = True  # hooks.example does not resolve here
    failures = {"mail": 5, "hook": 4}
    real_send = EmailBackend.send_messages

    def flaky_send(self, messages):  # type: ignore[no-untyped-def]
        if failures["mail"] > 0:
            failures["mail"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    hook_calls = []

    def hook(request: httpx.Request) -> httpx.Response:
        hook_calls.append(request)
        if failures["hook"] > 0:
            failures["hook"] -= 1
            return httpx.Response(503 if failures["hook"] % 2 else 500, text="busy")
        return httpx.Response(200, text="ok")

    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)
    transport = httpx.MockTransport(hook)
    now = paged.raised_at
    with brand_scope(paged.brand_id):
        for _ in range(60):
            delivery_service.send_pending(paged, transport=transport, now=now)
            if all(r.status == "sent" for r in _rows(paged)):
                break
            now += timedelta(minutes=1)
    rows = _rows(paged)
    invariants.check("every delivery sent in the end", all(r.status == "sent" for r in rows), rows)
    recipients = sorted(m.to[0] for m in mail.outbox)
    invariants.check(
        "each person received the alert exactly once",
        recipients == sorted(r.recipient for r in rows if r.channel == "email"),
        recipients,
    )
    ok_hooks = len(hook_calls) - 4  # the 4 refused calls
    pages = sum(1 for r in rows if r.channel == "webhook")  # one webhook post per page
    invariants.check(
        "the webhook got each page exactly once after the outage", ok_hooks == pages, ok_hooks
    )
    invariants.check(
        "retries stayed within the limit",
        all(r.attempts <= delivery_service.MAX_ATTEMPTS for r in rows),
    )


def test_worker_dies_mid_send_then_the_lease_expires(paged, invariants):
    with brand_scope(paged.brand_id):
        row = AlertDelivery.objects.filter(alert=paged, channel="email").first()
        # A worker claimed this row (as send_pending does), then died before sending.
        AlertDelivery.objects.filter(pk=row.pk).update(
            attempts=1,
            last_attempt_at=paged.raised_at,
            next_attempt_at=paged.raised_at + delivery_service.CLAIM_LEASE,
        )
        others = delivery_service.send_pending(
            paged,
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
            now=paged.raised_at + timedelta(seconds=30),
        )
        held = AlertDelivery.objects.get(pk=row.pk).status
        invariants.check("the claimed row is not sent twice meanwhile", held == "pending", held)
        later = paged.raised_at + delivery_service.CLAIM_LEASE + timedelta(minutes=1)
        retried = delivery_service.retry_due(paged.brand, later)
        invariants.check("the retry job finds the abandoned row", paged.pk in retried, retried)
        delivery_service.send_pending(paged, now=later)
        rows = _rows(paged)
    invariants.check("others went out at once", others == len(rows) - 1, others)
    invariants.check("everything sent", all(r.status == "sent" for r in rows), rows)
    invariants.check(
        "one email per person",
        sorted(m.to[0] for m in mail.outbox)
        == sorted(r.recipient for r in rows if r.channel == "email"),
    )
