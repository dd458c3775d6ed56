"""The CM → SMM weekly report: generated from stored data, once per brand and week.

Sections come only from data that exists: account snapshots (followers), the action
plan, the audit log, crises and decisions. "publishing" and "inbox" are None until those
packages exist, and the report says so instead of showing numbers it does not have.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.strategy.auditing import audit
from tribune.strategy.kpis import period_bounds
from tribune.strategy.models import ActionTask, CmReport, Crisis, Decision

GENERATE_AT = time(6, 0)  # Monday, brand-local: the report on last week is ready then


def report_week_due(brand: Brand, now: datetime) -> date:
    """Monday of the latest week whose report is due at ``now`` (brand-local)."""
    local = now.astimezone(brand.tz)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, GENERATE_AT, tzinfo=brand.tz):
        monday -= timedelta(days=7)
    return monday - timedelta(days=7)


def _account_section(brand: Brand, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = []
    for account in SocialAccount.objects.filter(brand=brand).order_by("network", "handle"):
        known = AccountSnapshot.objects.filter(account=account, followers__isnull=False)
        baseline = known.filter(at__lt=start).order_by("-at").first()
        in_week = list(known.filter(at__gte=start, at__lt=end).order_by("at", "id"))
        first = baseline.followers if baseline else (in_week[0].followers if in_week else None)
        last = in_week[-1].followers if in_week else None
        daily: dict[str, int] = {}
        for snap in in_week:  # the last figure of each local day, for the chart
            daily[snap.at.astimezone(brand.tz).date().isoformat()] = snap.followers or 0
        rows.append(
            {
                "id": account.pk,
                "network": account.network,
                "handle": account.handle,
                "sandbox": account.is_sandbox,
                "status": account.status,
                "followers_start": first,
                "followers_end": last,
                "change": last - first if first is not None and last is not None else None,
                "daily": sorted(daily.items()),
            }
        )
    return rows


def _actions_section(brand: Brand, first_day: date, last_day: date) -> dict[str, Any]:
    tasks = ActionTask.objects.filter(
        brand=brand, due_date__gte=first_day, due_date__lte=last_day
    ).select_related("owner")
    items = [
        {
            "title": t.title,
            "network": t.network,
            "due_date": t.due_date.isoformat(),
            "owner": str(t.owner) if t.owner else "",
            "done": t.done_at is not None,
            "on_time": t.done_at is not None
            and t.done_at.astimezone(brand.tz).date() <= t.due_date,
        }
        for t in tasks
    ]
    done = sum(1 for i in items if i["done"])
    return {
        "due": len(items),
        "done": done,
        "on_time": sum(1 for i in items if i["on_time"]),
        "open": len(items) - done,
        "rate": round(done / len(items) * 100) if items else None,
        "items": items,
    }


def _activity_section(brand: Brand, start: datetime, end: datetime) -> dict[str, Any]:
    events = AuditEvent.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end)
    by_action = Counter(events.values_list("action", flat=True))
    by_person = Counter(events.values_list("actor_label", flat=True))
    return {
        "total": sum(by_action.values()),
        "by_action": sorted(by_action.items(), key=lambda kv: (-kv[1], kv[0])),
        "by_person": sorted(by_person.items(), key=lambda kv: (-kv[1], kv[0])),
    }


def build_report_data(brand: Brand, first_day: date, last_day: date) -> dict[str, Any]:
    from tribune.inbox.reporting import report_section as inbox_section
    from tribune.publishing.reporting import report_section as publishing_section

    start, end = period_bounds(brand, first_day, last_day)
    with brand_scope(brand):
        crises = Crisis.objects.filter(brand=brand, opened_at__gte=start, opened_at__lt=end)
        decisions = Decision.objects.filter(brand=brand, created_at__gte=start, created_at__lt=end)
        return {
            "timezone": brand.timezone,
            "accounts": _account_section(brand, start, end),
            "actions": _actions_section(brand, first_day, last_day),
            "activity": _activity_section(brand, start, end),
            "crises_opened": crises.count(),
            "decisions": decisions.count(),
            "publishing": publishing_section(brand, start, end),
            "inbox": inbox_section(brand, start, end),
        }


def do_generate_report(brand: Brand, monday: date, actor: Any = None) -> tuple[CmReport, bool]:
    """The weekly report for the week starting ``monday``; generated at most once
    (several workers or a person clicking meanwhile get the existing one)."""
    with brand_scope(brand):
        existing = CmReport.objects.filter(
            brand=brand, cadence=CmReport.Cadence.WEEKLY, period_start=monday
        ).first()
        if existing is not None:
            return existing, False
        sunday = monday + timedelta(days=6)
        data = build_report_data(brand, monday, sunday)
        try:
            with transaction.atomic():
                report = CmReport.objects.create(
                    brand=brand,
                    cadence=CmReport.Cadence.WEEKLY,
                    period_start=monday,
                    period_end=sunday,
                    data=data,
                    generated_by=actor if getattr(actor, "pk", None) else None,
                )
                audit(
                    "report.generated",
                    brand=brand,
                    actor=actor,
                    obj=report,
                    after={"period_start": monday.isoformat(), "period_end": sunday.isoformat()},
                )
        except IntegrityError:
            return CmReport.objects.get(
                brand=brand, cadence=CmReport.Cadence.WEEKLY, period_start=monday
            ), False
    return report, True


def do_generate_due_reports(now: datetime | None = None) -> list[CmReport]:
    """For every brand, the report on last week once it is Monday 06:00 brand-local
    (later ticks the same week find it exists). Returns the reports created."""
    now = now or timezone.now()
    created = []
    for brand in Brand.objects.select_related("workspace").order_by("pk"):
        monday = report_week_due(brand, now)
        if brand.created_at.astimezone(brand.tz).date() > monday + timedelta(days=6):
            continue  # the brand did not exist that week
        report, new = do_generate_report(brand, monday)
        if new:
            created.append(report)
    return created
