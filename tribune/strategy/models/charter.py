"""The social charter: one row per version, never edited in place."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules import CharterRules


class CharterVersion(models.Model):
    """A brand's charter as it stood from ``created_at``: the readable document (what the
    SMM wrote, and its sanitised HTML) and the machine-checked rules (``CharterRules``
    JSON). The current charter is the version with the highest number."""

    brand = models.ForeignKey(
        "accounts.Brand", on_delete=models.CASCADE, related_name="charter_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    document_source = models.TextField(_("charter text"), blank=True)
    document_html = models.TextField(blank=True)  # rendered from the source, nh3-sanitised
    rules = models.JSONField(default=dict)  # CharterRules.to_dict()
    business_hours = models.JSONField(default=dict)  # BusinessHours.to_dict()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "number"], name="uniq_charter_version")
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} v{self.number}"

    def charter_rules(self) -> CharterRules:
        """The rules; raises ``RulesError`` (a ValueError) if the stored JSON is invalid."""
        return CharterRules.from_dict(self.rules)

    def hours(self) -> BusinessHours:
        return BusinessHours.from_dict(self.business_hours)
