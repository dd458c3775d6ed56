"""Listening queries: a named boolean expression (see ``tribune/listening/querylang.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Query(models.Model):
    class Kind(models.TextChoices):
        BRAND = "brand", _("Brand")
        PRODUCT = "product", _("Product")
        COMPETITOR = "competitor", _("Competitor")
        HASHTAG = "hashtag", _("Hashtag")
        PERSON = "person", _("Person")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BRAND)
    expression = models.TextField(_("expression"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="listening_uniq_query_name")
        ]

    def __str__(self) -> str:
        return self.name
