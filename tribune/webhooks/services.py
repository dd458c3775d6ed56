"""Emit events, sign and deliver them, retry with backoff, replay from the log.

``emit(brand, event, data)`` is what the areas call, inside the transaction of the change
it reports: one ``Delivery`` row per matching subscription commits with the change (or
not at all). The ``webhooks.deliver`` job claims due deliveries with a conditional
UPDATE (two workers never send one delivery at once) and POSTs them:

- body: ``{"id", "event", "created_at", "brand", "data"}`` (``id`` is the event's id,
  the same on retries and replays: receivers deduplicate on it);
- ``X-Tribune-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``,
  plus ``X-Tribune-Event``, ``X-Tribune-Event-Id``, ``X-Tribune-Delivery``;
- any 2xx is delivered; anything else (or no answer) is tried again after 30 s, 1 min,
  2 min … doubling up to 6 h, 15 attempts in all (about 1.5 days), then given up;
  410 Gone disables the subscription. Redirects are not followed and private addresses
  are refused (``tribune.core.outbound``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.core.audit import record_audit
from tribune.core.outbound import (
    PrivateAddressBlocked,
    allow_private_default,
    check_host,
    http_client,
)
from tribune.core.scope import brand_scope, unscoped
from tribune.webhooks.models import EVENTS, Attempt, Delivery, Subscription

logger = logging.getLogger(__name__)

FIRST_DELAY = 30  # seconds
MAX_DELAY = 6 * 3600
MAX_ATTEMPTS = 15
STUCK_AFTER = timedelta(minutes=5)  # a claim older than this: the worker died
SIGNATURE_TOLERANCE = 300  # seconds, what receivers should accept


class WebhookError(ValueError):
    """A refused subscription, written for a person."""


def backoff(attempts: int) -> timedelta:
    """Delay after the ``attempts``-th failed attempt."""
    return timedelta(seconds=min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))


def sign(key: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    key: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = 300
) -> bool:
    """What a receiver does (documented in docs/api.md): check the HMAC and the age."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(key, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _json_safe(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def emit(brand: Brand | int, event: str, data: dict[str, Any], now: datetime | None = None) -> int:
    """Queue ``event`` for every active subscription of the brand that wants it. Call it in
    the transaction of the change. Returns the number of deliveries queued."""
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    now = now or timezone.now()
    brand_id = brand if isinstance(brand, int) else brand.pk
    with brand_scope(brand_id):
        subscriptions = [
            s
            for s in Subscription.objects.filter(brand_id=brand_id, active=True)
            if event in s.events
        ]
        if not subscriptions:
            return 0
        slug = Brand.objects.filter(pk=brand_id).values_list("slug", flat=True).first()
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id),
            "event": event,
            "created_at": now.isoformat(),
            "brand": slug,
            "data": _json_safe(data),
        }
        Delivery.objects.bulk_create(
            [
                Delivery(
                    brand_id=brand_id,
                    subscription=s,
                    event=event,
                    event_id=event_id,
                    payload=payload,
                    next_attempt_at=now,
                    created_at=now,
                )
                for s in subscriptions
            ]
        )
    return len(subscriptions)


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise WebhookError(_("Give a full http:// or https:// address."))
    if parts.username or parts.password:
        raise WebhookError(_("Put no user name or password in the address."))
    try:
        check_host(parts.hostname, allow_private=allow_private_default(None), error=WebhookError)
    except WebhookError:
        raise WebhookError(
            _("This address points to a private network; Tribune only calls public addresses.")
        ) from None
    return url


def check_events(events: list[str]) -> list[str]:
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookError(_("Unknown events: %(events)s") % {"events": ", ".join(unknown)})
    if not events:
        raise WebhookError(_("Choose at least one event."))
    return sorted(set(events))


@transaction.atomic
def do_create_subscription(
    brand: Brand, actor: User | None, *, url: str, events: list[str], description: str = ""
) -> tuple[Subscription, str]:
    """Returns the subscription and its signing secret (shown to the person once)."""
    url, events = check_url(url), check_events(events)
    key = f"whsec_{secrets.token_urlsafe(32)}"
    sub = Subscription.objects.create(
        brand=brand,
        url=url,
        events=events,
        description=description.strip()[:200],
        secret={"key": key},
        created_by=actor,
    )
    record_audit(
        "webhook.created", actor=actor, brand=brand, obj=sub, after={"url": url, "events": events}
    )
    return sub, key


@transaction.atomic
def do_delete_subscription(sub: Subscription, actor: User | None) -> None:
    record_audit("webhook.deleted", actor=actor, brand=sub.brand, obj=sub, before={"url": sub.url})
    sub.delete()


@transaction.atomic
def do_set_active(sub: Subscription, actor: User | None, active: bool) -> None:
    Subscription.objects.filter(pk=sub.pk).update(active=active)
    record_audit(
        "webhook.enabled" if active else "webhook.disabled", actor=actor, brand=sub.brand, obj=sub
    )


@transaction.atomic
def do_replay(delivery: Delivery, actor: User | None, now: datetime | None = None) -> Delivery:
    """Send a logged delivery again (same event id, current secret), as a new delivery."""
    now = now or timezone.now()
    copy = Delivery.objects.create(
        brand_id=delivery.brand_id,
        subscription_id=delivery.subscription_id,
        event=delivery.event,
        event_id=delivery.event_id,
        payload=delivery.payload,
        next_attempt_at=now,
        created_at=now,
        replay_of=delivery,
    )
    record_audit(
        "webhook.replayed",
        actor=actor,
        brand=delivery.subscription.brand,
        obj=copy,
        after={"of": delivery.pk, "event": delivery.event},
    )
    return copy


@transaction.atomic
def do_ping(sub: Subscription, actor: User | None) -> Delivery:
    now = timezone.now()
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "event": "ping",
        "created_at": now.isoformat(),
        "brand": sub.brand.slug,
        "data": {"message": "Test from Tribune"},
    }
    return Delivery.objects.create(
        brand_id=sub.brand_id,
        subscription=sub,
        event="ping",
        event_id=event_id,
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )


# --- delivery ---------------------------------------------------------------------------
def claim_due(now: datetime, limit: int = 50) -> list[int]:
    with unscoped():
        Delivery.objects.filter(
            status=Delivery.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
        ).update(status=Delivery.Status.PENDING)
        ids = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        return [
            pk
            for pk in ids
            if Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
                status=Delivery.Status.SENDING, claimed_at=now
            )
        ]


def run_due(
    now: datetime | None = None, *, transport: httpx.BaseTransport | None = None
) -> dict[str, int]:
    """Send every due delivery once. ``now`` and ``transport`` let tests drive time and
    the network; the job passes neither."""
    now = now or timezone.now()
    outcome: dict[str, int] = {}
    claimed = claim_due(now)
    if not claimed:
        return outcome
    with http_client(transport) as client:  # one client (and its TLS context) per batch
        for pk in claimed:
            result = deliver(pk, now, client=client)
            outcome[result] = outcome.get(result, 0) + 1
    return outcome


def deliver(pk: int, now: datetime, *, client: httpx.Client | None = None) -> str:
    with unscoped():
        delivery = Delivery.objects.select_related("subscription").get(pk=pk)
    sub = delivery.subscription
    with brand_scope(delivery.brand_id):
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Tribune-Webhooks/1.0",
            "X-Tribune-Event": delivery.event,
            "X-Tribune-Event-Id": str(delivery.event_id),
            "X-Tribune-Delivery": str(delivery.pk),
            "X-Tribune-Timestamp": str(timestamp),
            "X-Tribune-Signature": sign(sub.signing_key, timestamp, body),
        }
        started = time.monotonic()
        code: int | None = None
        error, answer, permanent = "", "", False
        try:
            if client is None:
                with http_client() as own:
                    response = own.post(sub.url, content=body, headers=headers)
            else:
                response = client.post(sub.url, content=body, headers=headers)
            code = response.status_code
            answer = response.text[:500]
            if not 200 <= code < 300:
                error = f"HTTP {code}"
                permanent = code == 410
        except PrivateAddressBlocked:
            error, permanent = "The address resolves to a private network; refused.", True
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
        duration = int((time.monotonic() - started) * 1000)
        return _record(delivery, now, code, error, answer, duration, permanent)


@transaction.atomic
def _record(
    delivery: Delivery,
    now: datetime,
    code: int | None,
    error: str,
    answer: str,
    duration: int,
    permanent: bool,
) -> str:
    Attempt.objects.create(
        brand_id=delivery.brand_id,
        delivery=delivery,
        at=now,
        status_code=code,
        error=error[:500],
        duration_ms=duration,
    )
    attempts = delivery.attempts + 1
    common: dict[str, Any] = {
        "attempts": attempts,
        "claimed_at": None,
        "last_status_code": code,
        "last_error": error[:500],
        "last_response": answer,
    }
    if not error:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None, **common
        )
        return "delivered"
    if permanent or attempts >= MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, next_attempt_at=None, **common
        )
        if code == 410:
            Subscription.objects.filter(pk=delivery.subscription_id).update(active=False)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.PENDING, next_attempt_at=now + backoff(attempts), **common
    )
    return "retry"
