"""The CM → SMM periodic report, its comments, and the SMM's decision log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class CmReport(models.Model):
    """A report over one period of local dates (a week by default). ``data`` is the
    figures as they were when it was generated, so a report never changes afterwards."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Sent to the strategist")
        REVIEWED = "reviewed", _("Reviewed")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))  # inclusive: the Sunday of a weekly report
    data = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(  # None: the scheduler
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "cadence", "period_start"], name="uniq_report_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"


class ReportComment(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(CmReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["created_at", "id"]


class Decision(models.Model):
    """What the SMM decided, usually on reading a report; the brand's decision log."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        CmReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    network = models.CharField(_("network"), max_length=30, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
