"""``GET /metrics``: Prometheus text format, for monitoring several processes at once.

Reachable from loopback, or from anywhere with ``Authorization: Bearer
$TRIBUNE_METRICS_TOKEN`` when that variable is set. Every figure is read from the shared
database, so any web process answers for the whole installation.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from tribune.core.scope import unscoped
from tribune.publishing.models import Attempt, LinkServerBeat, PostStatus, Variant
from tribune.web import observability
from tribune.worker.models import Heartbeat, PeriodicJob


def _allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "TRIBUNE_METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given, token)
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


def _line(name: str, value: float, labels: dict[str, str] | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {value}"
    return f"{name} {value}"


def _collect() -> list[str]:
    now = timezone.now()
    out = ["# TYPE tribune_task_queue_depth gauge"]
    ready = DBTaskResult.objects.filter(status="READY").values("queue_name").annotate(n=Count("id"))
    for row in ready:
        out.append(_line("tribune_task_queue_depth", row["n"], {"queue": row["queue_name"]}))
    failed = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=now - timedelta(days=1)
    ).count()
    out += ["# TYPE tribune_tasks_failed_24h gauge", _line("tribune_tasks_failed_24h", failed)]
    stale = now - timedelta(seconds=settings.TRIBUNE_WORKER_HEARTBEAT_STALE)
    out += [
        "# TYPE tribune_workers_alive gauge",
        _line("tribune_workers_alive", Heartbeat.objects.filter(seen_at__gte=stale).count()),
    ]
    probe = PeriodicJob.objects.filter(name="worker.probe").values_list("last_run_at", flat=True)
    if probe and probe[0]:
        age = (now - probe[0]).total_seconds()
        out += [
            "# TYPE tribune_scheduler_last_run_age_seconds gauge",
            _line("tribune_scheduler_last_run_age_seconds", round(age, 1)),
        ]
    with unscoped():
        out.append("# TYPE tribune_variants gauge")
        for status, n in Variant.objects.values_list("status").annotate(n=Count("id")):
            out.append(_line("tribune_variants", n, {"status": status}))
        overdue = Variant.objects.filter(
            status=PostStatus.SCHEDULED, due_at__lt=now - timedelta(minutes=1)
        ).count()
        out += ["# TYPE tribune_publish_overdue gauge", _line("tribune_publish_overdue", overdue)]
        out.append("# TYPE tribune_publish_attempts_24h gauge")
        attempts = Attempt.objects.filter(started_at__gte=now - timedelta(days=1))
        for outcome, n in attempts.values_list("outcome").annotate(n=Count("id")):
            out.append(_line("tribune_publish_attempts_24h", n, {"outcome": outcome}))
        lateness = sorted(
            (published - due).total_seconds()
            for published, due in Variant.objects.filter(
                status=PostStatus.PUBLISHED,
                published_at__gte=now - timedelta(hours=1),
                post__scheduled_at__isnull=False,
            ).values_list("published_at", F("post__scheduled_at"))
        )
    if lateness:
        out.append("# TYPE tribune_publish_lateness_seconds gauge")
        for q in (0.5, 0.95, 0.99):
            value = lateness[min(len(lateness) - 1, int(q * len(lateness)))]
            out.append(
                _line("tribune_publish_lateness_seconds", round(value, 3), {"quantile": str(q)})
            )
    out += _more(now)
    return out


def _more(now) -> list[str]:  # type: ignore[no-untyped-def]
    """Queue age, publish call duration, ingestion lag, alert delivery."""
    out = ["# TYPE tribune_task_queue_oldest_seconds gauge"]
    for queue, age in sorted(observability.oldest_ready_task_age(now).items()):
        out.append(_line("tribune_task_queue_oldest_seconds", age, {"queue": queue}))
    for name, values in (
        ("tribune_publish_attempt_seconds", observability.publish_attempt_seconds(now)),
        ("tribune_inbox_ingest_lag_seconds", observability.inbox_lag_seconds(now)),
    ):
        out.append(f"# TYPE {name} summary")
        for q, value in observability.quantiles(values).items():
            out.append(_line(name, value, {"quantile": q}))
        out.append(_line(f"{name}_count", len(values)))
    sources = observability.listening_sources(now)
    out += [
        "# TYPE tribune_listening_sources gauge",
        _line("tribune_listening_sources", sources["enabled"]),
        "# TYPE tribune_listening_sources_failing gauge",
        _line("tribune_listening_sources_failing", sources["failing"]),
    ]
    if sources["oldest_success_age"] is not None:
        out += [
            "# TYPE tribune_listening_oldest_success_age_seconds gauge",
            _line("tribune_listening_oldest_success_age_seconds", sources["oldest_success_age"]),
        ]
    if sources["newest_item_age"] is not None:
        out += [
            "# TYPE tribune_listening_ingest_lag_seconds gauge",
            _line("tribune_listening_ingest_lag_seconds", sources["newest_item_age"]),
        ]
    alerts = observability.alert_delivery(now)
    out.append("# TYPE tribune_alert_deliveries_24h gauge")
    for status in ("pending", "sent", "failed"):
        out.append(
            _line(
                "tribune_alert_deliveries_24h",
                alerts["by_status"].get(status, 0),
                {"status": status},
            )
        )
    out += [
        "# TYPE tribune_alerts_open_unacknowledged gauge",
        _line("tribune_alerts_open_unacknowledged", alerts["open_unacknowledged"]),
    ]
    if alerts["oldest_pending_age"] is not None:
        out += [
            "# TYPE tribune_alert_delivery_oldest_pending_seconds gauge",
            _line("tribune_alert_delivery_oldest_pending_seconds", alerts["oldest_pending_age"]),
        ]
    out.append("# TYPE tribune_alert_delivery_seconds summary")
    for q, value in observability.quantiles(alerts["send_seconds"]).items():
        out.append(_line("tribune_alert_delivery_seconds", value, {"quantile": q}))
    return out + _link_servers(now)


LINK_SERVER_ALIVE = timedelta(seconds=30)  # a flusher writes its row every 5 s
LINK_SERVER_SHOWN = timedelta(minutes=10)  # then a dead or stuck one shows its age


def _link_servers(now) -> list[str]:  # type: ignore[no-untyped-def]
    """``tribune linkserver`` processes (their rows, written after each database write):
    how many are alive, and per process the clicks waiting to be written, the clicks
    written since it started, and how long since its last write reached the database —
    an age that grows while clicks wait is a flusher that cannot write."""
    beats = list(
        LinkServerBeat.objects.filter(seen_at__gte=now - LINK_SERVER_SHOWN).order_by("server_id")
    )
    alive = sum(1 for beat in beats if beat.seen_at >= now - LINK_SERVER_ALIVE)
    out = [
        "# TYPE tribune_linkserver_processes gauge",
        _line("tribune_linkserver_processes", alive),
    ]
    for name, kind, value in (
        ("tribune_linkserver_clicks_buffered", "gauge", lambda b: b.clicks_buffered),
        ("tribune_linkserver_clicks_written_total", "counter", lambda b: b.clicks_written),
        (
            "tribune_linkserver_last_write_age_seconds",
            "gauge",
            lambda b: round((now - b.seen_at).total_seconds(), 1),
        ),
    ):
        if beats:
            out.append(f"# TYPE {name} {kind}")
        out += [_line(name, value(beat), {"server": beat.server_id}) for beat in beats]
    return out


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body = "\n".join(_collect()) + "\n"
    return HttpResponse(body, content_type="text/plain; version=0.0.4; charset=utf-8")
