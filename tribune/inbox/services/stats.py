"""Response-time figures per brand and per person, over the last days."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.models import Brand, User
from tribune.inbox.models import ResponseRecord

Outcome = ResponseRecord.Outcome


@dataclass
class Figures:
    answered: int = 0
    within_target: int = 0
    seconds: list[int] = field(default_factory=list)

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def within_rate(self) -> float | None:
        return self.within_target / self.answered * 100 if self.answered else None

    def add(self, seconds: int, breached: bool) -> None:
        self.answered += 1
        self.seconds.append(seconds)
        if not breached:
            self.within_target += 1


@dataclass
class Stats:
    days: int
    received: int = 0
    waiting: int = 0
    overdue: int = 0  # waiting past the due time now
    closed_unanswered: int = 0
    late_answers: int = 0
    brand: Figures = field(default_factory=Figures)
    business: Figures = field(default_factory=Figures)
    off_hours: Figures = field(default_factory=Figures)
    first: Figures = field(default_factory=Figures)
    people: list[tuple[User, Figures]] = field(default_factory=list)
    daily_median: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def breaches(self) -> int:
        return self.late_answers + self.overdue


def response_stats(brand: Brand, days: int = 30) -> Stats:
    tz: ZoneInfo = brand.tz
    now = timezone.now()
    start = now - timedelta(days=days)
    stats = Stats(days=days)
    per_person: dict[int, Figures] = defaultdict(Figures)
    per_day: dict[date, list[int]] = defaultdict(list)
    rows = ResponseRecord.objects.filter(brand=brand, received_at__gte=start).values_list(
        "outcome",
        "due_at",
        "response_seconds",
        "breached",
        "business_hours",
        "responder",
        "first",
        "responded_at",
    )
    for outcome, due_at, seconds, breached, business, responder, first, responded_at in rows:
        stats.received += 1
        if outcome == Outcome.WAITING:
            stats.waiting += 1
            stats.overdue += due_at < now
            continue
        if outcome == Outcome.CLOSED or seconds is None or responded_at is None:
            stats.closed_unanswered += 1
            continue
        stats.late_answers += breached
        for figures in (stats.brand, stats.business if business else stats.off_hours):
            figures.add(seconds, breached)
        if first:
            stats.first.add(seconds, breached)
        if responder is not None:
            per_person[responder].add(seconds, breached)
        per_day[responded_at.astimezone(tz).date()].append(seconds)
    users = User.objects.in_bulk(list(per_person))
    stats.people = sorted(
        ((users[pk], figures) for pk, figures in per_person.items() if pk in users),
        key=lambda item: -item[1].answered,
    )
    stats.daily_median = [
        (datetime.combine(day, time(12), tzinfo=tz), statistics.median(values) / 60)
        for day, values in sorted(per_day.items())
    ]
    return stats


def duration(seconds: float | None) -> str:
    """1 h 05 min / 12 min / 40 s / 3 d 4 h — how the inbox writes durations."""
    if seconds is None:
        return "—"
    seconds = int(round(abs(seconds)))
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(d)d d %(h)d h") % {"d": hours // 24, "h": hours % 24}
