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
import smtplib
import zoneinfo
from datetime import datetime, timedelta
from html import escape

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tribune.accounts.models import Brand, User
from tribune.core.audit import record_audit
from tribune.core.crypto import decrypt_text
from tribune.core.outbound import PrivateAddressBlocked, http_client
from tribune.listening.chat import (
    ChatError,
    MatrixAccount,
    XmppAccount,
    create_direct_room,
    join_room,
    matrix_send,
    xmpp_send,
)
from tribune.listening.models import Alert, AlertDelivery, OnCallPerson, OnCallSchedule
from tribune.publishing.notify import people_with_roles, workspace_admins

logger = logging.getLogger(__name__)

DEFAULT_ESCALATE_MINUTES = 15
# Failed deliveries are tried again after these delays (minutes), then every 30 minutes,
# MAX_ATTEMPTS times in all (about 3.5 hours); escalation goes on meanwhile regardless.
RETRY_DELAYS = (1, 2, 5, 10, 15, 30)
MAX_ATTEMPTS = 12
CLAIM_LEASE = timedelta(minutes=5)  # a worker that dies mid-send frees the row after this


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


def matrix_configured(schedule: OnCallSchedule | None) -> bool:
    return bool(
        schedule and schedule.matrix_homeserver and schedule.chat_secrets.get("matrix_access_token")
    )


def xmpp_configured(schedule: OnCallSchedule | None) -> bool:
    return bool(schedule and schedule.xmpp_jid and schedule.chat_secrets.get("xmpp_password"))


def chat_addresses(brand: Brand, users: list[User]) -> dict[int, OnCallPerson]:
    """Each user's on-call row that carries chat addresses (the first one found)."""
    found: dict[int, OnCallPerson] = {}
    rows = OnCallPerson.objects.filter(brand=brand, user__in=[u.pk for u in users]).filter(
        Q(matrix_target__gt="") | Q(xmpp_jid__gt="")
    )
    for person in rows.order_by("position", "pk"):
        found.setdefault(person.user_id, person)
    return found


def plan_page(alert: Alert, *, level: int, reason: str, now: datetime) -> list[AlertDelivery]:
    """Record the deliveries of one page (call inside the transaction that changes the
    alert); they are sent once it commits, and retried by ``listening.watch`` if needed."""
    people = recipients(alert.brand, level, now) or []
    schedule = schedule_for(alert.brand)
    common = {
        "brand": alert.brand,
        "alert": alert,
        "level": level,
        "reason": reason,
        "created_at": now,
        "next_attempt_at": now,
    }
    rows = [
        AlertDelivery(
            channel=AlertDelivery.Channel.EMAIL, recipient=user.email, user=user, **common
        )
        for user in people
        if user.email
    ]
    chat = chat_addresses(alert.brand, people)
    for user in people:
        person = chat.get(user.pk)
        if person and person.matrix_target and matrix_configured(schedule):
            rows.append(
                AlertDelivery(
                    channel=AlertDelivery.Channel.MATRIX,
                    recipient=person.matrix_target,
                    user=user,
                    **common,
                )
            )
        if person and person.xmpp_jid and xmpp_configured(schedule):
            rows.append(
                AlertDelivery(
                    channel=AlertDelivery.Channel.XMPP,
                    recipient=person.xmpp_jid,
                    user=user,
                    **common,
                )
            )
    if schedule and schedule.webhook_url:
        rows.append(
            AlertDelivery(
                channel=AlertDelivery.Channel.WEBHOOK, recipient=schedule.webhook_url, **common
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


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return timedelta(minutes=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def plain_error(exc: BaseException) -> str:
    """A sentence for the delivery log, whatever went wrong."""
    if isinstance(exc, ChatError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient's address."
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server refused Tribune's login (check the SMTP settings)."
    if isinstance(exc, smtplib.SMTPException):
        return f"The mail server rejected the message ({exc})."
    if isinstance(exc, PrivateAddressBlocked):
        return (
            "The webhook address is on a private network; an administrator must allow "
            "private addresses (TRIBUNE_ALLOW_PRIVATE_URLS)."
        )
    if isinstance(exc, httpx.TimeoutException):
        return "The webhook did not answer in time."
    if isinstance(exc, httpx.HTTPError):
        return f"Could not reach the webhook ({exc})."
    if isinstance(exc, WebhookRefused):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Could not reach the mail server ({exc.strerror or exc})."
    return f"Unexpected error: {exc}"


class WebhookRefused(Exception):
    pass


def send_pending(
    alert: Alert,
    *,
    transport: httpx.BaseTransport | None = None,
    now: datetime | None = None,
) -> int:
    """Send the alert's deliveries that are due: new ones and failed ones whose retry
    time has come (inside the brand scope). Returns how many went out.

    Each row is claimed first (a conditional UPDATE on its attempt count, with a lease),
    so two workers never send the same row; a failure records the error in plain words
    and the next attempt time; after ``MAX_ATTEMPTS`` the row stays failed for good.
    Once the alert is acknowledged or closed, what has not gone out is cancelled."""
    now = now or timezone.now()
    alert.refresh_from_db(fields=["status", "escalation_level"])
    due = AlertDelivery.objects.filter(
        alert=alert,
        status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED],
        next_attempt_at__lte=now,
    )
    if alert.status in (Alert.Status.ACKNOWLEDGED, Alert.Status.CLOSED):
        due.update(
            status=AlertDelivery.Status.CANCELLED,
            next_attempt_at=None,
            error="The alert was acknowledged or closed before this message went out.",
        )
        return 0
    sent = 0
    for delivery in due.select_related("user"):
        claimed = AlertDelivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status=delivery.status
        ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + CLAIM_LEASE)
        if not claimed:
            continue  # another worker has it
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            _send_one(alert, delivery, transport)
        except Exception as exc:  # noqa: BLE001 - recorded on the row, retried later
            delivery.status, delivery.error = AlertDelivery.Status.FAILED, plain_error(exc)[:500]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.next_attempt_at = None
                delivery.error = (f"Gave up after {delivery.attempts} attempts: {delivery.error}")[
                    :500
                ]
                logger.error("Alert %s delivery %s abandoned: %s", alert.pk, delivery.pk, exc)
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                logger.warning("Alert %s delivery %s failed: %s", alert.pk, delivery.pk, exc)
        else:
            delivery.status, delivery.sent_at, delivery.error = (
                AlertDelivery.Status.SENT,
                timezone.now(),
                "",
            )
            delivery.next_attempt_at = None
            sent += 1
        delivery.save(
            update_fields=[
                "status",
                "sent_at",
                "error",
                "attempts",
                "last_attempt_at",
                "next_attempt_at",
                "remote_id",
            ]
        )
    return sent


def retry_due(brand: Brand, now: datetime | None = None) -> list[int]:
    """Enqueue a delivery run for each alert with a failed delivery due again (or a new
    one whose run was lost, e.g. a worker restart); returns the alert ids."""
    now = now or timezone.now()
    ids = sorted(
        set(
            AlertDelivery.objects.filter(brand=brand)
            .filter(
                Q(status=AlertDelivery.Status.FAILED, next_attempt_at__lte=now)
                | Q(
                    status=AlertDelivery.Status.PENDING,
                    next_attempt_at__lte=now - timedelta(minutes=1),
                )
            )
            .values_list("alert_id", flat=True)
        )
    )
    for alert_id in ids:
        _enqueue(alert_id)
    return ids


def delivery_key(delivery: AlertDelivery) -> str:
    """The same for every attempt of one delivery: Matrix transaction id, XMPP message id."""
    return f"tribune-alert-delivery-{delivery.pk}"


def chat_text(alert: Alert, language: str) -> tuple[str, str]:
    """Plain and HTML versions of the alert for chat."""
    subject, body = message(alert, language)
    plain = f"{subject}\n\n{body}"
    lines = [f"<strong>{escape(subject)}</strong>"]
    for line in body.splitlines():
        html = escape(line)
        for url in (ack_url(alert), alert_url(alert)):
            html = html.replace(escape(url), f'<a href="{escape(url)}">{escape(url)}</a>')
        lines.append(html)
    return plain, "<br>".join(lines)


def _language(alert: Alert, delivery: AlertDelivery) -> str:
    return getattr(delivery.user, "language", "") or alert.brand.language or "fr"


def _send_one(alert: Alert, delivery: AlertDelivery, transport: httpx.BaseTransport | None) -> None:
    channel = delivery.channel
    if channel == AlertDelivery.Channel.EMAIL:
        subject, body = message(alert, _language(alert, delivery))
        domain = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0] or "tribune"
        thread = f"<tribune-alert-{alert.pk}@{domain}>"
        EmailMessage(
            subject,
            body,
            None,
            [delivery.recipient],
            # One Message-ID per delivery: a retry after an unclear failure is recognised
            # as the same message by mail clients. Every email about one alert refers to
            # the same thread id, so a crisis is one conversation in the mailbox.
            headers={
                "Message-ID": f"<{delivery_key(delivery)}@{domain}>",
                "In-Reply-To": thread,
                "References": thread,
            },
        ).send()
    elif channel == AlertDelivery.Channel.WEBHOOK:
        _post_webhook(alert, delivery.recipient, transport)
    elif channel == AlertDelivery.Channel.MATRIX:
        _send_matrix(alert, delivery, transport)
    elif channel == AlertDelivery.Channel.XMPP:
        schedule = schedule_for(alert.brand)
        if not xmpp_configured(schedule):
            raise ChatError("XMPP is no longer configured in the on-call settings.")
        assert schedule is not None
        plain, _html = chat_text(alert, _language(alert, delivery))
        xmpp_send(
            XmppAccount(
                jid=schedule.xmpp_jid,
                password=schedule.chat_secrets["xmpp_password"],
                host=schedule.xmpp_host,
                port=schedule.xmpp_port,
            ),
            delivery.recipient,
            plain,
            delivery_key(delivery),
            thread=f"tribune-alert-{alert.pk}",
        )
    else:
        raise ChatError(f"Unknown channel {channel}.")


def _send_matrix(
    alert: Alert, delivery: AlertDelivery, transport: httpx.BaseTransport | None
) -> None:
    schedule = schedule_for(alert.brand)
    if not matrix_configured(schedule):
        raise ChatError("Matrix is no longer configured in the on-call settings.")
    assert schedule is not None
    account = MatrixAccount(
        schedule.matrix_homeserver, schedule.chat_secrets["matrix_access_token"]
    )
    target = delivery.recipient
    room = target
    if target.startswith("@"):
        # A person: their direct room with the bot, created the first time.
        person = OnCallPerson.objects.filter(
            brand=alert.brand, matrix_target=target, matrix_room_id__gt=""
        ).first()
        if person is not None:
            room = person.matrix_room_id
        else:
            room = create_direct_room(account, target, transport)
            OnCallPerson.objects.filter(brand=alert.brand, matrix_target=target).update(
                matrix_room_id=room
            )
    elif target.startswith("#"):
        room = join_room(account, target, transport)
    plain, html = chat_text(alert, _language(alert, delivery))
    root = (
        AlertDelivery.objects.filter(
            alert=alert, channel=AlertDelivery.Channel.MATRIX, recipient=target, remote_id__gt=""
        )
        .exclude(pk=delivery.pk)
        .order_by("pk")
        .values_list("remote_id", flat=True)
        .first()
    )
    delivery.remote_id = matrix_send(
        account, room, delivery_key(delivery), plain, html, transport, thread_root=root or ""
    )


def _post_webhook(alert: Alert, url: str, transport: httpx.BaseTransport | None) -> None:
    body = json.dumps(webhook_payload(alert), ensure_ascii=False).encode()
    schedule = schedule_for(alert.brand)
    headers = {"Content-Type": "application/json"}
    if schedule and schedule.webhook_secret_encrypted:
        headers["X-Tribune-Signature"] = sign(decrypt_text(schedule.webhook_secret_encrypted), body)
    with http_client(transport) as client:
        response = client.post(url, content=body, headers=headers)
    if response.status_code >= 300:
        raise WebhookRefused(f"The webhook answered HTTP {response.status_code}.")


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
        from tribune.webhooks.hooks import alert_acknowledged

        alert_acknowledged(alert)
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


def do_test_chat(brand: Brand, actor: User | None) -> list[tuple[str, str, str]]:
    """Send a short test message to every on-call person's Matrix and XMPP address now,
    so whoever configures the bots sees at once whether they work. Returns
    ``(channel, recipient, error)`` per message, ``error`` empty when it went."""
    schedule = schedule_for(brand)
    results: list[tuple[str, str, str]] = []
    if schedule is None:
        return results
    with override(brand.language or "fr"):
        text = _("Tribune test message: crisis alerts for %(brand)s will arrive here.") % {
            "brand": brand.name
        }
    key = f"tribune-test-{brand.pk}-{int(timezone.now().timestamp())}"
    people = OnCallPerson.objects.filter(brand=brand).filter(
        Q(matrix_target__gt="") | Q(xmpp_jid__gt="")
    )
    for n, person in enumerate(people.order_by("position", "pk")):
        if person.matrix_target and matrix_configured(schedule):
            try:
                account = MatrixAccount(
                    schedule.matrix_homeserver, schedule.chat_secrets["matrix_access_token"]
                )
                room = person.matrix_target
                if room.startswith("@"):
                    room = person.matrix_room_id or create_direct_room(account, room)
                    if not person.matrix_room_id:
                        OnCallPerson.objects.filter(
                            brand=brand, matrix_target=person.matrix_target
                        ).update(matrix_room_id=room)
                elif room.startswith("#"):
                    room = join_room(account, room)
                matrix_send(account, room, f"{key}-m{n}", text)
                results.append(("Matrix", person.matrix_target, ""))
            except ChatError as exc:
                results.append(("Matrix", person.matrix_target, str(exc)))
        if person.xmpp_jid and xmpp_configured(schedule):
            try:
                xmpp_send(
                    XmppAccount(
                        schedule.xmpp_jid,
                        schedule.chat_secrets["xmpp_password"],
                        schedule.xmpp_host,
                        schedule.xmpp_port,
                    ),
                    person.xmpp_jid,
                    text,
                    f"{key}-x{n}",
                )
                results.append(("XMPP", person.xmpp_jid, ""))
            except ChatError as exc:
                results.append(("XMPP", person.xmpp_jid, str(exc)))
    record_audit(
        "listening.chat_tested",
        actor=actor,
        brand=brand,
        obj=schedule,
        after={
            "sent": sum(1 for r in results if not r[2]),
            "failed": [r[:2] for r in results if r[2]],
        },
    )
    return results
