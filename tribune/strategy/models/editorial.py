"""Editorial line, content pillars, audience personas and the platform mix."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class EditorialLine(models.Model):
    """One per brand: the tone and subjects the brand speaks about (Markdown-lite text)."""

    brand = models.OneToOneField("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("editorial line"), blank=True)
    html = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()


class ContentPillar(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    share_target = models.PositiveSmallIntegerField(
        _("share of posts (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-share_target", "name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="uniq_pillar_name")]

    def __str__(self) -> str:
        return self.name


class Persona(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlatformChoice(models.Model):
    """One network in the brand's platform mix: why it is there and how much effort."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=30)
    purpose = models.CharField(_("role in the mix"), max_length=300, blank=True)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    effort_share = models.PositiveSmallIntegerField(
        _("share of effort (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-effort_share", "network"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "network"], name="uniq_platform_per_brand")
        ]
