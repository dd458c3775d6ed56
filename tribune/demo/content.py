"""Demo content: a charter, objectives, and posts in every state of the workflow.

Idempotent: each piece is created once, found again by its title afterwards.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from tribune.accounts.models import Brand, User
from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.networks.sandbox.connector import post_url
from tribune.networks.sandbox.models import Post as NetworkPost
from tribune.publishing import metrics, workflow
from tribune.publishing.models import Post, PostStatus, Variant
from tribune.strategy.hours import BusinessHours
from tribune.strategy.models import Kpi, Objective
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.services.charter import current_version, do_save_charter

CHARTER_TEXT = """# Charte sociale

- Tutoyer la communauté, rester chaleureux et précis.
- Répondre à toute question en moins de 2 heures ouvrées.
- Jamais de promesse de prix ou de délai non validée par le service client.
- Tout contenu sponsorisé porte la mention #sponsorisé.
"""

RULES = {
    "banned_terms": [
        {"term": "arnaque", "severity": "block", "reason": "Vocabulaire de crise"},
        {"term": "gratuit", "severity": "warn", "reason": "Promesse commerciale à valider"},
    ],
    "hashtags": {"default": 3},
}

UPCOMING = [
    (1, 10, "Les coulisses de l'atelier cette semaine 📸", PostStatus.SCHEDULED),
    (2, 12, "Question du jour : quel est votre rituel du matin ?", PostStatus.SCHEDULED),
    (3, 18, "Nouveautés de la semaine https://example.com/nouveautes", PostStatus.IN_REVIEW),
    (5, 9, "Idée : un live avec notre équipe produit", PostStatus.DRAFT),
]


def seed_content(authors: dict[str, str], approver_email: str) -> None:
    """``authors``: brand slug → email of the community manager who writes its posts."""
    approver = User.objects.get(email=approver_email)
    for brand in Brand.objects.filter(slug__in=list(authors)):
        author = User.objects.get(email=authors[brand.slug])
        with brand_scope(brand):
            _charter(brand, approver)
            _objective(brand, approver)
            _history(brand, author)
            _upcoming(brand, author, approver)
            _listening(brand, approver)
    metrics.collect()


LISTENING = {
    "maison-lumiere": [
        ("Maison Lumière", "brand", '"Maison Lumière" OR maisonlumiere'),
        ("Produits", "product", '"crème de jour" OR "huile sèche" OR savon'),
    ],
    "orbitale": [
        ("Orbitale", "brand", "Orbitale OR orbitale"),
        ("Produits", "product", '"Orbitale Planning" OR "connecteur SAP"'),
    ],
}


def _listening(brand: Brand, actor: User) -> None:
    """Queries on the brand and its products, the sandbox as a source, an on-call rota."""
    from tribune.listening.models import OnCallPerson, OnCallSchedule, Query, Source
    from tribune.listening.services.queries import do_save_query
    from tribune.listening.services.sources import do_create_source

    for name, kind, expression in LISTENING.get(brand.slug, []):
        if not Query.objects.filter(brand=brand, name=name).exists():
            do_save_query(Query(brand=brand, name=name, kind=kind, expression=expression), actor)
    if not Source.objects.filter(brand=brand, kind="sandbox").exists():
        do_create_source(brand, actor, kind="sandbox", name="Bac à sable")
    schedule, _created = OnCallSchedule.objects.get_or_create(brand=brand)
    if not OnCallPerson.objects.filter(schedule=schedule).exists():
        OnCallPerson.objects.create(brand=brand, schedule=schedule, user=actor, position=0)


def _charter(brand: Brand, actor: User) -> None:
    if current_version(brand) is None:
        do_save_charter(
            brand,
            actor,
            document_source=CHARTER_TEXT,
            rules=CharterRules.from_dict(RULES),
            hours=BusinessHours(),
            note="Version de démonstration",
        )


def _objective(brand: Brand, owner: User) -> None:
    title = "Notoriété : grandir sur les réseaux"
    if Objective.objects.filter(brand=brand, title=title).exists():
        return
    today = timezone.now().astimezone(brand.tz).date()
    objective = Objective.objects.create(
        brand=brand, kind="notoriety", title=title, owner=owner, status="active"
    )
    for metric, target in (("follower_growth", 300), ("posts_published", 40)):
        Kpi.objects.create(
            brand=brand,
            objective=objective,
            metric=metric,
            target=target,
            period_start=today.replace(day=1),
            period_end=today.replace(day=1) + timedelta(days=59),
        )


def _history(brand: Brand, author: User) -> None:
    """The brand's posts already on the sandbox network become published posts."""
    for account in SocialAccount.objects.filter(brand=brand, network="sandbox"):
        known = set(Variant.objects.filter(account=account).values_list("remote_id", flat=True))
        for remote in NetworkPost.objects.filter(
            author__handle=account.handle, reply_to__isnull=True
        ).order_by("-created_at")[:12]:
            if str(remote.remote_id) in known:
                continue
            post = Post.objects.create(
                brand=brand,
                author=author,
                text=remote.text,
                status=PostStatus.PUBLISHED,
                scheduled_at=remote.created_at,
            )
            Variant.objects.create(
                post=post,
                brand=brand,
                account=account,
                status=PostStatus.PUBLISHED,
                remote_id=str(remote.remote_id),
                remote_url=post_url(remote),
                published_at=remote.created_at,
                idempotency_key=uuid.uuid4(),
            )


def _upcoming(brand: Brand, author: User, approver: User) -> None:
    accounts = list(SocialAccount.objects.filter(brand=brand, network="sandbox"))
    now = timezone.now().astimezone(brand.tz)
    for days, hour, text, status in UPCOMING:
        if Post.objects.filter(brand=brand, text=text).exists():
            continue
        when = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
        post = workflow.do_save_post(brand, author, text=text, accounts=accounts, scheduled_at=when)
        if status in (PostStatus.IN_REVIEW, PostStatus.SCHEDULED):
            workflow.do_submit(post, author)
        if status == PostStatus.SCHEDULED:
            workflow.do_approve(post, approver)
