"""Saves and video views through the rollups, the dashboards and the CSV exports, on a
known stream where one account's network gives them and the other's does not."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from tests.analytics import factories as f
from tests.conftest import PASSWORD
from tribune.analytics import kpis, rollups
from tribune.analytics.models import DailyMetric, PostTotals
from tribune.core.scope import brand_scope

MARCH = kpis.Period(date(2026, 3, 1), date(2026, 3, 31))
FEBRUARY = kpis.Period(date(2026, 2, 1), date(2026, 2, 28))
QUERY = {"start": "2026-03-01", "end": "2026-03-31"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def stream(tenants):
    brand = tenants.brand_a  # Europe/Paris
    given = f.account(brand, "video.sb")  # a network that gives saves and video views
    silent = f.account(brand, "plain.sb")  # one that gives neither
    clip = f.published(given, utc(2026, 3, 10, 9), text="Reel de l'atelier")
    f.snapshot(clip, utc(2026, 3, 10, 12), likes=10, impressions=200, saves=2, video_views=150)
    f.snapshot(clip, utc(2026, 3, 11, 12), likes=15, impressions=400, saves=5, video_views=300)
    # The network left both out this time: unknown, not a drop to 0.
    f.snapshot(clip, utc(2026, 3, 12, 12), likes=16, impressions=420)
    f.snapshot(clip, utc(2026, 3, 13, 12), likes=16, impressions=450, saves=6, video_views=320)
    photo = f.published(given, utc(2026, 3, 15, 9), text="Photo du jour")
    f.snapshot(photo, utc(2026, 3, 15, 12), likes=4, impressions=80, saves=0)  # a real zero
    plain = f.published(silent, utc(2026, 3, 10, 9), text="Sans vidéo")
    f.snapshot(plain, utc(2026, 3, 10, 12), likes=7, impressions=90)
    return brand, given, silent


def test_totals_per_brand_and_account_keep_unknown_apart_from_zero(stream):
    brand, given, silent = stream
    rollups.refresh()
    with brand_scope(brand):
        march = kpis.totals(brand, MARCH)
        assert (march.saves, march.video_views) == (6, 320)
        # Saves are not engagement (docs/analytics.md): 16 + 4 + 7 likes only.
        assert march.engagement == 27
        assert march.engagement_rate == pytest.approx(27 / (450 + 80 + 90) * 100)
        by_account = kpis.totals_by_account(brand, MARCH)
        assert (by_account[given.pk].saves, by_account[given.pk].video_views) == (6, 320)
        assert (by_account[silent.pk].saves, by_account[silent.pk].video_views) == (None, None)
        only_silent = kpis.totals(brand, MARCH, [silent.pk])
        assert only_silent.saves is None and only_silent.video_views is None
        assert kpis.totals(brand, FEBRUARY).saves is None  # nothing reported: unknown
        day = {(r.account_id, r.day): r for r in DailyMetric.objects.filter(brand=brand)}
        assert (
            day[given.pk, date(2026, 3, 11)].saves,
            day[given.pk, date(2026, 3, 11)].video_views,
        ) == (3, 150)
        assert day[given.pk, date(2026, 3, 12)].saves is None  # no snapshot gave it that day
        assert day[given.pk, date(2026, 3, 15)].saves == 0  # reported, nothing new
        assert day[given.pk, date(2026, 3, 15)].video_views is None  # a photo
        totals = {t.variant.body: t for t in PostTotals.objects.select_related("variant")}
        assert (totals["Reel de l'atelier"].saves, totals["Reel de l'atelier"].video_views) == (
            6,
            320,
        )
        assert (totals["Photo du jour"].saves, totals["Photo du jour"].video_views) == (0, None)
        assert (totals["Sans vidéo"].saves, totals["Sans vidéo"].video_views) == (None, None)


def test_rebuild_gives_the_incremental_figures(stream):
    """Run on both databases: on PostgreSQL the rebuild is the set-based SQL pass."""
    brand, _given, _silent = stream
    rollups.refresh()

    def state() -> tuple[list[tuple], list[tuple]]:
        with brand_scope(brand):
            daily = DailyMetric.objects.values_list(
                "account_id", "day", "likes", "impressions", "saves", "video_views"
            )
            posts = PostTotals.objects.values_list("variant_id", "saves", "video_views")
            return sorted(daily), sorted(posts)

    incremental = state()
    rollups.rebuild()
    assert state() == incremental


def login(client, tenants) -> None:
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_dashboards_show_the_figures_or_say_the_network_gives_none(client, tenants, stream):
    brand, given, silent = stream
    rollups.refresh()
    login(client, tenants)
    body = client.get(reverse("analytics:dashboard", args=[brand.slug]), QUERY).content.decode()
    saves_card = body.split('data-testid="card-saves"')[1].split("</article>")[0]
    views_card = body.split('data-testid="card-video_views"')[1].split("</article>")[0]
    assert ">6<" in saves_card and ">320<" in views_card
    posts = body.split('data-testid="table-posts"')[1].split("</section>")[0]
    assert '<th scope="col">Saves</th>' in posts and '<th scope="col">Video views</th>' in posts
    assert posts.count('<td title="Not given by this network">—</td>') == 3  # 2 + the photo's
    account = client.get(reverse("analytics:account", args=[brand.slug, silent.pk]), QUERY)
    card = account.content.decode().split('data-testid="card-saves"')[1].split("</article>")[0]
    assert "—" in card and "Not given by the networks of these accounts" in card


def test_csv_exports_have_saves_and_video_views_columns(client, tenants, stream):
    brand, _given, _silent = stream
    rollups.refresh()
    login(client, tenants)
    url = reverse("analytics:dashboard", args=[brand.slug])

    def export(table: str) -> list[dict[str, str]]:
        text = client.get(url, {**QUERY, "export": table}).content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    accounts = {r["Account"]: r for r in export("accounts")}
    assert (accounts["@video.sb"]["Saves"], accounts["@video.sb"]["Video views"]) == ("6", "320")
    # Unknown is an empty cell, never 0.
    assert (accounts["@plain.sb"]["Saves"], accounts["@plain.sb"]["Video views"]) == ("", "")
    posts = {r["Post"]: r for r in export("posts")}
    assert (posts["Reel de l'atelier"]["Saves"], posts["Reel de l'atelier"]["Video views"]) == (
        "6",
        "320",
    )
    assert (posts["Photo du jour"]["Saves"], posts["Photo du jour"]["Video views"]) == ("0", "")
    assert (posts["Sans vidéo"]["Saves"], posts["Sans vidéo"]["Video views"]) == ("", "")
