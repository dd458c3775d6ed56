"""``GET /healthz``: database reachable and a worker alive (JSON, 503 when unhealthy)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tribune.worker.models import Heartbeat, PeriodicJob


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
    return JsonResponse(body)
