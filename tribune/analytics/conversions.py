"""Recording conversions (signed endpoint, pixel, CSV) and attributing them to a click.

Attribution is *last click within the goal's window*: among the click ids the site sends
(the ``tclid`` that the ``/l/`` redirect appended to the landing URL, possibly several
kept by the site), the most recent click made no later than the conversion and no
earlier than ``window_days`` before it. Its link gives the post (variant), the account
and the ``utm_campaign``. Without a valid click the conversion is recorded unattributed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.analytics.models import Conversion, ConversionEndpoint, ConversionGoal
from tribune.core.audit import record_audit
from tribune.publishing.links import click_pk
from tribune.publishing.models import LinkClick
from tribune.webhooks import hooks as webhook_hooks

SIGNATURE_TOLERANCE = 300  # seconds either side of the server's clock
SIGNATURE_HEADER = "X-Tribune-Signature"
TIMESTAMP_HEADER = "X-Tribune-Timestamp"


class ConversionError(ValueError):
    """Input that cannot be recorded; the message is meant for the person sending it."""


@dataclass(frozen=True)
class Recorded:
    conversion: Conversion
    created: bool  # False: the idempotency key was already used (nothing new stored)


# --- endpoint secret -----------------------------------------------------------------------
def endpoint_for(brand: Brand) -> ConversionEndpoint:
    endpoint = ConversionEndpoint.objects.filter(brand=brand).first()
    if endpoint is None:
        endpoint = ConversionEndpoint.objects.create(
            brand=brand,
            public_id=secrets.token_urlsafe(12),
            secrets={"hmac": secrets.token_urlsafe(32)},
        )
    return endpoint


def do_rotate_secret(brand: Brand, actor: Any) -> ConversionEndpoint:
    endpoint = endpoint_for(brand)
    endpoint.secrets = {"hmac": secrets.token_urlsafe(32)}
    endpoint.save()
    record_audit("analytics.conversion_secret_rotated", actor=actor, brand=brand, obj=endpoint)
    return endpoint


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + HMAC-SHA256 of ``"<timestamp>." + body`` with the brand's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def check_signature(
    endpoint: ConversionEndpoint,
    timestamp: str,
    signature: str,
    body: bytes,
    now: float | None = None,
) -> None:
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        raise ConversionError(
            f"The {TIMESTAMP_HEADER} header must be a Unix time in seconds."
        ) from None
    if abs((now or time.time()) - stamp) > SIGNATURE_TOLERANCE:
        raise ConversionError(
            "The timestamp is more than 5 minutes away from the server's clock (replay refused)."
        )
    expected = sign(endpoint.secrets.get("hmac", ""), timestamp, body)
    if not hmac.compare_digest(expected, signature or ""):
        raise ConversionError("The signature does not match the body (check the brand's secret).")


# --- attribution -----------------------------------------------------------------------------
def attribute(
    brand: Brand, goal: ConversionGoal, click_ids: list[str], occurred_at: datetime
) -> LinkClick | None:
    pks = [pk for pk in (click_pk(c) for c in click_ids if c) if pk is not None]
    if not pks:
        return None
    return (
        LinkClick.objects.filter(
            brand=brand,
            pk__in=pks,
            at__lte=occurred_at,
            at__gte=occurred_at - timedelta(days=goal.window_days),
        )
        .exclude(agent="bot")
        .select_related("link__variant")
        .order_by("-at", "-pk")
        .first()
    )


# --- recording ---------------------------------------------------------------------------------
def check_payload(
    brand: Brand, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Validate one conversion (a JSON object or a CSV row); returns clean values."""
    now = now or timezone.now()
    goal_key = str(data.get("goal") or "").strip()
    if not goal_key:
        raise ConversionError("“goal” is missing: give the key of one of the brand's goals.")
    goal = ConversionGoal.objects.filter(brand=brand, key=goal_key).first()
    if goal is None:
        raise ConversionError(f"No goal with the key “{goal_key}” on this brand.")
    key = str(data.get("idempotency_key") or "").strip()
    if not key or len(key) > 200:
        raise ConversionError("“idempotency_key” is required (1 to 200 characters).")
    occurred_at = now
    raw_at = str(data.get("occurred_at") or "").strip()
    if raw_at:
        try:
            occurred_at = datetime.fromisoformat(raw_at.replace("Z", "+00:00"))
        except ValueError:
            raise ConversionError(
                f"“occurred_at” ({raw_at}) is not an ISO 8601 date-time"
                " such as 2026-03-01T14:05:00+01:00."
            ) from None
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=brand.tz)  # local time of the brand
        if occurred_at > now + timedelta(minutes=5):
            raise ConversionError("“occurred_at” is in the future.")
    value = goal.value
    raw_value = data.get("value")
    if raw_value not in (None, ""):
        try:
            value = Decimal(str(raw_value).replace(",", "."))
        except ArithmeticError:
            raise ConversionError(f"“value” ({raw_value}) is not a number.") from None
        if value < 0 or value >= Decimal("1e10"):
            raise ConversionError("“value” must be between 0 and 9,999,999,999.")
    clicks = data.get("click_ids") or []
    if isinstance(clicks, str):
        clicks = clicks.split()
    if data.get("click_id"):
        clicks = [*clicks, str(data["click_id"])]
    if not isinstance(clicks, list):
        raise ConversionError("“click_ids” must be a list of click ids.")
    return {
        "goal": goal,
        "idempotency_key": key,
        "occurred_at": occurred_at,
        "value": value.quantize(Decimal("0.01")),
        "reference": str(data.get("reference") or "")[:200],
        "click_ids": [str(c)[:200] for c in clicks][:20],
    }


def do_record(brand: Brand, clean: dict[str, Any], source: str) -> Recorded:
    """Store one validated conversion once: the same idempotency key returns the first."""
    existing = Conversion.objects.filter(
        brand=brand, idempotency_key=clean["idempotency_key"]
    ).first()
    if existing is not None:
        return Recorded(existing, False)
    click = attribute(brand, clean["goal"], clean["click_ids"], clean["occurred_at"])
    link = click.link if click else None
    variant = link.variant if link else None
    try:
        with transaction.atomic():
            conversion = Conversion.objects.create(
                brand=brand,
                goal=clean["goal"],
                idempotency_key=clean["idempotency_key"],
                occurred_at=clean["occurred_at"],
                source=source,
                value=clean["value"],
                reference=clean["reference"],
                click=click,
                link=link,
                variant=variant,
                account_id=variant.account_id if variant else None,
                utm_campaign=link.campaign if link else "",
            )
            webhook_hooks.conversion_recorded(conversion)
    except IntegrityError:  # the same key sent twice at the same moment
        return Recorded(
            Conversion.objects.get(brand=brand, idempotency_key=clean["idempotency_key"]), False
        )
    return Recorded(conversion, True)
