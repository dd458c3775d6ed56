"""Services on social accounts."""

from __future__ import annotations

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
