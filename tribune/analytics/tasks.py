"""Analytics jobs: fold new raw rows into the rollups, send scheduled reports, collect
competitors' public figures."""

from __future__ import annotations

from django.tasks import task

from tribune.worker.periodic import periodic


@periodic("analytics.refresh", every=300)
@task()
def refresh_rollups() -> dict[str, int]:
    from tribune.analytics.rollups import refresh

    return refresh()


@periodic("analytics.send_reports", every=1800)
@task()
def send_scheduled_reports() -> int:
    from tribune.analytics.schedule import send_due

    return send_due()


@periodic("analytics.competitors", every=6 * 3600)
@task()
def collect_competitors() -> int:
    from tribune.analytics.competitors import collect_all

    return collect_all()
