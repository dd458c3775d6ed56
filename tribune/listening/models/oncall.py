"""Who is paged for a brand's alerts, when, and where the webhook goes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tribune.core.crypto import EncryptedJSONField
from tribune.core.scope import BrandScopedManager


class OnCallSchedule(models.Model):
    brand = models.OneToOneField("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    escalate_after_minutes = models.PositiveIntegerField(_("escalate after (minutes)"), default=15)
    webhook_url = models.URLField(_("webhook address"), max_length=1000, blank=True)
    # Fernet ciphertext (tribune.core.crypto); signs the webhook body with HMAC-SHA256.
    webhook_secret_encrypted = models.TextField(blank=True)
    # Chat: one bot account per brand on the brand's own Matrix homeserver / XMPP server.
    # Secrets (Matrix access token, XMPP password) are encrypted at rest in chat_secrets.
    matrix_homeserver = models.URLField(_("Matrix homeserver"), max_length=500, blank=True)
    matrix_user_id = models.CharField(_("Matrix bot account"), max_length=255, blank=True)
    xmpp_jid = models.CharField(_("XMPP bot address"), max_length=255, blank=True)
    xmpp_host = models.CharField(_("XMPP server"), max_length=255, blank=True)
    xmpp_port = models.PositiveIntegerField(_("XMPP port"), default=5222)
    chat_secrets = EncryptedJSONField(default=dict, blank=True)
    # The daily digest (non-urgent): sent at digest_hour in the brand's time zone, held
    # back during quiet hours (quiet_start → quiet_end, overnight allowed).
    digest_enabled = models.BooleanField(_("daily digest"), default=True)
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=8)
    quiet_start_hour = models.PositiveSmallIntegerField(_("quiet hours from"), default=21)
    quiet_end_hour = models.PositiveSmallIntegerField(_("quiet hours until"), default=7)
    digest_last_sent_on = models.DateField(null=True, blank=True)

    objects = BrandScopedManager()

    def __str__(self) -> str:
        return f"on-call {self.brand_id}"


class OnCallPerson(models.Model):
    """One person in the order; reachable from ``start_hour`` to ``end_hour`` (local time
    in ``tz``; end before start means overnight) on ``weekdays`` (0 = Monday)."""

    brand = models.ForeignKey("accounts.Brand", on_delete=models.CASCADE, related_name="+")
    schedule = models.ForeignKey(OnCallSchedule, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    tz = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    start_hour = models.PositiveSmallIntegerField(default=0)
    end_hour = models.PositiveSmallIntegerField(default=24)
    weekdays = models.JSONField(default=list, blank=True)  # empty = every day
    # Chat addresses: a Matrix room id (!room:server) or user id (@user:server, paged in a
    # direct room Tribune's bot creates once and remembers in matrix_room_id), a JID.
    matrix_target = models.CharField(_("Matrix room or user"), max_length=255, blank=True)
    matrix_room_id = models.CharField(max_length=255, blank=True)
    xmpp_jid = models.CharField(_("XMPP address"), max_length=255, blank=True)

    objects = BrandScopedManager()

    class Meta:
        ordering = ["position", "pk"]
