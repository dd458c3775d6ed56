"""Campaigns: dates, networks, budget (planned vs spent), tactics, pillars, goals.

The link to posts and tracked links is the ``utm_campaign`` value: publishing stamps it
on the links it tracks (``TrackedLink.campaign``), so analytics can count clicks and
conversions per campaign without a foreign key across packages. A nullable ``campaign``
foreign key on posts can be added by publishing later (see docs/strategy.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Campaign(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    networks = models.JSONField(_("networks"), default=list, blank=True)
    budget_planned = models.DecimalField(
        _("planned budget"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_spent = models.DecimalField(
        _("spent"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    tactics = models.TextField(_("tactics"), blank=True)
    utm_campaign = models.SlugField(
        _("utm_campaign of its links"),
        max_length=100,
        blank=True,
        help_text=_("The utm_campaign value tracked links of this campaign carry."),
    )
    pillars = models.ManyToManyField(
        "strategy.ContentPillar", verbose_name=_("content pillars"), blank=True, related_name="+"
    )
    objective = models.ForeignKey(
        "strategy.Objective",
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="campaign_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def budget_left(self) -> Decimal:
        return self.budget_planned - self.budget_spent


class CampaignGoal(models.Model):
    """A target the campaign must reach, e.g. 500 event registrations. ``achieved`` is
    typed in by a person until analytics measures conversions; None = not recorded."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="goals")
    label = models.CharField(_("goal"), max_length=200)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    achieved = models.DecimalField(
        _("achieved"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = BrandScopedManager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label
