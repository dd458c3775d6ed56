"""The demo agency: two client brands, people for every role, sandbox history.

Idempotent: running it again completes what is missing and simulates up to now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tribune.accounts.models import Brand, BrandRole, User, Workspace, WorkspaceMembership
from tribune.accounts.services import do_create_brand, do_create_workspace, do_grant_brand_role
from tribune.core.scope import brand_scope
from tribune.networks.base import Credentials
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.networks.sandbox import simulator
from tribune.networks.sandbox.models import Follow, Profile
from tribune.networks.services import do_connect_account

DEMO_PASSWORD = "tribune-demo"  # noqa: S105 - printed on purpose: demo data only

BRANDS: list[dict[str, Any]] = [
    {
        "slug": "maison-lumiere",
        "name": "Maison Lumière",
        "language": "fr",
        "description": "Cosmétiques naturels fabriqués en Drôme (client B2C).",
        "products": ["crème de jour", "savon au lait d'ânesse", "coffret de Noël", "huile sèche"],
        "accounts": [("maisonlumiere.sandbox", "Maison Lumière", "brand", "fr", 4800)],
    },
    {
        "slug": "orbitale",
        "name": "Orbitale",
        "language": "fr",
        "description": "Logiciel de planification de projets pour les PME (client B2B).",
        "products": ["Orbitale Planning", "l'API Orbitale", "le connecteur SAP", "l'appli mobile"],
        "accounts": [
            ("orbitale.sandbox", "Orbitale", "brand", "fr", 2100),
            ("orbitale-en.sandbox", "Orbitale (EN)", "brand", "en", 900),
        ],
    },
]

# email, full name, workspace role, {brand slug: role}
PEOPLE = [
    ("owner@demo.tribune.local", "Nadia Owner", "owner", {}),
    (
        "smm@demo.tribune.local",
        "Sophie Stratège",
        "member",
        {"maison-lumiere": "strategist", "orbitale": "strategist"},
    ),
    ("cm@demo.tribune.local", "Camille CM", "member", {"maison-lumiere": "community_manager"}),
    ("cm.orbitale@demo.tribune.local", "Hugo CM", "member", {"orbitale": "community_manager"}),
    (
        "client@demo.tribune.local",
        "Claire Cliente",
        "member",
        {"maison-lumiere": "client_reviewer"},
    ),
    ("analyst@demo.tribune.local", "Alex Analyste", "member", {"orbitale": "analyst"}),
]


@dataclass
class DemoResult:
    logins: list[tuple[str, str, str]]  # email, password, what they see


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    return user


@transaction.atomic
def seed_tenancy() -> Workspace:
    owner = _user(PEOPLE[0][0], PEOPLE[0][1])
    workspace = Workspace.objects.filter(slug="agence-hexagone").first()
    if workspace is None:
        workspace = do_create_workspace("Agence Hexagone", "agence-hexagone", "agency", owner)
    for spec in BRANDS:
        if not Brand.objects.filter(slug=spec["slug"]).exists():
            do_create_brand(
                workspace,
                owner,
                slug=spec["slug"],
                name=spec["name"],
                language=spec["language"],
                description=spec["description"],
                timezone="Europe/Paris",
            )
    for email, name, ws_role, grants in PEOPLE[1:]:
        user = _user(email, name)
        WorkspaceMembership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": ws_role}
        )
        for slug, role in grants.items():
            do_grant_brand_role(Brand.objects.get(slug=slug), user, role, owner)
    return workspace


def _followers_at(profile: Profile, moment: datetime) -> int:
    return (
        profile.base_followers
        + Follow.objects.filter(followee=profile, created_at__lte=moment).count()
    )


def seed_sandbox(days: int, seed: int = 7, progress=print) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    start = simulator.floor_hour(now - timedelta(days=days))
    owner = User.objects.get(email=PEOPLE[0][0])
    for spec in BRANDS:
        brand = Brand.objects.get(slug=spec["slug"])
        for handle, display, kind, lang, base in spec["accounts"]:
            with brand_scope(brand):
                account = SocialAccount.objects.filter(
                    brand=brand, network="sandbox", handle=handle
                ).first()
                if account is None:
                    account = do_connect_account(
                        brand,
                        "sandbox",
                        Credentials(handle=handle, remote_id=handle),
                        owner,
                        display_name=display,
                        kind=kind,
                        language=lang,
                    )
            profile = simulator.ensure_brand_profile(
                handle,
                display,
                lang,
                seed=seed,
                start=start,
                products=spec["products"],
                base_followers=base,
            )
            simulator.seed_brand_posts(profile, start, now)
            progress(f"  simulating @{handle} …")
            simulator.advance(profile, now)
            _daily_snapshots(brand, account, profile, start, now)


def _daily_snapshots(
    brand: Brand, account: SocialAccount, profile: Profile, start: datetime, end: datetime
) -> None:
    with brand_scope(brand):
        have = set(AccountSnapshot.objects.filter(account=account).values_list("at", flat=True))
        day = start.replace(hour=6)
        rows = []
        while day <= end:
            if day not in have:
                rows.append(
                    AccountSnapshot(
                        account=account,
                        brand=brand,
                        at=day,
                        followers=_followers_at(profile, day),
                        following=0,
                        posts=profile.posts.filter(created_at__lte=day).count(),
                    )
                )
            day += timedelta(days=1)
        AccountSnapshot.objects.bulk_create(rows)


def describe_logins() -> list[tuple[str, str, str]]:
    out = []
    for email, _name, ws_role, grants in PEOPLE:
        if ws_role == "owner":
            what = "workspace owner (all brands)"
        else:
            what = ", ".join(f"{role} on {slug}" for slug, role in grants.items())
        out.append((email, DEMO_PASSWORD, what))
    return out


def run_demo(days: int = 28, progress=print) -> DemoResult:  # type: ignore[no-untyped-def]
    from tribune.analytics.demo import seed_analytics
    from tribune.community.demo import seed_community
    from tribune.demo.content import seed_content

    seed_tenancy()
    seed_sandbox(days, progress=progress)
    progress("  charter, objectives and posts …")
    seed_content(
        {"maison-lumiere": "cm@demo.tribune.local", "orbitale": "cm.orbitale@demo.tribune.local"},
        "smm@demo.tribune.local",
    )
    progress("  analytics: metric history, conversions, competitors …")
    seed_analytics(days)
    seed_community(progress)
    return DemoResult(logins=describe_logins())


__all__ = ["run_demo", "DEMO_PASSWORD", "BrandRole"]
