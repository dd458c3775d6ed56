"""Objectives (image, notoriety, business) and the KPIs that measure them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Objective(models.Model):
    class Kind(models.TextChoices):
        # The three families of social-media objectives (seed article 003).
        IMAGE = "image", _("Image")
        NOTORIETY = "notoriety", _("Notoriety")
        BUSINESS = "business", _("Business")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        MISSED = "missed", _("Missed")
        ABANDONED = "abandoned", _("Abandoned")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Kpi(models.Model):
    """A number to reach on a metric over a period of local dates (the brand's time zone).

    ``network`` empty means every network; ``account`` narrows to one account. The value
    comes from the metric provider registered in ``tribune.strategy.kpis``.
    """

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="kpis")
    metric = models.CharField(_("metric"), max_length=50)
    label = models.CharField(_("label"), max_length=200, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    network = models.CharField(_("network"), max_length=30, blank=True)
    account = models.ForeignKey(
        "networks.SocialAccount",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["period_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="kpi_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.label or self.metric
