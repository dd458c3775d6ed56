"""KPI metrics: a small registry of providers that measure a metric from stored data.

A provider is ``function(brand, kpi, start, end) -> float | None``: ``start`` and ``end``
are aware datetimes bounding the KPI's period, [start, end), computed from its local
dates in the brand's time zone. It returns None when there is no data to measure: the
screens then say "no data yet", they never show an invented number.

From account snapshots: ``followers`` and ``follower_growth``. ``posts_published`` and
``engagement`` are declared here and measured by ``tribune.publishing.reporting``, which
registers its providers with ``@provider(...)`` when the publishing app loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.networks.models import AccountSnapshot, SocialAccount

Provider = Callable[[Brand, Any, datetime, datetime], float | None]


@dataclass
class Metric:
    name: str
    label: str | Promise
    help: str | Promise
    provider: Provider | None = None


METRICS: dict[str, Metric] = {}


def declare(name: str, label: str | Promise, help: str | Promise = "") -> None:
    """Make a metric choosable before anything can measure it."""
    METRICS.setdefault(name, Metric(name, label, help))


def provider(name: str) -> Callable[[Provider], Provider]:
    """Register the function measuring a declared metric."""

    def decorator(func: Provider) -> Provider:
        METRICS[name].provider = func
        return func

    return decorator


def metric_choices() -> list[tuple[str, Any]]:
    return [(m.name, m.label) for m in METRICS.values()]


def period_bounds(brand: Brand, start: date, end: date) -> tuple[datetime, datetime]:
    """[first local midnight, the midnight after the last day) in the brand's zone."""
    tz = brand.tz
    return (
        datetime.combine(start, time(0), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz),
    )


@dataclass(frozen=True)
class Progress:
    value: float | None  # None: no data yet (or no provider yet)
    percent: float | None  # value / target × 100; None when unknown or the target is 0
    available: bool  # False: no provider registered for this metric yet

    @property
    def bar(self) -> float:
        """The percentage clamped to 0–100, for a progress bar."""
        return max(0.0, min(100.0, self.percent or 0.0))


def measure(brand: Brand, kpi: Any) -> Progress:
    metric = METRICS.get(kpi.metric)
    if metric is None or metric.provider is None:
        return Progress(None, None, False)
    start, end = period_bounds(brand, kpi.period_start, kpi.period_end)
    with brand_scope(brand):
        value = metric.provider(brand, kpi, start, end)
    if value is None:
        return Progress(None, None, True)
    target = float(kpi.target) if isinstance(kpi.target, Decimal) else kpi.target
    percent = value / target * 100 if target else None
    return Progress(value, percent, True)


# --- providers from data that exists today ---------------------------------------------
def _accounts(brand: Brand, kpi: Any) -> list[SocialAccount]:
    accounts = SocialAccount.objects.filter(brand=brand)
    if kpi.network:
        accounts = accounts.filter(network=kpi.network)
    if kpi.account_id:
        accounts = accounts.filter(pk=kpi.account_id)
    return list(accounts)


def _followers_in(account: SocialAccount, start: datetime, end: datetime) -> list[int]:
    rows = AccountSnapshot.objects.filter(
        account=account, at__gte=start, at__lt=end, followers__isnull=False
    ).order_by("at", "id")
    return [f for f in rows.values_list("followers", flat=True) if f is not None]


declare("followers", _("Followers"), _("Followers at the end of the period (latest figure in it)."))
declare(
    "follower_growth",
    _("Follower growth"),
    _("Last figure minus first figure within the period."),
)
declare(
    "posts_published",
    _("Posts published"),
    _("Posts that went out in the period, counted once per account (from publishing)."),
)
declare(
    "engagement",
    _("Engagement"),
    _("Likes, replies, reposts and quotes of the period's posts, as the networks report them."),
)


@provider("followers")
def followers(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    latest = [series[-1] for a in _accounts(brand, kpi) if (series := _followers_in(a, start, end))]
    return float(sum(latest)) if latest else None


@provider("follower_growth")
def follower_growth(brand: Brand, kpi: Any, start: datetime, end: datetime) -> float | None:
    growths = [
        series[-1] - series[0]
        for a in _accounts(brand, kpi)
        if len(series := _followers_in(a, start, end)) >= 2
    ]
    return float(sum(growths)) if growths else None
