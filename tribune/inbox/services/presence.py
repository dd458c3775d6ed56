"""Who else is on a thread right now ("Camille is replying")."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tribune.accounts.models import User
from tribune.inbox import conf
from tribune.inbox.models import Presence, Thread


def do_touch(thread: Thread, user: User, state: str) -> None:
    """Mark ``user`` as viewing or replying now (one row per person and thread)."""
    if state not in Presence.State.values:
        state = Presence.State.VIEWING
    now = timezone.now()
    updated = Presence.objects.filter(thread=thread, user=user).update(state=state, seen_at=now)
    if not updated:
        try:
            with transaction.atomic():
                Presence.objects.create(
                    brand_id=thread.brand_id, thread=thread, user=user, state=state, seen_at=now
                )
        except IntegrityError:  # the same person's other tab was faster
            Presence.objects.filter(thread=thread, user=user).update(state=state, seen_at=now)


def do_leave(thread: Thread, user: User) -> None:
    Presence.objects.filter(thread=thread, user=user).delete()


def others(thread: Thread, user: User) -> list[Presence]:
    """Everyone else seen on the thread within the TTL, replying first."""
    since = timezone.now() - timedelta(seconds=conf.presence_ttl())
    rows = (
        Presence.objects.filter(thread=thread, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
    )
    return sorted(rows, key=lambda p: (p.state != Presence.State.REPLYING, p.user.display_name))
