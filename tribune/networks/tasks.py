"""Periodic collection of account-level metrics from every connected account."""

from __future__ import annotations

import logging

from django.tasks import task

from tribune.core.scope import brand_scope, unscoped
from tribune.networks.base import AuthExpired, NetworkError
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.worker.periodic import periodic

logger = logging.getLogger(__name__)


@task()
def snapshot_account(account_id: int) -> bool:
    with unscoped():
        account = SocialAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None or account.status != SocialAccount.Status.ACTIVE:
        return False
    with brand_scope(account.brand):
        try:
            metrics = account.connector().fetch_account_metrics()
        except AuthExpired as exc:
            SocialAccount.objects.filter(pk=account.pk).update(
                status=SocialAccount.Status.NEEDS_REAUTH, last_error=exc.message
            )
            return False
        except NetworkError as exc:
            logger.warning("Metrics of %s failed: %s", account, exc.message)
            SocialAccount.objects.filter(pk=account.pk).update(last_error=exc.message)
            return False
        AccountSnapshot.objects.create(
            account=account,
            brand=account.brand,
            at=metrics.at,
            followers=metrics.followers,
            following=metrics.following,
            posts=metrics.posts,
        )
    return True


@periodic("networks.snapshot_accounts", every=3600)
@task()
def snapshot_all_accounts() -> int:
    with unscoped():
        ids = list(
            SocialAccount.objects.filter(status=SocialAccount.Status.ACTIVE).values_list(
                "id", flat=True
            )
        )
    for account_id in ids:
        snapshot_account.enqueue(account_id)
    return len(ids)
