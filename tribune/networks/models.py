"""Social accounts a brand has connected. Credentials are encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.crypto import EncryptedJSONField
from tribune.core.scope import BrandScopedManager
from tribune.networks.base import Connector, Credentials
from tribune.networks.registry import get_connector, network_choices


class SocialAccount(models.Model):
    class Kind(models.TextChoices):
        BRAND = "brand", _("Brand account")
        PERSONA = "persona", _("Persona (a CM speaking in their own name)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        NEEDS_REAUTH = "needs_reauth", _("Needs reconnection")
        DISABLED = "disabled", _("Disabled")

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="accounts")
    network = models.CharField(_("network"), max_length=30, choices=network_choices())
    handle = models.CharField(_("handle"), max_length=200)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)
    base_url = models.URLField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BRAND)
    persona_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    credentials = EncryptedJSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_error = models.TextField(blank=True)
    inbound_cursor = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "network", "handle"], name="uniq_account_per_brand"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} · {self.handle}"

    @property
    def is_sandbox(self) -> bool:
        return self.network == "sandbox"

    def to_credentials(self) -> Credentials:
        return Credentials(
            handle=self.handle,
            secrets=dict(self.credentials),
            base_url=self.base_url,
            remote_id=self.remote_id,
        )

    def connector(self) -> Connector:
        return get_connector(self.network, self.to_credentials())


class AccountSnapshot(models.Model):
    """Account-level numbers as the network reported them at one moment."""

    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="snapshots")
    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    followers = models.PositiveIntegerField(null=True)
    following = models.PositiveIntegerField(null=True)
    posts = models.PositiveIntegerField(null=True)

    objects = BrandScopedManager()

    class Meta:
        indexes = [models.Index(fields=["account", "-at"])]
        ordering = ["at"]


class MastodonApp(models.Model):
    """Tribune's OAuth application on one Mastodon instance (registered on first use)."""

    instance_url = models.URLField(unique=True)
    client_id = models.CharField(max_length=200)
    secrets = EncryptedJSONField(default=dict)  # {"client_secret": …}
    created_at = models.DateTimeField(auto_now_add=True)


class NetworkApp(models.Model):
    """A workspace's own OAuth application on a network (X, LinkedIn, Google, Meta).

    Without one, the application from the settings (``TRIBUNE_X_CLIENT_ID`` …) is used.
    Not brand data: it belongs to the workspace and only its administrators edit it."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="network_apps"
    )
    provider = models.CharField(max_length=20)  # "x", "linkedin", "google", "meta"
    client_id = models.CharField(max_length=200)
    secrets = EncryptedJSONField(default=dict)  # {"client_secret": …}
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "provider"], name="uniq_app_per_provider")
        ]
