from datetime import timedelta

import pytest
from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.networks.sandbox import simulator
from tribune.networks.sandbox.models import Profile
from tribune.networks.services import do_connect_sandbox_account


@pytest.fixture
def accounts(tenants, django_capture_on_commit_callbacks):
    """Two sandbox accounts on brand Alpha (a French and an English one)."""
    with brand_scope(tenants.brand_a):
        fr = do_connect_sandbox_account(
            tenants.brand_a, "alpha.sandbox", "Alpha", "fr", tenants.owner
        )
        en = do_connect_sandbox_account(
            tenants.brand_a, "alpha-en.sandbox", "Alpha EN", "en", tenants.owner
        )
    return fr, en


def set_faults(handle: str, *faults: str) -> None:
    Profile.objects.filter(handle=handle).update(faults=list(faults))


def sandbox_posts(handle: str):
    from tribune.networks.sandbox.models import Post as NetworkPost

    return NetworkPost.objects.filter(author__handle=handle, deleted_at__isnull=True)


def simulate_audience(handle: str, hours: int = 6) -> None:
    profile = Profile.objects.get(handle=handle)
    simulator.advance(profile, timezone.now() + timedelta(hours=hours))
