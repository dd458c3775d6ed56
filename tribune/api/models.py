"""What the public API keeps between requests: rate-limit windows and idempotent answers.

Both live in the database so that every web process sees the same numbers.
"""

from __future__ import annotations

from django.db import models


class RateWindow(models.Model):
    """Requests of one token in one fixed window (``window`` = epoch seconds // length)."""

    token = models.ForeignKey("accounts.ApiToken", on_delete=models.CASCADE, related_name="+")
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window"], name="api_uniq_rate_window")
        ]


class IdempotentRequest(models.Model):
    """The first answer to a create sent with an ``Idempotency-Key``, replayed on retries."""

    token = models.ForeignKey("accounts.ApiToken", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="api_uniq_idempotency_key")
        ]
