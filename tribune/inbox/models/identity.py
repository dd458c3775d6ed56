"""People who write to a brand, as one network knows them.

Kept minimal on purpose: the community package builds the member CRM (merging one
person's identities across networks) on top of these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager
from tribune.inbox import conf


class Identity(models.Model):
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    network = models.CharField(_("network"), max_length=30)
    remote_id = models.CharField(max_length=300)
    handle = models.CharField(_("handle"), max_length=200)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    followers = models.PositiveIntegerField(_("followers"), null=True, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    lang = models.CharField(max_length=8, blank=True)
    # Tribune's own block list for this brand: moderation rules can act on it. Blocking on
    # the network itself happens only where the connector can do it.
    blocked = models.BooleanField(_("blocked"), default=False)
    blocked_at = models.DateTimeField(null=True, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_count = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    objects = BrandScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "remote_id"], name="inbox_uniq_identity"
            )
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    @property
    def name(self) -> str:
        return self.display_name or self.handle

    @property
    def is_vip(self) -> bool:
        return (self.followers or 0) >= conf.vip_followers()
