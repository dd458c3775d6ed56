"""Community jobs: sync members from inbox/listening/network events, score, suggest
merges, deliver briefings whose embargo has passed, attribute shares.

Tasks take ids, reload rows and enter the brand's scope (docs/architecture.md)."""

from __future__ import annotations

import logging

from django.tasks import task

from tribune.core.scope import brand_scope, unscoped
from tribune.worker.periodic import periodic

logger = logging.getLogger(__name__)


def _brand_ids() -> list[int]:
    from tribune.accounts.models import Brand

    with unscoped():
        return list(Brand.objects.values_list("id", flat=True))


@task()
def refresh_brand(brand_id: int) -> dict[str, int]:
    from tribune.accounts.models import Brand
    from tribune.community.services.briefings import attribute_shares
    from tribune.community.services.members import sync_brand
    from tribune.community.services.merge import refresh_suggestions
    from tribune.community.services.scores import score_brand

    brand = Brand.objects.filter(pk=brand_id).first()
    if brand is None:
        return {}
    with brand_scope(brand):
        counts = sync_brand(brand)
        counts.update(attribute_shares(brand))
        counts["scored"] = score_brand(brand)
        counts["suggestions"] = refresh_suggestions(brand)
    return counts


@periodic("community.refresh", every=900)
@task()
def refresh_all() -> int:
    ids = _brand_ids()
    for brand_id in ids:
        refresh_brand.enqueue(brand_id)
    return len(ids)


@periodic("community.briefings", every=60)
@task()
def deliver_briefings() -> int:
    """Briefings go out within a minute after their embargo, never before."""
    from django.utils import timezone

    from tribune.accounts.models import Brand
    from tribune.community.models import Briefing
    from tribune.community.services.briefings import deliver_due

    with unscoped():
        due = set(
            Briefing.objects.filter(
                status=Briefing.Status.SCHEDULED, embargo_until__lte=timezone.now()
            ).values_list("brand_id", flat=True)
        )
    sent = 0
    for brand in Brand.objects.filter(pk__in=due):
        with brand_scope(brand):
            sent += deliver_due(brand)
    return sent


@periodic("community.reminders", every=900)
@task()
def send_reminders() -> int:
    """Email the brand's community managers the outreach reminders that fell due."""
    from tribune.accounts.models import Brand
    from tribune.community.services.outreach import send_due_reminders

    sent = 0
    for brand in Brand.objects.all():
        with brand_scope(brand):
            sent += send_due_reminders(brand)
    return sent
