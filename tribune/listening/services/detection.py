"""Run crisis detection for a brand's queries and keep one alert per incident.

An open alert (raised, acknowledged or escalated) for a query absorbs new evidence
instead of raising another, so an acknowledged incident never pages again. An alert
without new evidence for ``QUIET`` closes by itself; the next anomaly is a new incident.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from tribune.accounts.models import Brand
from tribune.core.audit import record_audit
from tribune.listening import detector
from tribune.listening.detector import WEEKS, WINDOW, Counts, Trigger
from tribune.listening.models import Alert, Mention, MentionMatch, Query
from tribune.webhooks import hooks as webhook_hooks

QUIET = timedelta(hours=6)
EVIDENCE = 5


def counts(query: Query, start: datetime, end: datetime) -> Counts:
    row = MentionMatch.objects.filter(
        query=query, published_at__gte=start, published_at__lt=end
    ).aggregate(
        total=Count("id"),
        negative=Count("id", filter=Q(negative=True)),
        keyword=Count("id", filter=Q(keyword=True)),
        influential=Count("id", filter=Q(influential=True)),
    )
    return Counts(**{k: int(v or 0) for k, v in row.items()})


def window_counts(query: Query, now: datetime) -> tuple[Counts, list[Counts]]:
    current = counts(query, now - WINDOW, now)
    week = timedelta(days=7)
    history = []
    for k in range(1, WEEKS + 1):
        end = now - k * week
        if end - WINDOW < query.created_at - WEEKS * week:
            break
        history.append(counts(query, end - WINDOW, end))
    return current, history


def detect_brand(brand: Brand, now: datetime | None = None) -> list[Alert]:
    """Assess every enabled query of the brand (inside its scope); return the alerts
    raised or fed by this run."""
    now = now or timezone.now()
    close_quiet_alerts(brand, now)
    touched = []
    for query in Query.objects.filter(brand=brand, enabled=True):
        current, history = window_counts(query, now)
        triggers = detector.assess(current, history)
        if triggers:
            touched.append(do_record_anomaly(brand, query, triggers, current, now))
    return touched


def _evidence(query: Query, start: datetime, end: datetime) -> tuple[list[dict], list[str], int]:
    ids = MentionMatch.objects.filter(
        query=query, published_at__gte=start, published_at__lt=end
    ).values_list("mention_id", flat=True)
    mentions = list(
        Mention.objects.filter(pk__in=list(ids)).order_by("sentiment", "-reach", "-published_at")
    )
    top = [
        {
            "id": m.pk,
            "author": m.author,
            "text": m.text[:280],
            "url": m.url,
            "sentiment": m.sentiment,
            "reach": m.reach,
        }
        for m in mentions[:EVIDENCE]
    ]
    words = [w for w in query.expression.replace('"', " ").split() if w.isalpha()]
    return top, detector.top_terms([m.text for m in mentions], exclude=words), len(mentions)


def describe(query: Query, triggers: list[Trigger]) -> str:
    """Why, in plain words with the numbers (in the language active when called)."""
    lines = []
    for t in triggers:
        if t.kind == "influencer":
            lines.append(
                _("%(n)d negative or toxic mention(s) by an author reaching %(reach)s+ people")
                % {"n": t.observed, "reach": f"{detector.INFLUENCER_REACH:,}"}
            )
            continue
        label = {
            "negativity": _("negative mentions"),
            "keyword": _("mentions with a crisis word"),
            "volume": _("mentions"),
        }[t.kind]
        lines.append(
            _("%(n)d %(what)s in the last hour for “%(query)s”, usually %(base)s (z = %(z)s)")
            % {
                "n": t.observed,
                "what": label,
                "query": query.name,
                "base": f"{t.baseline:g}",
                "z": f"{t.z:g}",
            }
        )
    return "\n".join(lines)


@transaction.atomic
def do_record_anomaly(
    brand: Brand, query: Query, triggers: list[Trigger], current: Counts, now: datetime
) -> Alert:
    start = now - WINDOW
    top, terms, found = _evidence(query, start, now)
    triggered = [asdict(t) for t in triggers]
    numbers: dict[str, Any] = {"counts": asdict(current), "triggers": triggered}
    for t in triggered:
        if t["z"] == float("inf"):
            t["z"] = None  # JSON has no infinity
    alert = (
        Alert.objects.select_for_update()
        .filter(brand=brand, query=query, status__in=Alert.OPEN)
        .order_by("-raised_at")
        .first()
    )
    with override(brand.language or "fr"):
        why = describe(query, triggers)
    if alert is not None:
        # Same incident: keep the strongest numbers seen, refresh the evidence.
        alert.last_evidence_at = now
        alert.window_end = now
        alert.mention_count = max(alert.mention_count, found)
        peak = alert.numbers.get("counts", {}).get("total", 0)
        if current.total >= peak:
            alert.numbers, alert.why, alert.evidence, alert.top_terms = numbers, why, top, terms
        alert.save()
        return alert
    alert = Alert.objects.create(
        brand=brand,
        query=query,
        kind=triggers[0].kind,
        window_start=start,
        window_end=now,
        numbers=numbers,
        why=why,
        evidence=top,
        top_terms=terms,
        mention_count=found,
        raised_at=now,
        last_evidence_at=now,
        ack_token=secrets.token_urlsafe(32),
    )
    record_audit(
        "listening.alert_raised",
        brand=brand,
        obj=alert,
        after={"query": query.pk, "kind": alert.kind, "numbers": numbers},
    )
    _open_room(alert)
    webhook_hooks.alert_raised(alert)
    from tribune.listening.services.delivery import plan_page

    plan_page(alert, level=0, reason="raised", now=now)
    return alert


def _open_room(alert: Alert) -> None:
    from tribune.strategy.models import Crisis
    from tribune.strategy.services import do_open_crisis

    with override(alert.brand.language or "fr"):
        title = _("Listening alert: %(kind)s on “%(query)s”") % {
            "kind": alert.get_kind_display(),
            "query": alert.query.name,
        }
    severity = (
        Crisis.Severity.CRITICAL
        if alert.kind in ("influencer", "negativity")
        else Crisis.Severity.HIGH
    )
    alert.crisis = do_open_crisis(
        alert.brand,
        title[:200],
        "listening",
        None,
        severity=severity,
        source_ref=str(alert.pk),
        detail=alert.why,
    )
    alert.save(update_fields=["crisis"])


def close_quiet_alerts(brand: Brand, now: datetime) -> int:
    return Alert.objects.filter(
        brand=brand, status__in=Alert.OPEN, last_evidence_at__lt=now - QUIET
    ).update(status=Alert.Status.CLOSED, closed_at=now)
