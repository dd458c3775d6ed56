"""Analytics jobs: fold new raw rows into the rollups, send scheduled reports, collect
competitors' public figures."""

from __future__ import annotations

from django.tasks import task

from tribune.worker.periodic import periodic


@periodic("analytics.refresh", every=300)
@task()
def refresh_rollups() -> dict[str, int]:
    from tribune.analytics.models import DailyMetric
    from tribune.analytics.pages import warm
    from tribune.analytics.rollups import refresh
    from tribune.core.scope import unscoped

    done = refresh()
    if any(done.values()):
        # Users then open the usual views from the cache (the computing is done here).
        with unscoped():
            brands = list(DailyMetric.objects.values_list("brand_id", flat=True).distinct())
        done["warmed"] = warm(brands)
    return done


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
