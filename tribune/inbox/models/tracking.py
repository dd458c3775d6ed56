"""Response times against the charter's targets, and who is looking at a thread."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class ResponseRecord(models.Model):
    """From the first unanswered inbound message of a thread to our first answer.

    The target is the charter's business-hours one when the message arrived during the
    brand's business hours (in its time zone), the off-hours one otherwise.
    """

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed without an answer")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE, related_name="responses")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="+"
    )
    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField()
    business_hours = models.BooleanField()
    target_minutes = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    responded_at = models.DateTimeField(null=True, blank=True)
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_seconds = models.PositiveIntegerField(null=True, blank=True)
    breached = models.BooleanField(default=False)  # answered after the due time
    first = models.BooleanField(default=False)  # the thread's first response

    objects = BrandScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["brand", "received_at"], name="inbox_response_recent"),
            models.Index(fields=["thread", "outcome"], name="inbox_response_thread"),
        ]


class Presence(models.Model):
    """ "Camille is viewing / replying": refreshed every few seconds while the page is
    open, ignored once older than ``TRIBUNE_INBOX_PRESENCE_TTL``."""

    class State(models.TextChoices):
        VIEWING = "viewing", _("viewing")
        REPLYING = "replying", _("replying")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.VIEWING)
    seen_at = models.DateTimeField()

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="inbox_uniq_presence")
        ]
