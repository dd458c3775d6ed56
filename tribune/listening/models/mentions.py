"""Mentions found by listening, and which queries each one matched."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Mention(models.Model):
    """One post or article. ``key`` is the canonical URL or the network's id: the same
    item seen twice (two feeds, a re-fetch) is stored once per brand; ``text_hash`` (the
    normalised text's SHA-1) catches copies under another address."""

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        NEUTRAL = "neutral", _("Neutral")
        POSITIVE = "positive", _("Positive")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        "listening.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    network = models.CharField(max_length=30)  # "web" for feeds, "sandbox", …
    key = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    author = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    text_hash = models.CharField(max_length=40)
    published_at = models.DateTimeField(db_index=True)
    fetched_at = models.DateTimeField()
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices, default="neutral")
    toxicity = models.FloatField(default=0.0)
    reach = models.PositiveIntegerField(default=0)  # estimated audience of the author
    # Which analysis produced language/sentiment/toxicity: "lexicon" at ingest (fast),
    # "model" once the refine job has re-read it with the trained model (services/refine.py).
    analysis_engine = models.CharField(max_length=10, blank=True)
    queries = models.ManyToManyField(
        "listening.Query", through="listening.MentionMatch", related_name="mentions"
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "key"], name="listening_uniq_mention_key")
        ]
        indexes = [
            models.Index(fields=["brand", "text_hash"]),
            models.Index(fields=["analysis_engine", "fetched_at"], name="listening_refine_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class MentionMatch(models.Model):
    """A mention matched by a query, with the columns detection counts by (no join)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey("listening.Query", on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey("listening.Mention", on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    negative = models.BooleanField(default=False)
    keyword = models.BooleanField(default=False)  # holds a crisis word (see detector.py)
    influential = models.BooleanField(default=False)  # negative/toxic, author above reach

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query", "mention"], name="listening_uniq_match")
        ]
        indexes = [models.Index(fields=["query", "published_at"])]
