"""Reach someone, day and night: on-call resolution, email, signed webhook, one-click
acknowledgement, escalation.

Paging order for an alert: the people of the brand's on-call schedule who are on duty
now (their own time zone and hours), one at a time; then the brand's strategists (the
communication direction), then nobody more. Every page is a set of ``AlertDelivery``
rows written first (pending) and sent after the transaction commits, so a mail server
outage never loses the alert and a retry knows what is left to send.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import zoneinfo
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tribune.accounts.models import Brand, User
from tribune.core.audit import record_audit
from tribune.core.crypto import decrypt_text
from tribune.core.outbound import http_client
from tribune.listening.models import Alert, AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.publishing.notify import people_with_roles, workspace_admins

logger = logging.getLogger(__name__)

DEFAULT_ESCALATE_MINUTES = 15


def on_duty(person: OnCallPerson, now: datetime) -> bool:
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(person.tz))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        local = now.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    if person.weekdays and local.weekday() not in person.weekdays:
        return False
    start, end, hour = person.start_hour, person.end_hour, local.hour
    if start <= end:
        return start <= hour < end
    return hour >= start or hour < end  # overnight shift, e.g. 22 → 7


def on_call_now(brand: Brand, now: datetime) -> list[User]:
    """The people on duty now, in the schedule's order (an inactive user is skipped)."""
    people = OnCallPerson.objects.filter(brand=brand).select_related("user").order_by("position")
    return [p.user for p in people if p.user.is_active and on_duty(p, now)]


def strategists(brand: Brand) -> list[User]:
    return people_with_roles(brand, ["strategist"]) or workspace_admins(brand)


def schedule_for(brand: Brand) -> OnCallSchedule | None:
    return OnCallSchedule.objects.filter(brand=brand).first()


def escalate_after(brand: Brand) -> timedelta:
    schedule = schedule_for(brand)
    minutes = schedule.escalate_after_minutes if schedule else DEFAULT_ESCALATE_MINUTES
    return timedelta(minutes=minutes)


def recipients(brand: Brand, level: int, now: datetime) -> list[User] | None:
    """Who level ``level`` pages; None when every level has been paged."""
    duty = on_call_now(brand, now)
    if level < len(duty):
        return [duty[level]]
    if level == len(duty):
        return strategists(brand)
    return None


def plan_page(alert: Alert, *, level: int, reason: str, now: datetime) -> list[AlertDelivery]:
    """Record the deliveries of one page (call inside the transaction that changes the
    alert); they are sent once it commits."""
    people = recipients(alert.brand, level, now) or []
    rows = [
        AlertDelivery(
            brand=alert.brand,
            alert=alert,
            channel=AlertDelivery.Channel.EMAIL,
            recipient=user.email,
            user=user,
            level=level,
            reason=reason,
            created_at=now,
        )
        for user in people
    ]
    schedule = schedule_for(alert.brand)
    if schedule and schedule.webhook_url:
        rows.append(
            AlertDelivery(
                brand=alert.brand,
                alert=alert,
                channel=AlertDelivery.Channel.WEBHOOK,
                recipient=schedule.webhook_url,
                level=level,
                reason=reason,
                created_at=now,
            )
        )
    AlertDelivery.objects.bulk_create(rows)
    Alert.objects.filter(pk=alert.pk).update(escalation_level=level, last_paged_at=now)
    alert.escalation_level, alert.last_paged_at = level, now
    alert_id = alert.pk
    transaction.on_commit(lambda: _enqueue(alert_id))
    return rows


def _enqueue(alert_id: int) -> None:
    from tribune.listening.tasks import deliver_alert

    deliver_alert.enqueue(alert_id)


def ack_url(alert: Alert) -> str:
    return settings.SITE_URL + reverse("listening:ack", args=[alert.ack_token])


def alert_url(alert: Alert) -> str:
    return settings.SITE_URL + reverse("listening:alerts", args=[alert.brand.slug])


def message(alert: Alert, language: str) -> tuple[str, str]:
    with override(language):
        subject = _("[Tribune · %(brand)s] Crisis alert: %(kind)s on “%(query)s”") % {
            "brand": alert.brand.name,
            "kind": alert.get_kind_display(),
            "query": alert.query.name,
        }
        lines = [alert.why, ""]
        if alert.evidence:
            lines.append(_("Top mentions:"))
            lines += [f"- {e['author']}: {e['text'][:200]}" for e in alert.evidence]
            lines.append("")
        if alert.top_terms:
            lines += [_("Top terms: %(terms)s") % {"terms": ", ".join(alert.top_terms)}, ""]
        lines += [
            _("Acknowledge (one click, no login): %(url)s") % {"url": ack_url(alert)},
            _("All alerts: %(url)s") % {"url": alert_url(alert)},
        ]
        if alert.escalation_level:
            lines.insert(0, _("Not acknowledged yet: this is an escalation.") + "\n")
    return subject, "\n".join(lines)


def webhook_payload(alert: Alert) -> dict:
    """Slack ("text") and Microsoft Teams (MessageCard "text"/"summary") both read this."""
    subject, body = message(alert, alert.brand.language or "fr")
    return {
        "text": f"*{subject}*\n{body}",
        "summary": subject,
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "tribune": {
            "alert": alert.pk,
            "brand": alert.brand.slug,
            "kind": alert.kind,
            "status": alert.status,
            "level": alert.escalation_level,
            "numbers": alert.numbers,
            "ack_url": ack_url(alert),
        },
    }


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_pending(alert: Alert, *, transport: httpx.BaseTransport | None = None) -> int:
    """Send the alert's pending deliveries (inside the brand scope). Returns how many went."""
    sent = 0
    for delivery in AlertDelivery.objects.filter(alert=alert, status=AlertDelivery.Status.PENDING):
        try:
            if delivery.channel == AlertDelivery.Channel.EMAIL:
                language = getattr(delivery.user, "language", "") or alert.brand.language
                subject, body = message(alert, language)
                EmailMessage(subject, body, None, [delivery.recipient]).send()
            else:
                _post_webhook(alert, delivery.recipient, transport)
        except Exception as exc:  # noqa: BLE001 - recorded on the row, retried by the job
            delivery.status, delivery.error = AlertDelivery.Status.FAILED, str(exc)[:500]
            logger.warning("Alert %s delivery %s failed: %s", alert.pk, delivery.pk, exc)
        else:
            delivery.status, delivery.sent_at, delivery.error = (
                AlertDelivery.Status.SENT,
                timezone.now(),
                "",
            )
            sent += 1
        delivery.save(update_fields=["status", "sent_at", "error"])
    return sent


def _post_webhook(alert: Alert, url: str, transport: httpx.BaseTransport | None) -> None:
    body = json.dumps(webhook_payload(alert), ensure_ascii=False).encode()
    schedule = schedule_for(alert.brand)
    headers = {"Content-Type": "application/json"}
    if schedule and schedule.webhook_secret_encrypted:
        headers["X-Tribune-Signature"] = sign(decrypt_text(schedule.webhook_secret_encrypted), body)
    with http_client(transport) as client:
        response = client.post(url, content=body, headers=headers)
    if response.status_code >= 300:
        raise RuntimeError(f"HTTP {response.status_code}")


@transaction.atomic
def do_acknowledge(alert: Alert, by: str, now: datetime | None = None) -> bool:
    """Acknowledge an open alert; False when it was already acknowledged or closed."""
    now = now or timezone.now()
    updated = Alert.objects.filter(
        pk=alert.pk, status__in=[Alert.Status.RAISED, Alert.Status.ESCALATED]
    ).update(status=Alert.Status.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=by[:200])
    if updated:
        alert.refresh_from_db()
        record_audit(
            "listening.alert_acknowledged", brand=alert.brand, obj=alert, after={"by": by[:200]}
        )
    return bool(updated)


@transaction.atomic
def do_close_alert(alert: Alert, actor: User | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.CLOSED, closed_at=now)
    record_audit("listening.alert_closed", actor=actor, brand=alert.brand, obj=alert)


def escalate_due(brand: Brand, now: datetime | None = None) -> list[Alert]:
    """Page the next level for every alert of the brand unacknowledged past the delay."""
    now = now or timezone.now()
    waiting = Alert.objects.filter(
        brand=brand, status__in=[Alert.Status.RAISED, Alert.Status.ESCALATED]
    )
    # A page "in the future" means the clock went back: count the delay from now on,
    # instead of waiting for the size of the jump.
    waiting.filter(last_paged_at__gt=now + timedelta(minutes=1)).update(last_paged_at=now)
    due = waiting.filter(last_paged_at__lte=now - escalate_after(brand))
    escalated = []
    for alert in due:
        with transaction.atomic():
            level = alert.escalation_level + 1
            if recipients(brand, level, now) is None:
                continue  # the strategists were paged already: nobody further
            # Claim the step so two workers never page the same level twice.
            won = Alert.objects.filter(
                pk=alert.pk, escalation_level=alert.escalation_level, acknowledged_at__isnull=True
            ).update(status=Alert.Status.ESCALATED, escalation_level=level)
            if not won:
                continue
            alert.status = Alert.Status.ESCALATED
            plan_page(alert, level=level, reason="escalated", now=now)
            record_audit(
                "listening.alert_escalated", brand=brand, obj=alert, after={"level": level}
            )
            escalated.append(alert)
    return escalated
