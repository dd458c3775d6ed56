"""Outgoing webhooks: what a brand subscribed to, and every delivery with its attempts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.crypto import EncryptedJSONField
from tribune.core.scope import BrandScopedManager

# The events a subscription may pick. Emitted by the areas through ``webhooks.emit``.
EVENTS: dict[str, object] = {
    "post.published": _("A post was published"),
    "post.failed": _("A post failed to publish"),
    "alert.raised": _("A listening alert was raised"),
    "alert.acknowledged": _("An alert was acknowledged"),
    "inbox.message_received": _("A new message arrived in the inbox"),
    "member.became_leader": _("A community member became a leader"),
    "conversion.recorded": _("A conversion was recorded"),
    "ping": _("Test ping (sent on demand)"),
}


class Subscription(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("address"), max_length=1000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(default=list)  # names from EVENTS
    secret = EncryptedJSONField(default=dict)  # {"key": "..."}: signs every payload
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.url

    @property
    def signing_key(self) -> str:
        return str(self.secret.get("key", ""))


class Delivery(models.Model):
    """One event for one subscription. Retried with backoff until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=60)
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)  # same on replays
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_response = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    created_at = models.DateTimeField()

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class Attempt(models.Model):
    """One HTTP request of a delivery (the delivery log shows them all)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["at", "pk"]
