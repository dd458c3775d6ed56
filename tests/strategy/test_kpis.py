"""KPI progress computed from account snapshots, with local-date periods (Europe/Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.strategy.factories import objective
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import AccountSnapshot
from tribune.networks.services import do_connect_account
from tribune.strategy.kpis import METRICS, measure, period_bounds
from tribune.strategy.models import Kpi

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def account(tenants):  # type: ignore[no-untyped-def]
    with brand_scope(tenants.brand_a):
        return do_connect_account(tenants.brand_a, "sandbox", Credentials(handle="alpha.sb"), None)


def _snap(account, at: datetime, followers: int | None) -> None:  # type: ignore[no-untyped-def]
    with brand_scope(account.brand):
        AccountSnapshot.objects.create(
            account=account, brand=account.brand, at=at, followers=followers
        )


def _kpi(brand, metric: str, target: str, period=MARCH, **extra) -> Kpi:  # type: ignore[no-untyped-def]
    with brand_scope(brand):
        return Kpi.objects.create(
            brand=brand,
            objective=objective(brand),
            metric=metric,
            target=Decimal(target),
            period_start=period[0],
            period_end=period[1],
            **extra,
        )


def test_follower_growth_1000_to_1150_against_300_is_50_percent(tenants, account):
    _snap(account, datetime(2026, 3, 2, 9, tzinfo=UTC), 1000)
    _snap(account, datetime(2026, 3, 15, 9, tzinfo=UTC), 1080)
    _snap(account, datetime(2026, 3, 30, 9, tzinfo=UTC), 1150)
    progress = measure(tenants.brand_a, _kpi(tenants.brand_a, "follower_growth", "300"))
    assert progress.value == 150
    assert progress.percent == pytest.approx(50.0)
    assert progress.bar == pytest.approx(50.0)


def test_followers_is_the_latest_figure_in_the_period(tenants, account):
    _snap(account, datetime(2026, 3, 2, 9, tzinfo=UTC), 1000)
    _snap(account, datetime(2026, 3, 30, 9, tzinfo=UTC), 1150)
    _snap(account, datetime(2026, 4, 2, 9, tzinfo=UTC), 9999)  # after the period
    progress = measure(tenants.brand_a, _kpi(tenants.brand_a, "followers", "2300"))
    assert progress.value == 1150 and progress.percent == pytest.approx(50.0)


def test_an_empty_period_has_no_value_not_zero(tenants, account):
    _snap(account, datetime(2026, 2, 10, 9, tzinfo=UTC), 1000)
    for metric in ("followers", "follower_growth"):
        progress = measure(tenants.brand_a, _kpi(tenants.brand_a, metric, "300"))
        assert progress.available and progress.value is None and progress.percent is None


def test_growth_needs_two_figures(tenants, account):
    _snap(account, datetime(2026, 3, 10, 9, tzinfo=UTC), 1000)
    assert measure(tenants.brand_a, _kpi(tenants.brand_a, "follower_growth", "300")).value is None


def test_period_boundaries_are_local_midnights_in_paris(tenants, account):
    start, end = period_bounds(tenants.brand_a, *MARCH)
    # 1 March 00:00 CET = 28 Feb 23:00 UTC; 1 April 00:00 CEST = 31 March 22:00 UTC.
    assert start == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 22, tzinfo=UTC)
    _snap(account, datetime(2026, 2, 28, 22, 30, tzinfo=UTC), 500)  # 23:30 on 28 Feb, Paris
    _snap(account, datetime(2026, 2, 28, 23, 30, tzinfo=UTC), 1000)  # 00:30 on 1 March
    _snap(account, datetime(2026, 3, 31, 21, 30, tzinfo=UTC), 1150)  # 23:30 on 31 March
    _snap(account, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 5000)  # 00:30 on 1 April
    progress = measure(tenants.brand_a, _kpi(tenants.brand_a, "follower_growth", "300"))
    assert progress.value == 150


def test_network_and_account_narrow_the_measure(tenants, account):
    with brand_scope(tenants.brand_a):
        other = do_connect_account(tenants.brand_a, "bluesky", Credentials(handle="a.bsky"), None)
    for acc, first, last in ((account, 1000, 1100), (other, 200, 260)):
        _snap(acc, datetime(2026, 3, 2, tzinfo=UTC), first)
        _snap(acc, datetime(2026, 3, 20, tzinfo=UTC), last)
    brand = tenants.brand_a
    assert measure(brand, _kpi(brand, "follower_growth", "100")).value == 160
    assert measure(brand, _kpi(brand, "follower_growth", "100", network="bluesky")).value == 60
    assert measure(brand, _kpi(brand, "followers", "100", account=account)).value == 1100


def test_other_brands_snapshots_never_count(tenants, account):
    with brand_scope(tenants.brand_b):
        theirs = do_connect_account(tenants.brand_b, "sandbox", Credentials(handle="b.sb"), None)
    _snap(theirs, datetime(2026, 3, 2, tzinfo=UTC), 10)
    _snap(theirs, datetime(2026, 3, 20, tzinfo=UTC), 10_000)
    assert measure(tenants.brand_a, _kpi(tenants.brand_a, "follower_growth", "300")).value is None


def test_metrics_without_a_provider_yet_say_so(tenants):
    from tribune.strategy.kpis import declare

    declare("future_metric", "Future", "Not measurable yet.")
    try:
        assert METRICS["future_metric"].provider is None
        progress = measure(tenants.brand_a, _kpi(tenants.brand_a, "future_metric", "12"))
        assert not progress.available and progress.value is None
    finally:
        del METRICS["future_metric"]


def test_a_zero_target_has_a_value_but_no_percentage(tenants, account):
    _snap(account, datetime(2026, 3, 2, tzinfo=UTC), 100)
    progress = measure(tenants.brand_a, _kpi(tenants.brand_a, "followers", "0"))
    assert progress.value == 100 and progress.percent is None


def test_the_objective_page_shows_measured_progress_and_no_data(client, tenants, account):
    from tests.conftest import PASSWORD

    _snap(account, datetime(2026, 3, 2, 9, tzinfo=UTC), 1000)
    _snap(account, datetime(2026, 3, 30, 9, tzinfo=UTC), 1150)
    kpi = _kpi(tenants.brand_a, "follower_growth", "300")
    with brand_scope(tenants.brand_a):
        Kpi.objects.create(
            brand=tenants.brand_a,
            objective=kpi.objective,
            metric="engagement",
            target=Decimal("5"),
            period_start=MARCH[0],
            period_end=MARCH[1],
        )
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    page = client.get(
        f"/b/alpha/strategy/objectives/{kpi.objective_id}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert '<span data-testid="kpi-percent">50 %</span>' in html
    assert "No data yet for this period." in html  # engagement: no figures collected yet
    assert "<svg" in html  # the followers chart of the single account
