"""Dashboards and configuration screens: what each role sees, CSV exports, forms."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.analytics import factories as f
from tests.conftest import PASSWORD
from tribune.analytics import rollups
from tribune.analytics.models import Competitor, CompetitorSnapshot, ConversionGoal, ReportTemplate
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope, unscoped


@pytest.fixture
def activity(tenants):
    brand = tenants.brand_a
    acct = f.account(brand)
    now = timezone.now()
    for day in range(10):
        at = now - timedelta(days=day, hours=1)
        v = f.published(acct, at, text=f"Post {day}")
        f.snapshot(v, at + timedelta(minutes=30), likes=10 + day, replies=1, impressions=100)
        f.followers(acct, at, 500 + day)
    rollups.refresh()
    return brand, acct


def login(client, tenants, role: str) -> None:
    user = tenants.owner if role == "owner" else tenants.people[role]
    client.login(email=user.email, password=PASSWORD)


@pytest.mark.parametrize("role", ["analyst", "client_reviewer", "strategist", "community_manager"])
def test_every_reading_role_sees_the_dashboard(client, tenants, activity, role):
    brand, _acct = activity
    login(client, tenants, role)
    response = client.get(reverse("analytics:dashboard", args=[brand.slug]), {"days": 30})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="card-engagement"' in body and "<svg" in body
    assert "@alpha.sb" in body


def test_csv_export_of_each_table(client, tenants, activity):
    brand, _acct = activity
    login(client, tenants, "analyst")
    url = reverse("analytics:dashboard", args=[brand.slug])
    response = client.get(url, {"days": 7, "export": "accounts"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "@alpha.sb" and len(rows) == 2
    daily = list(
        csv.reader(
            io.StringIO(client.get(url, {"days": 7, "export": "daily"}).content.decode("utf-8-sig"))
        )
    )
    assert len(daily) == 8  # header + 7 days
    posts = client.get(url, {"days": 30, "export": "posts"}).content.decode("utf-8-sig")
    assert "Post 9" in posts and "=" not in posts.split("\n", 1)[0]
    assert client.get(url, {"export": "nope"}).status_code == 404


def test_csv_cells_cannot_run_formulas(client, tenants):
    brand = tenants.brand_a
    acct = f.account(brand)
    v = f.published(acct, timezone.now() - timedelta(hours=2), text='=HYPERLINK("http://x")')
    f.snapshot(v, timezone.now() - timedelta(hours=1), likes=1)
    rollups.refresh()
    login(client, tenants, "analyst")
    body = client.get(
        reverse("analytics:dashboard", args=[brand.slug]), {"export": "posts"}
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_date_range_and_bad_range(client, tenants, activity):
    brand, _acct = activity
    login(client, tenants, "analyst")
    url = reverse("analytics:dashboard", args=[brand.slug])
    response = client.get(url, {"start": "2026-01-01", "end": "2026-01-31"})
    assert response.status_code == 200 and "2026" in response.content.decode()
    response = client.get(url, {"start": "2026-02-01", "end": "2026-01-01"})
    assert (
        "The end date is before the start date." in response.content.decode()
        or "La date de fin" in response.content.decode()
    )


def test_account_and_campaign_dashboards(client, tenants, activity):
    from tests.strategy.factories import campaign

    brand, acct = activity
    login(client, tenants, "analyst")
    assert client.get(reverse("analytics:account", args=[brand.slug, acct.pk])).status_code == 200
    camp = campaign(brand)
    with brand_scope(brand):
        camp.budget_spent = Decimal("300")
        camp.utm_campaign = "spring"
        camp.start_date = (timezone.now() - timedelta(days=20)).date()
        camp.end_date = timezone.now().date()
        camp.save()
        goal = f.goal(brand, "lead", campaign=camp)
        from tribune.analytics.models import Conversion

        for i in range(4):
            Conversion.objects.create(
                brand=brand,
                goal=goal,
                idempotency_key=f"k{i}",
                occurred_at=timezone.now() - timedelta(days=1),
                source="api",
            )
    response = client.get(reverse("analytics:campaign", args=[brand.slug, camp.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="campaign-cpr"' in body and "75" in body  # 300 / 4


def test_agency_overview_lists_only_readable_brands(client, tenants, activity):
    login(client, tenants, "owner")
    body = client.get(reverse("analytics:agency")).content.decode()
    assert "Alpha" in body and "Beta" in body and "Gamma" not in body
    login(client, tenants, "analyst")
    body = client.get(reverse("analytics:agency")).content.decode()
    assert "Alpha" in body and "Beta" not in body
    export = client.get(reverse("analytics:agency"), {"export": "brands"}).content.decode(
        "utf-8-sig"
    )
    assert "Alpha" in export


def test_strategist_configures_goals_reports_competitors(client, tenants, activity):
    brand, _acct = activity
    login(client, tenants, "strategist")
    response = client.post(
        reverse("analytics:goal_new", args=[brand.slug]),
        {
            "name": "Inscriptions",
            "key": "inscription",
            "window_days": 7,
            "value": "0",
            "pixel_enabled": "on",
        },
    )
    assert response.status_code == 302
    dup = client.post(
        reverse("analytics:goal_new", args=[brand.slug]),
        {"name": "Encore", "key": "inscription", "window_days": 7, "value": "0"},
    )
    assert dup.status_code == 200  # the form explains the clash
    response = client.post(
        reverse("analytics:template_new", args=[brand.slug]),
        {
            "name": "Mensuel",
            "sections": ["summary", "kpis"],
            "language": "fr",
            "frequency": "monthly",
            "recipients": "pas-une-adresse",
        },
    )
    assert response.status_code == 200
    response = client.post(
        reverse("analytics:template_new", args=[brand.slug]),
        {
            "name": "Mensuel",
            "sections": ["summary", "kpis"],
            "language": "fr",
            "frequency": "monthly",
            "recipients": "client@example.test",
        },
    )
    assert response.status_code == 302
    with brand_scope(brand):
        template = ReportTemplate.objects.get()
        assert ConversionGoal.objects.get().key == "inscription"
    pdf = client.get(reverse("analytics:report_pdf", args=[brand.slug, template.pk]), {"days": 30})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = client.get(reverse("analytics:report_html", args=[brand.slug, template.pk]))
    assert (
        html.status_code == 200 and "<style>" not in html.content.decode()
    )  # CSP: no inline style
    with unscoped():
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"analytics.goal_saved", "analytics.report_template_saved"} <= actions


def test_roles_without_strategy_cannot_configure(client, tenants, activity):
    brand, _acct = activity
    login(client, tenants, "analyst")
    assert client.get(reverse("analytics:goal_new", args=[brand.slug])).status_code == 403
    assert client.get(reverse("analytics:template_new", args=[brand.slug])).status_code == 403
    assert (
        client.post(reverse("analytics:competitors", args=[brand.slug]), {"name": "x"}).status_code
        == 403
    )
    assert client.post(reverse("analytics:rotate_secret", args=[brand.slug])).status_code == 403


def test_competitor_benchmark_from_the_sandbox_and_typed_figures(client, tenants, activity):
    from tribune.networks.sandbox import simulator

    brand, _acct = activity
    now = timezone.now()
    profile = simulator.ensure_brand_profile(
        "rival.sandbox",
        "Rival",
        "fr",
        seed=5,
        start=now - timedelta(days=20),
        products=["savon"],
        base_followers=3000,
    )
    simulator.seed_brand_posts(profile, now - timedelta(days=20), now)
    simulator.advance(profile, now)
    login(client, tenants, "strategist")
    url = reverse("analytics:competitors", args=[brand.slug])
    assert (
        client.post(
            url, {"name": "Rival", "network": "sandbox", "handle": "@rival.sandbox"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"name": "Ghost", "network": "sandbox", "handle": "ghost.sandbox"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"name": "Mastodon", "network": "mastodon", "handle": "rival@mastodon.social"}
        ).status_code
        == 302
    )
    with brand_scope(brand):
        rival = Competitor.objects.get(handle="rival.sandbox")
        snap = CompetitorSnapshot.objects.get(competitor=rival)
        assert snap.followers is not None and snap.followers >= 3000
        assert snap.posts_last_30d and snap.engagement_rate is not None
        assert Competitor.objects.get(handle="ghost.sandbox").last_error
        masto = Competitor.objects.get(network="mastodon")
    response = client.post(
        reverse("analytics:competitor_action", args=[brand.slug, masto.pk, "figures"]),
        {"followers": "1200", "posts_last_30d": "12", "engagement_rate": "2.5"},
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert body.count('data-testid="competitor-row"') == 3 and 'data-testid="own-row"' in body
    export = client.get(url, {"export": "competitors"}).content.decode("utf-8-sig")
    assert "1200" in export and "rival.sandbox" in export
    client.post(reverse("analytics:competitor_action", args=[brand.slug, masto.pk, "remove"]))
    with brand_scope(brand):
        assert not Competitor.objects.filter(pk=masto.pk).exists()


def test_share_of_voice_and_response_time(tenants):
    from tribune.analytics import kpis
    from tribune.listening.models import Mention, MentionMatch, Query

    brand = tenants.brand_a
    at = datetime(2026, 3, 10, 12, tzinfo=UTC)
    with brand_scope(brand):
        own = Query.objects.create(brand=brand, name="Alpha", expression="alpha", kind="brand")
        rival = Query.objects.create(
            brand=brand, name="Rival", expression="rival", kind="competitor"
        )
        for i, queries in enumerate([[own], [own], [own, rival], [rival]]):
            m = Mention.objects.create(
                brand=brand,
                network="web",
                key=f"k{i}",
                text="x",
                text_hash=str(i),
                published_at=at,
                fetched_at=at,
            )
            for q in queries:
                MentionMatch.objects.create(brand=brand, query=q, mention=m, published_at=at)
        sov = kpis.share_of_voice(brand, kpis.Period(at.date(), at.date()))
        assert sov == {"own": 3, "competitors": 2, "share": 75.0}
        empty = kpis.share_of_voice(
            brand, kpis.Period(at.date() + timedelta(days=1), at.date() + timedelta(days=2))
        )
        assert empty["share"] is None


def test_refresh_job_warms_the_usual_views(tenants, activity, django_assert_max_num_queries):
    from django.utils import translation

    from tribune.analytics import kpis, pages
    from tribune.analytics.tasks import refresh_rollups

    brand, acct = activity
    f.snapshot(f.published(acct, timezone.now() - timedelta(hours=3)), timezone.now(), likes=2)
    done = refresh_rollups.call()
    assert done["snapshots"] == 1 and done["warmed"] >= 2
    # Warmed into the database cache, which every web process and machine reads (a
    # per-process memory cache would keep the worker's work to itself).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tribune_cache")
        assert cursor.fetchone()[0] >= 2
    today = timezone.localdate(timezone=brand.tz)
    with (
        brand_scope(brand),
        translation.override(brand.language),
        # the refresh time, then the figures from the shared cache table
        django_assert_max_num_queries(2),
    ):
        data = pages.brand_page(brand, kpis.last_days(today, 90))
    assert data["accounts"].rows[0]["account"] == "@alpha.sb"
    assert refresh_rollups.call() == {
        "posts": 0,
        "snapshots": 0,
        "clicks": 0,
        "conversions": 0,
        "followers": 0,
    }
