"""Listening jobs: fetch due sources, detect anomalies and escalate, deliver alerts.

Tasks take ids, reload the row and enter its brand's scope (docs/architecture.md)."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from tribune.core.scope import brand_scope, unscoped
from tribune.worker.periodic import periodic

logger = logging.getLogger(__name__)


@task(queue_name="ingest")
def fetch_source(source_id: int) -> int:
    from tribune.listening.models import Source
    from tribune.listening.services.sources import do_fetch_source

    with unscoped():
        source = Source.objects.select_related("brand").filter(pk=source_id, enabled=True).first()
    if source is None:
        return 0
    with brand_scope(source.brand_id):
        return do_fetch_source(source).result.stored


@periodic("listening.fetch", every=60)
@task(queue_name="ingest")
def fetch_due() -> int:
    """Enqueue a fetch for every enabled source whose next fetch (backoff included) is due."""
    from django.db.models import Q

    from tribune.listening.models import Source

    now = timezone.now()
    with unscoped():
        ids = list(
            Source.objects.filter(enabled=True)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))
            .values_list("id", flat=True)
        )
    for source_id in ids:
        fetch_source.enqueue(source_id)
    return len(ids)


@periodic("listening.watch", every=60)
@task()
def watch() -> int:
    """Detect anomalies for every brand with queries, escalate unacknowledged alerts and
    retry failed deliveries."""
    from tribune.accounts.models import Brand
    from tribune.listening.models import Alert, AlertDelivery, Query
    from tribune.listening.services.delivery import escalate_due, retry_due
    from tribune.listening.services.detection import detect_brand

    now = timezone.now()
    with unscoped():
        brand_ids = set(Query.objects.filter(enabled=True).values_list("brand_id", flat=True))
        brand_ids |= set(
            Alert.objects.filter(status__in=Alert.OPEN).values_list("brand_id", flat=True)
        )
        brand_ids |= set(
            AlertDelivery.objects.filter(
                status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED],
                next_attempt_at__isnull=False,
            ).values_list("brand_id", flat=True)
        )
    touched = 0
    for brand in Brand.objects.filter(pk__in=brand_ids).select_related("workspace"):
        with brand_scope(brand):
            try:
                touched += len(detect_brand(brand, now))
                escalate_due(brand, now)
                retry_due(brand, now)
            except Exception:  # one brand's failure must not silence the others
                logger.exception("Listening watch failed for brand %s", brand.pk)
    return touched


@task(queue_name="alerts")
def deliver_alert(alert_id: int) -> int:
    from tribune.listening.models import Alert
    from tribune.listening.services.delivery import send_pending

    with unscoped():
        alert = Alert.objects.select_related("brand", "query").filter(pk=alert_id).first()
    if alert is None:
        return 0
    with brand_scope(alert.brand_id):
        return send_pending(alert)


@periodic("listening.refine", every=30)
@task(queue_name="ingest")
def refine() -> int:
    """Re-read freshly ingested mentions with the trained model (services/refine.py)."""
    from tribune.listening.services.refine import refine_for

    with unscoped():
        return refine_for()


@periodic("listening.digest", every=900)
@task()
def digest() -> int:
    """Send each brand's daily digest when its hour has come (services/digest.py)."""
    from tribune.accounts.models import Brand
    from tribune.listening.models import OnCallSchedule
    from tribune.listening.services.digest import send_digest_if_due

    now = timezone.now()
    with unscoped():
        brand_ids = list(
            OnCallSchedule.objects.filter(digest_enabled=True).values_list("brand_id", flat=True)
        )
    sent = 0
    for brand in Brand.objects.filter(pk__in=brand_ids).select_related("workspace"):
        with brand_scope(brand):
            try:
                sent += send_digest_if_due(brand, now)
            except Exception:  # one brand's failure must not stop the others
                logger.exception("Listening digest failed for brand %s", brand.pk)
    return sent
