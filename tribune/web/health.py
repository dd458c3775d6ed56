"""``GET /healthz``: database reachable and a worker alive (JSON, 503 when unhealthy),
then detail for people: queue age, overdue/stuck posts, failing listening sources,
undelivered crisis alerts ("degraded", still 200, when one of them is not ok)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tribune.core.scope import unscoped
from tribune.publishing.models import PostStatus, Variant
from tribune.web import observability
from tribune.worker.models import Heartbeat, PeriodicJob

QUEUE_WARN_SECONDS = 300  # a task waiting longer: workers are too few or stuck
ALERT_WARN_SECONDS = 300  # a crisis alert not delivered after 5 minutes


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    body: dict = {"status": "ok", "database": {"ok": False}, "worker": {"ok": False}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        body["database"] = {"ok": False, "error": exc.__class__.__name__}
        body["status"] = "unhealthy"
        return JsonResponse(body, status=503)

    stale = timezone.now() - timedelta(seconds=settings.TRIBUNE_WORKER_HEARTBEAT_STALE)
    alive = list(Heartbeat.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True))
    probe = PeriodicJob.objects.filter(name="worker.probe").values_list("last_run_at", flat=True)
    last_probe = probe[0] if probe else None
    body["worker"] = {
        "ok": bool(alive),
        "alive": len(alive),
        "last_scheduler_run": last_probe.isoformat() if last_probe else None,
    }
    if not alive:
        body["status"] = "unhealthy"
        return JsonResponse(body, status=503)
    try:
        body["checks"] = _detail()
    except Exception as exc:  # noqa: BLE001 - detail must never turn a healthy answer into a 500
        body["checks"] = {"error": exc.__class__.__name__}
    if any(
        not check.get("ok", True) for check in body["checks"].values() if isinstance(check, dict)
    ):
        body["status"] = "degraded"  # still 200: people should look, the load balancer not act
    return JsonResponse(body)


def _detail() -> dict:
    """What a person on call wants to see first; each has ``ok`` and its numbers."""
    now = timezone.now()
    ages = observability.oldest_ready_task_age(now)
    oldest = max(ages.values(), default=0.0)
    with unscoped():
        overdue = Variant.objects.filter(
            status=PostStatus.SCHEDULED, due_at__lt=now - timedelta(minutes=5)
        ).count()
        stuck = Variant.objects.filter(
            status=PostStatus.PUBLISHING,
            claimed_at__lt=now - timedelta(seconds=settings.TRIBUNE_PUBLISH_STUCK_SECONDS * 2),
        ).count()
    sources = observability.listening_sources(now)
    alerts = observability.alert_delivery(now)
    alerts.pop("send_seconds")
    return {
        "queue": {"ok": oldest < QUEUE_WARN_SECONDS, "oldest_ready_seconds": ages},
        "publishing": {"ok": overdue == 0 and stuck == 0, "overdue": overdue, "stuck": stuck},
        "listening": {
            "ok": not sources["enabled"] or sources["failing"] < sources["enabled"],
            **sources,
        },
        "alerts": {
            "ok": (alerts["oldest_pending_age"] or 0) < ALERT_WARN_SECONDS,
            **alerts,
        },
    }
