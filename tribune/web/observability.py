"""Figures shared by ``/metrics`` and ``/healthz``: queue age, publishing latency,
ingestion lag (inbox and listening), crisis-alert delivery. Each reads the shared
database, so any web process answers for the whole installation; each is a handful of
indexed aggregate queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tribune.core.scope import unscoped


def quantiles(values: list[float], qs: tuple[float, ...] = (0.5, 0.95, 0.99)) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {str(q): round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) for q in qs}


def oldest_ready_task_age(now: datetime) -> dict[str, float]:
    """Seconds the oldest READY task of each queue has waited (0 when none)."""
    rows = (
        DBTaskResult.objects.ready()  # READY and due (not a retry scheduled later)
        .values("queue_name")
        .annotate(oldest=Min("enqueued_at"))
    )
    return {
        row["queue_name"]: round(max(0.0, (now - row["oldest"]).total_seconds()), 1)
        for row in rows
        if row["oldest"] is not None
    }


def publish_attempt_seconds(now: datetime) -> list[float]:
    """Duration of the publish calls finished in the last hour."""
    from tribune.publishing.models import Attempt

    with unscoped():
        rows = Attempt.objects.filter(
            finished_at__gte=now - timedelta(hours=1), finished_at__isnull=False
        ).values_list("started_at", "finished_at")[:5000]
        return [(end - start).total_seconds() for start, end in rows if end and start]


def inbox_lag_seconds(now: datetime) -> list[float]:
    """Network time → stored by Tribune, for the messages received in the last hour."""
    from tribune.inbox.models import Message

    with unscoped():
        rows = Message.objects.filter(
            received_at__gte=now - timedelta(hours=1), direction="in"
        ).values_list("created_at", "received_at")[:5000]
        return [max(0.0, (got - sent).total_seconds()) for sent, got in rows]


def listening_sources(now: datetime) -> dict[str, Any]:
    from tribune.listening.models import Source

    with unscoped():
        enabled = Source.objects.filter(enabled=True)
        failing = enabled.filter(consecutive_failures__gt=0).count()
        last = enabled.aggregate(oldest=Min("last_success_at"), total=Count("id"))
        lag = enabled.aggregate(newest_item=Max("last_item_at"))
    oldest = last["oldest"]
    return {
        "enabled": last["total"],
        "failing": failing,
        "oldest_success_age": round((now - oldest).total_seconds(), 1) if oldest else None,
        "newest_item_age": (
            round((now - lag["newest_item"]).total_seconds(), 1) if lag["newest_item"] else None
        ),
    }


def alert_delivery(now: datetime) -> dict[str, Any]:
    from tribune.listening.models import Alert, AlertDelivery

    with unscoped():
        recent = AlertDelivery.objects.filter(created_at__gte=now - timedelta(days=1))
        by_status = dict(recent.values_list("status").annotate(n=Count("id")))
        pending = AlertDelivery.objects.filter(status="pending").aggregate(oldest=Min("created_at"))
        open_unacked = Alert.objects.filter(status__in=["raised", "escalated"]).count()
        sent = list(
            recent.filter(status="sent", sent_at__isnull=False).values_list(
                "created_at", "sent_at"
            )[:5000]
        )
    oldest = pending["oldest"]
    return {
        "by_status": by_status,
        "oldest_pending_age": round((now - oldest).total_seconds(), 1) if oldest else None,
        "open_unacknowledged": open_unacked,
        "send_seconds": [max(0.0, (b - a).total_seconds()) for a, b in sent if a and b],
    }


def now() -> datetime:
    return timezone.now()
