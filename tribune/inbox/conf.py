"""Inbox settings, from the environment (see docs/configuration.md conventions)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from tribune.core.env import env_int, env_str


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, env_int(name, default)))


def poll_seconds() -> int:
    """How often every active account is asked for new inbound items."""
    return _setting("TRIBUNE_INBOX_POLL_SECONDS", 60)


@functools.cache
def vip_followers() -> int:
    """An author with at least this many followers is a VIP (filter, rules). Read once per
    process: every row of the queue asks (forgotten when a test changes the setting)."""
    return _setting("TRIBUNE_INBOX_VIP_FOLLOWERS", 10_000)


@receiver(setting_changed)
def _forget(setting: str, **_kwargs: object) -> None:
    if setting == "TRIBUNE_INBOX_VIP_FOLLOWERS":
        vip_followers.cache_clear()


def presence_ttl() -> int:
    """Seconds a "viewing/replying" mark stays valid without being refreshed."""
    return _setting("TRIBUNE_INBOX_PRESENCE_TTL", 15)


def analysis_engine() -> str:
    """``auto`` (the trained model when present, else the lexicon), ``model`` or
    ``lexicon``."""
    value = getattr(settings, "TRIBUNE_INBOX_ANALYSIS", None) or env_str("TRIBUNE_INBOX_ANALYSIS")
    return str(value or "auto")


PAGE_SIZE = 50
MAX_PAGES_PER_POLL = 20  # 20 × 100 items; the rest waits for the next poll
