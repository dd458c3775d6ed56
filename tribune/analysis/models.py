"""Human corrections of the analysis, and the per-brand model versions trained on them.

Both tables are brand data (``BrandScopedManager``). A model version stores its heads
as an ``.npz`` blob in the database, not as files: every web and worker machine of a
deployment reads the same database, so a version trained on one machine is usable on
all of them, and rolling back is one row update.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Task(models.TextChoices):
    SENTIMENT = "sentiment", _("Sentiment")
    TOXICITY = "toxicity", _("Toxicity")


LABELS = {
    Task.SENTIMENT: ("negative", "neutral", "positive"),
    Task.TOXICITY: ("non-toxic", "toxic"),
}


class Correction(models.Model):
    """Someone said the analysis of a post was wrong ("ce n'est pas négatif")."""

    class Source(models.TextChoices):
        INBOX = "inbox", _("Inbox message")
        LISTENING = "listening", _("Listening mention")
        MANUAL = "manual", _("Entered by hand")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    task = models.CharField(_("field"), max_length=10, choices=Task.choices)
    # The text is copied: training must still work after the message is deleted.
    text = models.TextField(_("text"))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    old_label = models.CharField(_("previous label"), max_length=10, blank=True)
    new_label = models.CharField(_("correct label"), max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "task", "created_at"], name="analysis_corr_brand")]

    def __str__(self) -> str:
        return f"{self.task}: {self.old_label or '?'} → {self.new_label}"


class BrandModel(models.Model):
    """One trained version of a brand's heads; at most one is active per brand."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    active = models.BooleanField(default=False)
    # Encoder and feature blocks the heads were trained on; a version whose encoder no
    # longer matches the installed default model is ignored (analysis falls back).
    encoder_key = models.CharField(max_length=100)
    features = models.CharField(max_length=100)
    heads = models.BinaryField()  # npz: sentiment__* and toxicity__* arrays
    manifest = models.JSONField(default=dict)  # base model, settings, counts
    metrics = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "version"], name="analysis_model_version"),
            models.UniqueConstraint(
                fields=["brand"], condition=Q(active=True), name="analysis_one_active_model"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"
