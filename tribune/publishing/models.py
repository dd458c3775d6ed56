"""Posts, their per-account variants, every publish attempt, review comments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")


class Repeat(models.TextChoices):
    NONE = "", _("Once")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class Post(models.Model):
    """One piece of content, published on one or several accounts (one variant each)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("internal title"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT)
    scheduled_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    sponsored = models.BooleanField(_("sponsored content"), default=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    repeat = models.CharField(_("repeat"), max_length=10, choices=Repeat.choices, blank=True)
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    repeat_at_local = models.TimeField(null=True, blank=True)  # wall-clock time of a repeat
    series = models.UUIDField(default=uuid.uuid4, db_index=True)  # occurrences of a repeat
    evergreen_days = models.PositiveSmallIntegerField(
        _("publish again every (days)"), null=True, blank=True
    )
    ab_group = models.UUIDField(null=True, blank=True, db_index=True)  # an A/B test's posts
    ab_label = models.CharField(max_length=1, blank=True)  # "A" or "B"
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["brand", "status", "scheduled_at"])]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class Variant(models.Model):
    """The post as it goes to one account. The unit the publisher works on."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="variants"
    )
    text = models.TextField(_("text for this account"), blank=True)  # empty = the post's text
    first_comment = models.TextField(_("first comment"), blank=True)
    thread = models.JSONField(default=list, blank=True)  # further posts of a thread
    rendered_text = models.TextField(blank=True)  # as sent: links replaced by tracked ones
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)  # next try (UTC)
    claimed_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)
    needs_reconcile = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    follow_up_ids = models.JSONField(default=list, blank=True)  # thread / first comment ids
    last_error = models.TextField(blank=True)

    objects = BrandScopedManager()

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["post", "account"], name="uniq_variant_account")
        ]

    @property
    def body(self) -> str:
        return self.text or self.post.text

    @property
    def outgoing_text(self) -> str:
        return self.rendered_text or self.body


class Attempt(models.Model):
    """One call to a network. Written before calling out, completed after (never lost)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In progress")
        SUCCESS = "success", _("Published")
        RECONCILED = "reconciled", _("Found already published")
        RATE_LIMITED = "rate_limited", _("Rate limited")
        AUTH_EXPIRED = "auth_expired", _("Access expired")
        REJECTED = "rejected", _("Refused by the network")
        UNAVAILABLE = "unavailable", _("Network unavailable")
        UNKNOWN = "unknown", _("Outcome unknown")
        CRASHED = "crashed", _("Interrupted")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="attempt_log")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    worker_id = models.CharField(max_length=100, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["started_at", "id"]


class ReviewComment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField()
    requests_changes = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["created_at"]


class Notification(models.Model):
    """In-app notice for one person (also emailed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    text = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]


class TrackedLink(models.Model):
    """A short link served by Tribune (``/l/<code>``) that counts clicks, then redirects."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    target_url = models.URLField(max_length=2000)
    original_url = models.URLField(max_length=2000)
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    network = models.CharField(max_length=30, blank=True)
    campaign = models.CharField(max_length=100, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()


class LinkClick(models.Model):
    """One click. No IP address is stored; the user agent is reduced to a class."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="click_log")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    referrer_host = models.CharField(max_length=200, blank=True)
    agent = models.CharField(max_length=10)  # mobile | desktop | bot | other

    objects = BrandScopedManager()


class PostMetricSnapshot(models.Model):
    """A published variant's numbers as the network reported them at one moment."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="metrics")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    likes = models.PositiveIntegerField(null=True)
    replies = models.PositiveIntegerField(null=True)
    reposts = models.PositiveIntegerField(null=True)
    quotes = models.PositiveIntegerField(null=True)
    impressions = models.PositiveIntegerField(null=True)
    link_clicks = models.PositiveIntegerField(null=True)  # the network's own count, if any
    # None: the network does not give the number for this post (never an invented 0).
    saves = models.PositiveIntegerField(null=True)
    video_views = models.PositiveIntegerField(null=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["variant", "at"])]

    @property
    def engagement(self) -> int | None:
        parts = [self.likes, self.replies, self.reposts, self.quotes]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None


def _media_path(instance: MediaFile, filename: str) -> str:
    return f"brands/{instance.brand_id}/media/{uuid.uuid4().hex}{filename[-5:]}"


class MediaFile(models.Model):
    """An image attached to a post, already validated and re-encoded (no EXIF), or one
    video, checked (container, duration, size) but stored as uploaded."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=_media_path)
    mime_type = models.CharField(max_length=50)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    alt_text = models.TextField(_("description for people who cannot see the image"))
    position = models.PositiveSmallIntegerField(default=0)
    duration = models.FloatField(null=True, blank=True)  # seconds; videos only
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["position", "id"]

    @property
    def is_video(self) -> bool:
        return self.mime_type.startswith("video/")


class QueueSlot(models.Model):
    """A recurring publication slot of an account, in the brand's local time."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        "networks.SocialAccount", on_delete=models.CASCADE, related_name="queue_slots"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    time = models.TimeField()

    objects = BrandScopedManager()

    class Meta:
        ordering = ["weekday", "time"]
        constraints = [
            models.UniqueConstraint(fields=["account", "weekday", "time"], name="uniq_slot")
        ]


class LinkServerBeat(models.Model):
    """One row per running ``tribune linkserver`` process, written by its flusher every
    few seconds (installation-wide, like the workers' heartbeats): ``/metrics`` reads them
    to show clicks waiting to be written and a flusher that stopped writing."""

    server_id = models.CharField(max_length=100, unique=True)  # host/journal owner
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)  # the last write that reached the database
    clicks_written = models.BigIntegerField(default=0)  # since the process started
    clicks_buffered = models.PositiveIntegerField(default=0)  # journaled, not yet written
