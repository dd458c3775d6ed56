"""Internal notes on a thread, and the brand's saved replies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Note(models.Model):
    """Seen by the team only, never sent to the network."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("inbox.Thread", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["created_at", "id"]


class SavedReply(models.Model):
    """A ready answer. ``{name}`` becomes the author's name and ``{brand}`` the brand's."""

    class Language(models.TextChoices):
        FR = "fr", _("French")
        EN = "en", _("English")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "title", "language"], name="inbox_uniq_saved_reply"
            )
        ]

    def __str__(self) -> str:
        return self.title
