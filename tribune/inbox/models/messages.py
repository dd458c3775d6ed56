"""Messages: what people wrote to a brand (inbound) and what Tribune answered (outbound)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Message(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply")
        QUOTE = "quote", _("Quote")
        DM = "dm", _("Direct message")

    class Delivery(models.TextChoices):
        NONE = "", "—"
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")
        UNKNOWN = "unknown", _("Outcome unknown")
        DELETED = "deleted", _("Deleted")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="inbox_messages"
    )
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE, related_name="messages")
    remote_id = models.CharField(max_length=300, blank=True)  # empty while sending
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        "inbox.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auto_rule = models.ForeignKey(
        "inbox.ModerationRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()  # on the network
    received_at = models.DateTimeField(auto_now_add=True)  # by Tribune
    in_reply_to = models.CharField(max_length=300, blank=True)
    root_id = models.CharField(max_length=300, blank=True)
    # Text analytics (tribune/inbox/analysis.py).
    language = models.CharField(_("language"), max_length=8, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)
    toxicity = models.FloatField(_("toxicity"), default=0.0)
    toxic = models.BooleanField(default=False)
    is_question = models.BooleanField(_("question"), default=False)
    analysis_engine = models.CharField(max_length=10, blank=True)
    # Moderation.
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    # Outbound only: the reply's delivery, recorded before calling the network.
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False)
    error = models.TextField(blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The network's id is unique per account: polling twice stores an item once.
            models.UniqueConstraint(
                fields=["account", "remote_id"],
                condition=~Q(remote_id=""),
                name="inbox_uniq_message_remote",
            )
        ]
        indexes = [
            models.Index(fields=["thread", "created_at"], name="inbox_message_thread"),
            models.Index(fields=["brand", "direction", "created_at"], name="inbox_message_recent"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_ours(self) -> bool:
        return self.direction == self.Direction.OUT
