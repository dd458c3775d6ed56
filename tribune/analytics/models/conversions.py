"""Conversion goals (per campaign), the signed endpoint's secret, recorded conversions."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.crypto import EncryptedJSONField
from tribune.core.scope import BrandScopedManager


class ConversionGoal(models.Model):
    """Something a campaign wants people to do off the network: register, sign up …"""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        "strategy.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("The name your site sends, e.g. event-registration."),
    )
    name = models.CharField(_("name"), max_length=200)
    target = models.PositiveIntegerField(_("target"), null=True, blank=True)
    value = models.DecimalField(
        _("value of one conversion"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    window_days = models.PositiveSmallIntegerField(
        _("attribution window (days)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("A conversion counts for the last tracked click made this many days before."),
    )
    pixel_enabled = models.BooleanField(_("accept the tracking pixel"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "key"], name="analytics_uniq_goal_key")
        ]

    def __str__(self) -> str:
        return self.name


class ConversionEndpoint(models.Model):
    """A brand's public endpoint id and its HMAC secret (encrypted at rest)."""

    brand = models.OneToOneField("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=32, unique=True)
    secrets = EncryptedJSONField(default=dict)  # {"hmac": "…"}
    rotated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()


class Conversion(models.Model):
    class Source(models.TextChoices):
        API = "api", _("Signed endpoint")
        PIXEL = "pixel", _("Tracking pixel")
        CSV = "csv", _("CSV import")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(ConversionGoal, on_delete=models.CASCADE, related_name="conversions")
    idempotency_key = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    reference = models.CharField(max_length=200, blank=True)  # the site's own id, if any
    # Attribution: the last tracked click within the goal's window (None = unattributed).
    click = models.ForeignKey(
        "publishing.LinkClick", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link = models.ForeignKey(
        "publishing.TrackedLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    variant = models.ForeignKey(
        "publishing.Variant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(
        "networks.SocialAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    utm_campaign = models.CharField(max_length=100, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "idempotency_key"], name="analytics_uniq_conversion_key"
            )
        ]
        indexes = [models.Index(fields=["brand", "occurred_at"], name="analytics_conv_brand_at")]
