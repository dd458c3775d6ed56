"""Keep every sandbox audience simulated up to the present."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from tribune.networks.sandbox.models import Clock
from tribune.networks.sandbox.simulator import advance
from tribune.worker.periodic import periodic


@periodic("sandbox.advance", every=300)
@task(queue_name="default")
def advance_all() -> int:
    hours = 0
    for clock in Clock.objects.select_related("profile"):
        hours += advance(clock.profile, timezone.now())
    return hours


@task()
def advance_one(profile_id: int) -> int:
    from tribune.networks.sandbox.models import Profile

    profile = Profile.objects.filter(pk=profile_id).first()
    return advance(profile, timezone.now()) if profile else 0
