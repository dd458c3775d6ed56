"""Login rate limiting, stored in the database so every web process shares it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tribune.accounts.models import LoginAttempt


def _keys(email: str, ip: str) -> list[str]:
    # Both per account (slow password guessing from many IPs) and per address.
    return [f"email:{email.strip().lower()}", f"ip:{ip}"]


def login_blocked_for(email: str, ip: str) -> int:
    """Seconds until another attempt is allowed; 0 when allowed now."""
    window = timedelta(seconds=settings.TRIBUNE_LOGIN_WINDOW_SECONDS)
    since = timezone.now() - window
    worst = 0
    for key in _keys(email, ip):
        limit = settings.TRIBUNE_LOGIN_MAX_FAILURES * (4 if key.startswith("ip:") else 1)
        recent = LoginAttempt.objects.filter(key=key, created_at__gte=since).order_by("created_at")
        if recent.count() >= limit:
            oldest = recent.values_list("created_at", flat=True)[0]
            worst = max(worst, int((oldest + window - timezone.now()).total_seconds()) + 1)
    return worst


def record_login_failure(email: str, ip: str) -> None:
    LoginAttempt.objects.bulk_create([LoginAttempt(key=k) for k in _keys(email, ip)])


def clear_login_failures(email: str) -> None:
    LoginAttempt.objects.filter(key=_keys(email, "")[0]).delete()
    LoginAttempt.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=settings.TRIBUNE_LOGIN_WINDOW_SECONDS)
    ).delete()
