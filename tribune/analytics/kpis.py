"""The numbers: plain formulas, and period totals read from the daily rollups.

Definitions (also in docs/analytics.md):

- engagement = likes + replies + reposts + quotes *received* in the period (saves and
  video views are shown beside it, not added to it: not every network gives them);
- saves, video views = growth received in the period where the networks report them;
  None (never 0) when none of the accounts' posts reported them;
- engagement rate = interactions of posts whose network reports impressions ÷ impressions
  received in the period × 100 (None when no impression was reported);
- CTR = tracked-link clicks (bots excluded) ÷ impressions × 100;
- cost per result = budget spent ÷ conversions (None without conversions);
- growth = followers at the end of the period − followers just before it (the last figure
  before the first day, else the first figure in the period);
- share of voice = mentions matching the brand's own queries ÷ mentions matching own or
  competitor queries × 100;
- response time = median minutes to the first answer of messages received in the period.

Periods are inclusive ranges of local dates in the brand's time zone.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q, Sum

from tribune.accounts.models import Brand
from tribune.analytics.models import DailyMetric
from tribune.analytics.rollups import local_bounds


# --- formulas ------------------------------------------------------------------------------
def ratio(part: float | int | None, whole: float | int | None) -> float | None:
    """part ÷ whole × 100, None when the whole is unknown or zero (never divide by zero)."""
    if part is None or not whole:
        return None
    return float(part) / float(whole) * 100


def engagement_rate(engagement: int | None, impressions: int | None) -> float | None:
    return ratio(engagement, impressions)


def ctr(clicks: int | None, impressions: int | None) -> float | None:
    return ratio(clicks, impressions)


def cost_per_result(spent: Decimal | float | None, results: int | None) -> Decimal | None:
    if spent is None or not results:
        return None
    return (Decimal(spent) / Decimal(results)).quantize(Decimal("0.01"))


def pct_change(
    now: float | int | Decimal | None, before: float | int | Decimal | None
) -> float | None:
    """Relative change in percent; None when there is nothing to compare with."""
    if now is None or before is None or before == 0:
        return None
    return (float(now) - float(before)) / abs(float(before)) * 100


def share(own: int, total: int) -> float | None:
    return ratio(own, total)


def median_minutes(seconds: list[int]) -> float | None:
    return round(statistics.median(seconds) / 60, 1) if seconds else None


# --- periods ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def last_days(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def month_before(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def week_before(today: date) -> Period:
    start = today - timedelta(days=today.weekday() + 7)
    return Period(start, start + timedelta(days=6))


# --- totals from the rollups -----------------------------------------------------------------
@dataclass
class Totals:
    posts: int = 0
    likes: int = 0
    replies: int = 0
    reposts: int = 0
    quotes: int = 0
    impressions: int = 0
    rated_engagement: int = 0
    clicks: int = 0
    network_clicks: int = 0
    conversions: int = 0
    conversion_value: Decimal = Decimal("0")
    saves: int | None = None  # None: not given by the networks of these accounts
    video_views: int | None = None
    followers: int | None = None  # end of the period
    followers_before: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def engagement(self) -> int:
        return self.likes + self.replies + self.reposts + self.quotes

    @property
    def engagement_rate(self) -> float | None:
        return engagement_rate(self.rated_engagement, self.impressions)

    @property
    def ctr(self) -> float | None:
        return ctr(self.clicks, self.impressions)

    @property
    def growth(self) -> int | None:
        if self.followers is None or self.followers_before is None:
            return None
        return self.followers - self.followers_before

    @property
    def growth_rate(self) -> float | None:
        return pct_change(self.followers, self.followers_before)


SUMMED = (
    "posts",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "impressions",
    "rated_engagement",
    "clicks",
    "network_clicks",
    "conversions",
    "conversion_value",
    "saves",
    "video_views",
)


def _rows(brand: Brand, accounts: list[int] | None) -> Any:
    rows = DailyMetric.objects.filter(brand=brand)
    if accounts is not None:
        rows = rows.filter(account_id__in=accounts)
    return rows


def totals(brand: Brand, period: Period, accounts: list[int] | None = None) -> Totals:
    """Sums over the period, plus followers at its end and just before it."""
    rows = _rows(brand, accounts)
    sums = rows.filter(day__gte=period.start, day__lte=period.end).aggregate(
        **{name: Sum(name) for name in SUMMED}
    )
    result = Totals(**{k: v for k, v in sums.items() if v is not None})
    result.followers, result.followers_before = _followers(rows, period)
    return result


def totals_by_account(brand: Brand, period: Period) -> dict[int, Totals]:
    """``totals`` for each account, in two queries (dashboards list every account)."""
    rows = _rows(brand, None).filter(account__isnull=False)
    result: dict[int, Totals] = {}
    grouped = (
        rows.filter(day__gte=period.start, day__lte=period.end)
        .values("account_id")
        .annotate(**{f"s_{name}": Sum(name) for name in SUMMED})
    )
    for row in grouped:
        result[row["account_id"]] = Totals(
            **{name: row[f"s_{name}"] for name in SUMMED if row[f"s_{name}"] is not None}
        )
    for account_id, (now, before) in _followers_per_account(rows, period).items():
        totals = result.setdefault(account_id, Totals())
        totals.followers, totals.followers_before = now, before
    return result


def _followers_per_account(rows: Any, period: Period) -> dict[int, tuple[int, int]]:
    """Per account: the latest figure of the period, and the baseline — the latest figure
    of the year before the period, or else the period's first one."""
    known = rows.filter(followers__isnull=False)
    end_values: dict[int, int] = {}
    first_in: dict[int, int] = {}
    inside = (
        known.filter(day__gte=period.start, day__lte=period.end)
        .order_by("account_id", "-day")
        .values_list("account_id", "followers")
    )
    for account_id, followers in inside:
        end_values.setdefault(account_id, followers)
        first_in[account_id] = followers
    if not end_values:
        return {}
    # The day of each account's last figure before the period (one row per account), then
    # those rows: reading the whole year before the period was most of this function's time.
    ids = [a for a in end_values if a is not None]
    wanted = Q(account_id__in=ids) | (Q(account__isnull=True) if None in end_values else Q())
    earlier = known.filter(
        wanted, day__lt=period.start, day__gte=period.start - timedelta(days=366)
    )
    last_days = dict(
        earlier.values("account_id").annotate(last=Max("day")).values_list("account_id", "last")
    )
    before: dict[int, int] = {}
    if last_days:
        candidates = earlier.filter(day__in=set(last_days.values())).values_list(
            "account_id", "day", "followers"
        )
        for account_id, day, followers in candidates:
            if last_days.get(account_id) == day:
                before[account_id] = followers
    return {a: (v, before.get(a, first_in[a])) for a, v in end_values.items()}


def _followers(rows: Any, period: Period) -> tuple[int | None, int | None]:
    """Sum over accounts of their last figure in the period, and of their baseline."""
    per_account = _followers_per_account(rows, period)
    if not per_account:
        return None, None
    return sum(v for v, _b in per_account.values()), sum(b for _v, b in per_account.values())


def daily(
    brand: Brand, period: Period, fields: tuple[str, ...], accounts: list[int] | None = None
) -> dict[str, list[tuple[date, float]]]:
    """One value per local day of the period (0 on days without data) for each field;
    ``engagement`` and ``engagement_rate`` are derived; ``followers`` is carried forward."""
    raw = ("likes", "replies", "reposts", "quotes", "rated_engagement", "impressions")
    wanted = {f for f in fields if f in SUMMED} | (
        set(raw) if {"engagement", "engagement_rate"} & set(fields) else set()
    )
    per_day: dict[date, dict[str, float]] = {d: {} for d in period.dates()}
    if wanted:
        q = (
            _rows(brand, accounts)
            .filter(day__gte=period.start, day__lte=period.end)
            .values("day")
            .annotate(**{f"s_{f}": Sum(f) for f in wanted})
        )
        for row in q:
            per_day[row["day"]] = {f: float(row[f"s_{f}"] or 0) for f in wanted}
    out: dict[str, list[tuple[date, float]]] = {}
    for name in fields:
        series = []
        for day, vals in per_day.items():
            if name == "engagement":
                value: float | None = sum(vals.get(k, 0) for k in raw[:4])
            elif name == "engagement_rate":
                value = engagement_rate(
                    int(vals.get("rated_engagement", 0)), int(vals.get("impressions", 0))
                )
            elif name == "followers":
                continue
            else:
                value = vals.get(name, 0.0)
            series.append((day, value or 0.0))
        if name == "followers":
            series = _followers_series(brand, period, accounts)
        out[name] = series
    return out


def _followers_series(
    brand: Brand, period: Period, accounts: list[int] | None
) -> list[tuple[date, float]]:
    rows = (
        _rows(brand, accounts)
        .filter(followers__isnull=False, day__lte=period.end)
        .filter(day__gte=period.start - timedelta(days=366))
        .order_by("day")
        .values_list("account_id", "day", "followers")
    )
    last: dict[int, int] = {}
    by_day: dict[date, dict[int, int]] = {}
    for account_id, day, followers in rows:
        by_day.setdefault(day, {})[account_id] = followers
    series = []
    for day in sorted(set(by_day) | set(period.dates())):
        last.update(by_day.get(day, {}))
        if day >= period.start and last:
            series.append((day, float(sum(last.values()))))
    return series


# --- from other areas' raw rows --------------------------------------------------------------
def share_of_voice(brand: Brand, period: Period) -> dict[str, Any]:
    from tribune.listening.models import MentionMatch, Query

    start, end = local_bounds(brand.tz, period.start, period.end)
    matches = MentionMatch.objects.filter(
        brand=brand, published_at__gte=start, published_at__lt=end
    )
    own_kinds = [Query.Kind.BRAND, Query.Kind.PRODUCT]
    own = matches.filter(query__kind__in=own_kinds).values("mention").distinct().count()
    theirs = matches.filter(query__kind=Query.Kind.COMPETITOR).values("mention").distinct().count()
    both = (
        matches.filter(Q(query__kind__in=own_kinds) | Q(query__kind=Query.Kind.COMPETITOR))
        .values("mention")
        .distinct()
        .count()
    )
    return {"own": own, "competitors": theirs, "share": share(own, both)}


def response_times(brand: Brand, period: Period, accounts: list[int] | None = None) -> dict:
    from tribune.inbox.models import ResponseRecord

    start, end = local_bounds(brand.tz, period.start, period.end)
    records = ResponseRecord.objects.filter(
        brand=brand, received_at__gte=start, received_at__lt=end
    )
    if accounts is not None:
        records = records.filter(account_id__in=accounts)
    answered = list(
        records.filter(outcome="answered", response_seconds__isnull=False).values_list(
            "response_seconds", "breached"
        )
    )
    seconds = [s for s, _b in answered if s is not None]
    return {
        "received": records.count(),
        "answered": len(answered),
        "median_minutes": median_minutes(seconds),
        "within_target": ratio(sum(1 for _s, b in answered if not b), len(answered)),
        "waiting": records.filter(outcome="waiting").count(),
    }
