"""KPIs on a known event stream: engagement rate, CTR, growth, posts — with empty periods,
a late-night snapshot on a month boundary and the March DST change (Europe/Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.analytics import factories as f
from tribune.analytics import kpis, rollups
from tribune.analytics.models import DailyMetric
from tribune.core.scope import brand_scope
from tribune.publishing.models import LinkClick

MARCH = kpis.Period(date(2026, 3, 1), date(2026, 3, 31))
APRIL = kpis.Period(date(2026, 4, 1), date(2026, 4, 30))
FEBRUARY = kpis.Period(date(2026, 2, 1), date(2026, 2, 28))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def stream(tenants):
    brand = tenants.brand_a  # Europe/Paris
    acct = f.account(brand)
    v1 = f.published(acct, utc(2026, 3, 10, 9))
    f.snapshot(v1, utc(2026, 3, 10, 12), likes=10, replies=2, reposts=1, quotes=0, impressions=200)
    f.snapshot(v1, utc(2026, 3, 11, 12), likes=15, replies=2, reposts=3, quotes=1, impressions=400)
    # 22:30 UTC on 31 March is 00:30 on 1 April in Paris (summer time): April's.
    f.snapshot(v1, utc(2026, 3, 31, 22, 30), likes=20)
    # Published 23:30 on 28 March in Paris; clocks go forward on the 29th at 02:00.
    v2 = f.published(acct, utc(2026, 3, 28, 22, 30))
    f.snapshot(v2, utc(2026, 3, 28, 23, 30), likes=4, impressions=100)  # 29 March, 00:30 CET
    f.snapshot(v2, utc(2026, 3, 29, 22, 30), likes=6, impressions=150)  # 30 March, 00:30 CEST
    link = f.link(v1)
    with brand_scope(brand):
        LinkClick.objects.create(link=link, brand=brand, at=utc(2026, 3, 11, 8), agent="mobile")
        LinkClick.objects.create(link=link, brand=brand, at=utc(2026, 3, 11, 8), agent="bot")
    f.followers(acct, utc(2026, 2, 28, 23, 30), 1000)  # 1 March, 00:30 in Paris
    f.followers(acct, utc(2026, 3, 15, 10), 1050)
    f.followers(acct, utc(2026, 3, 31, 21, 59), 1100)  # 23:59 on 31 March
    f.followers(acct, utc(2026, 3, 31, 22, 1), 1200)  # 00:01 on 1 April
    return brand, acct


def test_formulas_never_divide_by_zero():
    assert kpis.engagement_rate(21, 400) == pytest.approx(5.25)
    assert kpis.engagement_rate(5, 0) is None and kpis.ctr(3, None) is None
    assert kpis.cost_per_result(Decimal("1000"), 40) == Decimal("25.00")
    assert kpis.cost_per_result(Decimal("1000"), 0) is None
    assert kpis.pct_change(118, 100) == pytest.approx(18.0)
    assert kpis.pct_change(5, 0) is None and kpis.pct_change(None, 3) is None
    assert kpis.pct_change(80, 100) == pytest.approx(-20.0)
    assert kpis.share(1, 4) == 25.0 and kpis.share(0, 0) is None
    assert kpis.median_minutes([60, 120, 600]) == 2.0 and kpis.median_minutes([]) is None


def test_periods():
    assert kpis.month_before(date(2026, 3, 1)) == kpis.Period(date(2026, 2, 1), date(2026, 2, 28))
    assert kpis.week_before(date(2026, 3, 4)) == kpis.Period(date(2026, 2, 23), date(2026, 3, 1))
    assert MARCH.previous() == kpis.Period(date(2026, 1, 29), date(2026, 2, 28))
    assert kpis.last_days(date(2026, 3, 31), 7).start == date(2026, 3, 25)


def test_known_stream_month_by_month(stream):
    brand, acct = stream
    rollups.refresh()
    with brand_scope(brand):
        march = kpis.totals(brand, MARCH)
        assert march.posts == 2
        assert (march.likes, march.replies, march.reposts, march.quotes) == (21, 2, 3, 1)
        assert march.engagement == 27 and march.impressions == 550
        assert march.engagement_rate == pytest.approx(27 / 550 * 100)
        assert march.clicks == 1  # the bot's click is not counted
        assert march.ctr == pytest.approx(1 / 550 * 100)
        assert (march.followers, march.followers_before, march.growth) == (1100, 1000, 100)

        april = kpis.totals(brand, APRIL)
        assert april.engagement == 5 and april.impressions == 0
        assert april.engagement_rate is None and april.ctr is None  # no reach reported
        assert (april.followers, april.growth) == (1200, 100)  # baseline: 31 March's figure

        empty = kpis.totals(brand, FEBRUARY)
        assert empty.engagement == 0 and empty.posts == 0 and empty.clicks == 0
        assert empty.engagement_rate is None and empty.followers is None and empty.growth is None


def test_days_follow_the_brand_time_zone_across_dst(stream):
    brand, _acct = stream
    rollups.refresh()
    with brand_scope(brand):
        days = dict(kpis.daily(brand, MARCH, ("engagement",))["engagement"])
        assert days[date(2026, 3, 28)] == 0  # 23:30 UTC on the 28th is the 29th in Paris
        assert days[date(2026, 3, 29)] == 4
        assert days[date(2026, 3, 30)] == 2  # 22:30 UTC after the change is 00:30 CEST
        assert days[date(2026, 3, 31)] == 0
        assert len(days) == 31  # every day present, empty ones at 0
        rates = dict(kpis.daily(brand, MARCH, ("engagement_rate",))["engagement_rate"])
        assert rates[date(2026, 3, 30)] == pytest.approx(2 / 50 * 100)
        series = kpis.daily(brand, MARCH, ("followers",))["followers"]
        assert series[0] == (date(2026, 3, 1), 1000.0) and series[-1] == (date(2026, 3, 31), 1100.0)


def test_incremental_refresh_equals_rebuild(stream, tenants):
    brand, acct = stream
    rollups.refresh()
    assert rollups.refresh() == {
        "posts": 0,
        "snapshots": 0,
        "clicks": 0,
        "conversions": 0,
        "followers": 0,
    }
    v3 = f.published(acct, utc(2026, 3, 20, 9))
    f.snapshot(v3, utc(2026, 3, 20, 10), likes=3, impressions=30)
    rollups.refresh()

    def state() -> list[tuple]:
        with brand_scope(brand):
            return sorted(
                DailyMetric.objects.values_list(
                    "account_id",
                    "day",
                    "posts",
                    "likes",
                    "impressions",
                    "rated_engagement",
                    "clicks",
                    "followers",
                )
            )

    incremental = state()
    rollups.rebuild()
    assert state() == incremental
    with brand_scope(brand):
        assert kpis.totals(brand, MARCH).posts == 3
        assert kpis.totals(brand, MARCH).engagement == 30


def test_a_late_older_snapshot_does_not_count_twice(stream):
    brand, _acct = stream
    rollups.refresh()
    with brand_scope(brand):
        v1 = kpis.totals(brand, MARCH).engagement
        from tribune.publishing.models import Variant

        variant = Variant.objects.order_by("pk").first()
    assert variant is not None
    f.snapshot(variant, utc(2026, 3, 10, 18), likes=12, impressions=250)  # arrives late
    rollups.refresh()
    with brand_scope(brand):
        assert kpis.totals(brand, MARCH).engagement == v1


def test_other_brands_rows_stay_out(stream, tenants):
    brand, _acct = stream
    other = f.account(tenants.brand_b)
    v = f.published(other, utc(2026, 3, 12, 9))
    f.snapshot(v, utc(2026, 3, 12, 10), likes=999, impressions=1000)
    rollups.refresh()
    with brand_scope(brand):
        assert kpis.totals(brand, MARCH).engagement == 27
    with brand_scope(tenants.brand_b):
        assert kpis.totals(tenants.brand_b, MARCH).engagement == 999


def test_kpi_providers_measure_objectives(stream):
    from tribune.strategy.kpis import measure
    from tribune.strategy.models import Kpi, Objective

    brand, acct = stream
    rollups.refresh()
    with brand_scope(brand):
        objective = Objective.objects.create(brand=brand, kind="notoriety", title="Engagement")
        kpi = Kpi.objects.create(
            brand=brand,
            objective=objective,
            metric="engagement_rate",
            target=Decimal("10"),
            period_start=MARCH.start,
            period_end=MARCH.end,
        )
        progress = measure(brand, kpi)
        assert progress.available and progress.value == pytest.approx(27 / 550 * 100)
        assert progress.percent == pytest.approx(27 / 550 * 1000)
        kpi.metric, kpi.target = "link_clicks", Decimal("4")
        assert measure(brand, kpi).percent == pytest.approx(25.0)
        kpi.metric = "ctr"
        kpi.period_start, kpi.period_end = FEBRUARY.start, FEBRUARY.end
        assert measure(brand, kpi).value is None  # empty period: "no data yet"
        kpi.metric, kpi.account = "impressions", acct
        kpi.period_start, kpi.period_end = MARCH.start, MARCH.end
        assert measure(brand, kpi).value == 550.0


def test_response_time_in_brand_days(tenants):
    from tests.inbox import factories as inbox
    from tribune.inbox.models import ResponseRecord

    brand = tenants.brand_a
    # (received at, minutes to answer or None = waiting, breached)
    cases = [
        (utc(2026, 3, 31, 21, 50), 10, False),  # 23:50 on 31 March in Paris
        (utc(2026, 3, 31, 22, 10), 30, False),  # 00:10 on 1 April: April's
        (utc(2026, 3, 15, 9), 90, True),
        (utc(2026, 3, 16, 9), None, False),
    ]
    for received, minutes, breached in cases:
        thread = inbox.thread(brand, at=received)
        with brand_scope(brand):
            ResponseRecord.objects.create(
                brand=brand,
                thread=thread,
                account=thread.account,
                message=thread.messages.get(),
                received_at=received,
                business_hours=True,
                target_minutes=60,
                due_at=received,
                outcome="answered" if minutes is not None else "waiting",
                response_seconds=minutes * 60 if minutes is not None else None,
                breached=breached,
            )
    with brand_scope(brand):
        march = kpis.response_times(brand, MARCH)
        assert march["received"] == 3 and march["answered"] == 2 and march["waiting"] == 1
        assert march["median_minutes"] == 50.0  # median of 10 and 90
        assert march["within_target"] == 50.0
        april = kpis.response_times(brand, APRIL)
        assert april["median_minutes"] == 30.0 and april["within_target"] == 100.0
        empty = kpis.response_times(brand, FEBRUARY)
        assert empty["median_minutes"] is None and empty["within_target"] is None


def test_cost_per_result_provider_uses_spent_budget(stream):
    from tribune.analytics.models import Conversion
    from tribune.strategy.kpis import measure
    from tribune.strategy.models import Campaign, Kpi, Objective

    brand, _acct = stream
    goal = f.goal(brand, "lead")
    with brand_scope(brand):
        Campaign.objects.create(
            brand=brand,
            name="Printemps",
            start_date=date(2026, 3, 1),
            end_date=date(2026, 3, 31),
            budget_spent=Decimal("500"),
        )
        for i in range(4):
            Conversion.objects.create(
                brand=brand,
                goal=goal,
                idempotency_key=f"c{i}",
                occurred_at=utc(2026, 3, 5 + i, 10),
                source="csv",
            )
    rollups.refresh()
    with brand_scope(brand):
        objective = Objective.objects.create(brand=brand, kind="business", title="Leads")
        kpi = Kpi.objects.create(
            brand=brand,
            objective=objective,
            metric="cost_per_result",
            target=Decimal("100"),
            period_start=MARCH.start,
            period_end=MARCH.end,
        )
        assert measure(brand, kpi).value == 125.0
        kpi.metric = "conversions"
        assert measure(brand, kpi).value == 4.0
        kpi.period_start, kpi.period_end = APRIL.start, APRIL.end
        kpi.metric = "cost_per_result"
        assert measure(brand, kpi).value is None  # no campaign, no conversion
