"""Report templates chosen by the strategist, logos, and the reports already sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class ReportTemplate(models.Model):
    class Frequency(models.TextChoices):
        NONE = "", _("On demand only")
        WEEKLY = "weekly", _("Every week (Monday morning, the week before)")
        MONTHLY = "monthly", _("Every month (the 1st, the month before)")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)  # keys of reports.SECTIONS
    language = models.CharField(
        _("language"), max_length=8, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    frequency = models.CharField(
        _("sent automatically"), max_length=10, choices=Frequency.choices, blank=True
    )
    recipients = models.TextField(
        _("recipients"), blank=True, help_text=_("Email addresses, one per line.")
    )
    intro = models.TextField(_("introduction"), blank=True)
    client_logo = models.ImageField(_("client logo"), upload_to="analytics/logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class AgencyBranding(models.Model):
    """The agency's (workspace's) logo printed on every report of its brands."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    logo = models.ImageField(_("agency logo"), upload_to="analytics/logos/", blank=True)


class ReportRun(models.Model):
    """A scheduled report sent for one period: the unique key makes sending once-only."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(ReportTemplate, on_delete=models.CASCADE, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()
    sent_at = models.DateTimeField(null=True)
    recipients = models.JSONField(default=list)
    error = models.TextField(blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "period_start"], name="analytics_uniq_report_period"
            )
        ]
