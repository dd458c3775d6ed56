"""Where mentions come from: RSS/Atom feeds and the sandbox network, with their health."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import BrandScopedManager


class Source(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", _("RSS feed")
        ATOM = "atom", _("Atom feed")
        SANDBOX = "sandbox", _("Sandbox network")
        BLUESKY = "bluesky", _("Bluesky search")
        MASTODON_TAG = "mastodon_tag", _("Mastodon hashtag")
        MASTODON_PUBLIC = "mastodon_public", _("Mastodon public timeline")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RSS)
    name = models.CharField(_("name"), max_length=120, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    # Bluesky: the search terms; Mastodon hashtag: the tag (without #).
    search = models.CharField(_("search"), max_length=300, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Health: the backoff doubles with each consecutive failure (see services/sources.py).
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Conditional GET (RFC 9110 §13.1): sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Sandbox: the last audience post read, as (created_at, id) so ties are not skipped.
    cursor_at = models.DateTimeField(null=True, blank=True)
    cursor_id = models.BigIntegerField(default=0)
    # Networks: the newest item already read (Mastodon status id, Bluesky indexedAt).
    cursor = models.CharField(max_length=200, blank=True)
    last_item_at = models.DateTimeField(null=True, blank=True)  # lag = now - last item
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name or self.url or self.get_kind_display()

    @property
    def healthy(self) -> bool:
        return self.consecutive_failures == 0
