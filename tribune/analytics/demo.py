"""Demo analytics: metric history of the demo posts, a campaign with conversions through
tracked links, a competitor on the sandbox, a monthly report template. Idempotent."""

from __future__ import annotations

import math
import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.analytics import competitors, rollups
from tribune.analytics.conversions import endpoint_for
from tribune.analytics.models import Competitor, Conversion, ConversionGoal, ReportTemplate
from tribune.analytics.reports import SECTION_KEYS
from tribune.core.scope import brand_scope
from tribune.networks.sandbox import simulator
from tribune.networks.sandbox.connector import simulated_saves, simulated_video_views
from tribune.networks.sandbox.models import Post as NetworkPost
from tribune.publishing.models import (
    LinkClick,
    PostMetricSnapshot,
    PostStatus,
    TrackedLink,
    Variant,
)

DEMO: dict[str, dict] = {
    "maison-lumiere": {
        "competitor": ("savonnerie-rivale.sandbox", "La Savonnerie Rivale", ["savon", "coffret"]),
        "campaign": ("Coffret de Noël", "coffret-noel", "commande-coffret", "Commandes du coffret"),
        "recipients": "client@demo.tribune.local\nsmm@demo.tribune.local",
    },
    "orbitale": {
        "competitor": ("planifix.sandbox", "Planifix", ["planning", "gantt"]),
        "campaign": (
            "Webinaire planification",
            "webinaire-mars",
            "inscription-webinaire",
            "Inscriptions au webinaire",
        ),
        "recipients": "smm@demo.tribune.local",
    },
}


def _history(brand: Brand, now: datetime) -> None:
    """A snapshot per day of each demo post, rising toward its current figures."""
    variants = Variant.objects.filter(brand=brand, status=PostStatus.PUBLISHED).exclude(
        remote_id=""
    )
    for variant in variants:
        if (
            variant.published_at is None
            or PostMetricSnapshot.objects.filter(
                variant=variant, at__lt=now - timedelta(hours=2)
            ).exists()
        ):
            continue
        try:
            remote = NetworkPost.objects.filter(remote_id=uuid.UUID(variant.remote_id)).first()
        except ValueError:
            continue
        if remote is None:
            continue
        saves, views = simulated_saves(remote), simulated_video_views(remote)
        rows, at = [], variant.published_at + timedelta(hours=2)
        while at < now:
            share = 1 - math.exp(-(at - variant.published_at).total_seconds() / 3600 / 20)
            rows.append(
                PostMetricSnapshot(
                    variant=variant,
                    brand=brand,
                    at=at,
                    likes=round(remote.likes * share),
                    replies=round(remote.reply_count * share),
                    reposts=round(remote.reposts * share),
                    quotes=round(remote.quotes * share),
                    impressions=round(max(remote.impressions, 1) * share),
                    link_clicks=round(remote.link_clicks * share),
                    saves=round(saves * share),
                    video_views=None if views is None else round(views * share),
                )
            )
            at += timedelta(days=1)
        PostMetricSnapshot.objects.bulk_create(rows)


def _campaign(brand: Brand, spec: dict, now: datetime) -> None:
    from tribune.strategy.models import Campaign

    name, utm, key, label = spec["campaign"]
    today = now.astimezone(brand.tz).date()
    campaign, _created = Campaign.objects.get_or_create(
        brand=brand,
        name=name,
        defaults={
            "start_date": today - timedelta(days=21),
            "end_date": today + timedelta(days=14),
            "budget_planned": Decimal("1500"),
            "budget_spent": Decimal("640"),
            "utm_campaign": utm,
            "status": "running",
            "networks": ["sandbox"],
        },
    )
    goal, _created = ConversionGoal.objects.get_or_create(
        brand=brand,
        key=key,
        defaults={"name": label, "campaign": campaign, "target": 120, "value": Decimal("35")},
    )
    if Conversion.objects.filter(brand=brand, goal=goal).exists():
        return
    endpoint_for(brand)
    rng = random.Random(f"demo-conversions:{brand.slug}")
    published = list(
        Variant.objects.filter(brand=brand, status=PostStatus.PUBLISHED).order_by("-published_at")[
            :4
        ]
    )
    links = [
        TrackedLink.objects.get_or_create(
            brand=brand,
            code=f"demo{brand.pk}{v.pk}",
            defaults={
                "target_url": f"https://{brand.slug}.example/offre?utm_campaign={utm}",
                "original_url": f"https://{brand.slug}.example/offre",
                "variant": v,
                "network": v.account.network,
                "campaign": utm,
            },
        )[0]
        for v in published
    ]
    for link in links:
        start = link.variant.published_at if link.variant and link.variant.published_at else now
        for _ in range(rng.randint(25, 60)):
            at = start + timedelta(minutes=rng.randint(5, 4 * 24 * 60))
            if at >= now:
                continue
            click = LinkClick.objects.create(
                link=link, brand=brand, at=at, agent=rng.choice(["mobile", "mobile", "desktop"])
            )
            link.clicks += 1
            if rng.random() < 0.18:
                Conversion.objects.create(
                    brand=brand,
                    goal=goal,
                    idempotency_key=f"demo-{click.pk}",
                    occurred_at=min(at + timedelta(minutes=rng.randint(2, 90)), now),
                    source=Conversion.Source.API,
                    value=goal.value,
                    click=click,
                    link=link,
                    variant=link.variant,
                    account_id=link.variant.account_id if link.variant else None,
                    utm_campaign=utm,
                )
        link.save(update_fields=["clicks"])


def _competitor(brand: Brand, spec: dict, now: datetime, start: datetime) -> None:
    handle, name, products = spec["competitor"]
    profile = simulator.ensure_brand_profile(
        handle, name, "fr", seed=11, start=start, products=products, base_followers=3900
    )
    simulator.seed_brand_posts(profile, start, now, per_day=1.6)
    simulator.advance(profile, now)
    competitor, _created = Competitor.objects.get_or_create(
        brand=brand, network="sandbox", handle=handle, defaults={"name": name}
    )
    if not competitor.snapshots.filter(at__gte=now - timedelta(hours=6)).exists():
        # A figure a week back and one now, so the growth column has something to say.
        competitors.collect(competitor, now - timedelta(days=7))
        competitors.collect(competitor, now)


def seed_analytics(days: int = 28) -> None:
    now = timezone.now()
    start = simulator.floor_hour(now - timedelta(days=days))
    for slug, spec in DEMO.items():
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            continue
        with brand_scope(brand):
            _history(brand, now)
            _campaign(brand, spec, now)
            _competitor(brand, spec, now, start)
            ReportTemplate.objects.get_or_create(
                brand=brand,
                name="Rapport mensuel",
                defaults={
                    "sections": SECTION_KEYS,
                    "language": "fr",
                    "frequency": "monthly",
                    "recipients": spec["recipients"],
                },
            )
    rollups.refresh()
