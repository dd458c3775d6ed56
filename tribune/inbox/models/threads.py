"""Conversations: the unit of the queue (status, assignee, tags, response clock)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Tag(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tag"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="inbox_uniq_tag")]

    def __str__(self) -> str:
        return self.name


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    CLOSED = "closed", _("Closed")


class Thread(models.Model):
    """One conversation on one account.

    ``key`` is the network id of the message that started it (a mention, a top-level
    comment under one of our posts) or ``dm:<author id>`` for direct messages; replies
    join the thread of the message they answer (see ``tribune/inbox/threading.py``).
    The summary columns (last activity, latest sentiment, unanswered question, response
    clock) are kept up to date on every new message so that the queue reads one table.
    """

    class Kind(models.TextChoices):
        PUBLIC = "public", _("Public")
        DM = "dm", _("Direct message")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="inbox_threads"
    )
    network = models.CharField(max_length=30)
    key = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    variant = models.ForeignKey(
        "publishing.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        "inbox.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="threads"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_threads",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads")
    flagged = models.BooleanField(_("flagged for review"), default=False)
    # Summary of the latest inbound message (what the queue shows and filters on).
    last_text = models.CharField(max_length=300, blank=True)
    last_author_label = models.CharField(max_length=200, blank=True)
    last_activity_at = models.DateTimeField()
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    toxicity = models.FloatField(default=0.0)  # the highest of its inbound messages
    has_question = models.BooleanField(default=False)  # a question not answered yet
    message_count = models.PositiveIntegerField(default=0)
    # Response clock: the oldest inbound message not answered yet, and when it is due.
    awaiting_since = models.DateTimeField(null=True, blank=True)
    sla_due_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="inbox_uniq_thread_key")
        ]
        # The queue's orderings and filters (docs/inbox.md, "Indexes"): newest activity
        # first within one brand, optionally narrowed by status and by assignee.
        indexes = [
            models.Index(
                fields=["brand", "-last_activity_at", "-id"], name="inbox_thread_brand_recent"
            ),
            models.Index(
                fields=["brand", "status", "-last_activity_at", "-id"],
                name="inbox_thread_status_recent",
            ),
            models.Index(
                fields=["brand", "assignee", "status", "-last_activity_at", "-id"],
                name="inbox_thread_assignee_recent",
            ),
            models.Index(fields=["-last_activity_at", "-id"], name="inbox_thread_recent"),
        ]

    def __str__(self) -> str:
        return self.last_text[:60] or self.key

    @property
    def is_late(self) -> bool:
        return self.sla_due_at is not None and self.sla_due_at < timezone.now()
