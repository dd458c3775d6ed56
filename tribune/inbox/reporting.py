"""The inbox section of the weekly CM → SMM report (JSON-serialisable figures)."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime
from typing import Any

from tribune.accounts.models import Brand
from tribune.inbox.models import Message, ResponseRecord


def report_section(brand: Brand, start: datetime, end: datetime) -> dict[str, Any]:
    received = Message.objects.filter(
        brand=brand, direction=Message.Direction.IN, created_at__gte=start, created_at__lt=end
    )
    sent = Message.objects.filter(
        brand=brand, direction=Message.Direction.OUT, created_at__gte=start, created_at__lt=end
    ).count()
    sentiments = Counter(received.values_list("sentiment", flat=True))
    records = ResponseRecord.objects.filter(
        brand=brand, received_at__gte=start, received_at__lt=end
    )
    answered = [
        r
        for r in records
        if r.outcome == ResponseRecord.Outcome.ANSWERED and r.response_seconds is not None
    ]
    seconds = [r.response_seconds for r in answered if r.response_seconds is not None]
    return {
        "received": received.count(),
        "answered_by_us": sent,
        "negative": sentiments.get("negative", 0),
        "positive": sentiments.get("positive", 0),
        "median_response_minutes": round(statistics.median(seconds) / 60) if seconds else None,
        "within_target": sum(1 for r in answered if not r.breached),
        "late": sum(1 for r in answered if r.breached),
        "still_waiting": records.filter(outcome=ResponseRecord.Outcome.WAITING).count(),
    }
