"""Community rows for tests and the isolation matrix's URL factories."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.community.models import (
    Briefing,
    Event,
    Identity,
    Invitation,
    Member,
    Merge,
    MergeSuggestion,
    Segment,
)
from tribune.core.scope import brand_scope


def make_member(
    brand: Brand,
    name: str = "",
    *,
    email: str = "",
    handle: str = "",
    network: str = "sandbox",
    consent: bool = False,
    score: float = 0.0,
    **extra: object,
) -> Member:
    with brand_scope(brand):
        member = Member.objects.create(
            brand=brand,
            display_name=name or f"Membre {secrets.token_hex(3)}",
            email_consent=consent,
            email_consent_at=timezone.now() if consent else None,
            email_consent_source="test" if consent else "",
            score=score,
            **extra,
        )
        if email:
            Identity.objects.create(
                brand=brand, member=member, network="email", handle=email, email=email
            )
        if handle:
            Identity.objects.create(brand=brand, member=member, network=network, handle=handle)
        return member


def make_event(brand: Brand, **extra: object) -> Event:
    now = timezone.now()
    with brand_scope(brand):
        return Event.objects.create(
            brand=brand,
            title=str(extra.pop("title", "Rencontre")),
            starts_at=extra.pop("starts_at", now + timedelta(days=7)),
            ends_at=extra.pop("ends_at", now + timedelta(days=7, hours=2)),
            location="Lyon",
            **extra,
        )


def _invitation(brand: Brand) -> int:
    event, member = make_event(brand), make_member(brand)
    with brand_scope(brand):
        return Invitation.objects.create(
            brand=brand, event=event, member=member, invited_at=timezone.now()
        ).pk


def _suggestion(brand: Brand) -> int:
    a, b = make_member(brand), make_member(brand)
    with brand_scope(brand):
        return MergeSuggestion.objects.create(
            brand=brand, first=a, second=b, confidence=0.9, reasons=[]
        ).pk


def _merge(brand: Brand) -> int:
    a, b = make_member(brand), make_member(brand)
    with brand_scope(brand):
        b.merged_into = a
        b.save()
        return Merge.objects.create(
            brand=brand, survivor=a, absorbed=b, merged_at=timezone.now()
        ).pk


def _briefing(brand: Brand) -> int:
    with brand_scope(brand):
        return Briefing.objects.create(
            brand=brand,
            title="Lancement",
            content="Secret",
            share_keyword="lancement",
            embargo_until=timezone.now() + timedelta(days=1),
        ).pk


def _segment(brand: Brand) -> int:
    with brand_scope(brand):
        return Segment.objects.create(brand=brand, name=f"S {secrets.token_hex(3)}").pk


URL_FACTORIES: dict[str, Callable[[Brand], object]] = {
    "member_id": lambda brand: make_member(brand).pk,
    "member_op": lambda brand: "profile",
    "export_format": lambda brand: "json",
    "suggestion_id": _suggestion,
    "suggestion_op": lambda brand: "dismiss",
    "merge_id": _merge,
    "event_id": lambda brand: make_event(brand).pk,
    "event_op": lambda brand: "survey",
    "invitation_id": _invitation,
    "briefing_id": _briefing,
    "segment_id": _segment,
}
