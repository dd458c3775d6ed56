"""Public competitor accounts a brand follows, and their figures over time."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager
from tribune.networks.registry import network_choices


class Competitor(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    network = models.CharField(_("network"), max_length=30, choices=network_choices())
    handle = models.CharField(_("public handle"), max_length=200)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "handle"], name="analytics_uniq_competitor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"


class CompetitorSnapshot(models.Model):
    """Public figures at one moment. ``engagement_rate`` is interactions per follower of
    the recent public posts (no impressions are public), in percent; None = unknown."""

    class Source(models.TextChoices):
        CONNECTOR = "connector", _("Collected from the network")
        MANUAL = "manual", _("Typed in")

    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="snapshots")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    followers = models.PositiveIntegerField(null=True)
    posts_total = models.PositiveIntegerField(null=True)
    posts_last_30d = models.PositiveIntegerField(null=True)
    engagement_rate = models.FloatField(null=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CONNECTOR)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["competitor", "at"], name="analytics_comp_at")]
