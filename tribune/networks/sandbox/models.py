"""The sandbox network's own server-side state.

These tables play the part of a remote network: Tribune's other packages never query
them directly, only through ``SandboxConnector`` — exactly as they would talk to Bluesky.
"""

from __future__ import annotations

import uuid

from django.db import models


class Profile(models.Model):
    handle = models.CharField(max_length=100, unique=True)
    display_name = models.CharField(max_length=200)
    lang = models.CharField(max_length=8, default="fr")
    bio = models.TextField(blank=True)
    is_brand = models.BooleanField(default=False)
    base_followers = models.PositiveIntegerField(default=0)  # followers outside the simulation
    influence = models.FloatField(default=0.0)  # 0..1, drives activity and audience size
    created_at = models.DateTimeField()
    # Faults the network will inject in the next calls (tests, demos of failure handling):
    # "rate_limit:SECONDS", "expire_token", "unavailable", "reject", "timeout_after_accept",
    # "hang_after_accept:SECONDS". Each is used once, in order.
    faults = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"@{self.handle}"


class Follow(models.Model):
    follower = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="following")
    followee = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="sandbox_uniq_follow")
        ]


class Post(models.Model):
    remote_id = models.UUIDField(default=uuid.uuid4, unique=True)
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField()
    lang = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(db_index=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=100, blank=True, db_index=True)
    media_count = models.PositiveSmallIntegerField(default=0)
    has_video = models.BooleanField(default=False)  # its video views are simulated
    deleted_at = models.DateTimeField(null=True, blank=True)
    likes = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    link_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["author", "created_at"])]


class Event(models.Model):
    """A notification for ``target``: someone mentioned, replied, liked, followed..."""

    KINDS = ["mention", "reply", "quote", "dm", "like", "repost", "follow"]
    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    actor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="events")
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["target", "id"])]


class Clock(models.Model):
    """How far the audience simulation has run for one brand profile."""

    profile = models.OneToOneField(Profile, on_delete=models.CASCADE, related_name="clock")
    seed = models.IntegerField(default=42)
    simulated_until = models.DateTimeField()
    brand_name = models.CharField(max_length=200, blank=True)
    products = models.JSONField(default=list)  # words the audience talks about
