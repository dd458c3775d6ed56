"""Who is paged for a brand's alerts, when, and where the webhook goes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class OnCallSchedule(models.Model):
    brand = models.OneToOneField("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    escalate_after_minutes = models.PositiveIntegerField(_("escalate after (minutes)"), default=15)
    webhook_url = models.URLField(_("webhook address"), max_length=1000, blank=True)
    # Fernet ciphertext (tribune.core.crypto); signs the webhook body with HMAC-SHA256.
    webhook_secret_encrypted = models.TextField(blank=True)

    objects = BrandScopedManager()

    def __str__(self) -> str:
        return f"on-call {self.brand_id}"


class OnCallPerson(models.Model):
    """One person in the order; reachable from ``start_hour`` to ``end_hour`` (local time
    in ``tz``; end before start means overnight) on ``weekdays`` (0 = Monday)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    tz = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    start_hour = models.PositiveSmallIntegerField(default=0)
    end_hour = models.PositiveSmallIntegerField(default=24)
    weekdays = models.JSONField(default=list, blank=True)  # empty = every day

    objects = BrandScopedManager()

    class Meta:
        ordering = ["position", "pk"]
