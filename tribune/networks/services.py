"""Services on social accounts."""

from __future__ import annotations

import zlib

from django.db import transaction

from tribune.accounts.models import Brand, User
from tribune.core.audit import record_audit
from tribune.networks.base import Credentials
from tribune.networks.models import SocialAccount


@transaction.atomic
def do_connect_account(
    brand: Brand,
    network: str,
    credentials: Credentials,
    actor: User | None,
    display_name: str = "",
    kind: str = SocialAccount.Kind.BRAND,
    language: str = "",
) -> SocialAccount:
    account, _created = SocialAccount.objects.update_or_create(
        brand=brand,
        network=network,
        handle=credentials.handle,
        defaults={
            "display_name": display_name,
            "remote_id": credentials.remote_id,
            "base_url": credentials.base_url,
            "credentials": dict(credentials.secrets),
            "kind": kind,
            "language": language,
            "status": SocialAccount.Status.ACTIVE,
            "last_error": "",
        },
    )
    record_audit(
        "account.connected",
        actor=actor,
        brand=brand,
        obj=account,
        after={"network": network, "handle": credentials.handle},
    )
    return account


def do_store_refreshed_credentials(account: SocialAccount, new: Credentials) -> None:
    """Merge refreshed secrets. A refresh token is never replaced by an empty one."""
    merged = dict(account.credentials)
    for key, value in new.secrets.items():
        if value:
            merged[key] = value
    SocialAccount.objects.filter(pk=account.pk).update(
        credentials=merged,
        status=SocialAccount.Status.ACTIVE,
        last_error="",
    )
    account.credentials = merged


def do_connect_sandbox_account(
    brand: Brand, handle: str, display_name: str, language: str, actor: User | None
) -> SocialAccount:
    """Create the account on the sandbox network (with its simulated audience) and connect
    it to the brand. The audience starts a week in the past so there is something to see."""
    from datetime import timedelta

    from django.utils import timezone

    from tribune.networks.sandbox import simulator

    start = timezone.now() - timedelta(days=7)
    profile = simulator.ensure_brand_profile(
        handle,
        display_name,
        language,
        seed=zlib.crc32(handle.encode()) % 10_000,
        start=start,
        products=[display_name],
    )
    account = do_connect_account(
        brand,
        "sandbox",
        Credentials(handle=handle, remote_id=handle),
        actor,
        display_name=display_name,
        language=language,
    )
    from tribune.networks.sandbox.tasks import advance_one

    transaction.on_commit(lambda: advance_one.enqueue(profile.pk))
    return account


def check_sandbox_handle_free(handle: str) -> bool:
    """A sandbox handle belongs to one brand (it is one account on the network)."""
    from tribune.core.scope import unscoped
    from tribune.networks.sandbox.models import Profile

    with unscoped():
        taken = SocialAccount.objects.filter(network="sandbox", handle=handle).exists()
    return not taken and not Profile.objects.filter(handle=handle, is_brand=False).exists()
