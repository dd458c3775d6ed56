"""Crisis alerts: one per incident, with why it was raised, and every delivery tried."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Alert(models.Model):
    class Kind(models.TextChoices):
        VOLUME = "volume", _("Volume spike")
        NEGATIVITY = "negativity", _("Negativity spike")
        KEYWORD = "keyword", _("Crisis keyword")
        INFLUENCER = "influencer", _("Influential author")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")

    OPEN = (Status.RAISED, Status.ACKNOWLEDGED, Status.ESCALATED)

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey("listening.Query", on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RAISED)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    # The numbers behind the decision: counts, baseline median/MAD, z-scores, rules hit.
    numbers = models.JSONField(default=dict)
    why = models.TextField()  # a readable summary, written in the brand's language
    evidence = models.JSONField(default=list)  # top mentions: [{id, author, text, url}]
    top_terms = models.JSONField(default=list)
    mention_count = models.PositiveIntegerField(default=0)
    raised_at = models.DateTimeField()
    last_evidence_at = models.DateTimeField()
    ack_token = models.CharField(max_length=64, unique=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)
    # Who has been paged: the position in the on-call order, then "strategists".
    escalation_level = models.PositiveSmallIntegerField(default=0)
    last_paged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    crisis = models.ForeignKey(
        "strategy.Crisis", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.query_id}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class AlertDelivery(models.Model):
    """One attempt to reach someone. Recorded before sending, updated after."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")
        MATRIX = "matrix", _("Matrix")
        XMPP = "xmpp", _("XMPP")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not needed any more")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=1000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=20, default="raised")  # raised / escalated
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=500, blank=True)  # in plain words, last attempt
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Retries: a failed attempt sets next_attempt_at (backoff); None once sent or given up.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What the other side calls the message (Matrix event id): later messages about the
    # same alert to the same place are posted in its thread.
    remote_id = models.CharField(max_length=255, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
