"""Every community screen renders for readers; writes need the community capability."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_event, make_member
from tests.conftest import PASSWORD
from tribune.community.models import Interaction, Member, Segment
from tribune.community.services.scores import score_brand
from tribune.core.scope import brand_scope


@pytest.fixture
def populated(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    members = [
        make_member(brand, f"Membre {i}", handle=f"m{i}", email=f"m{i}@exemple.fr", consent=True)
        for i in range(6)
    ]
    with brand_scope(brand):
        now = timezone.now()
        for i, m in enumerate(members):
            for k in range(i + 1):
                Interaction.objects.create(
                    brand=brand,
                    member=m,
                    kind="mention" if k % 2 else "repost",
                    channel="sandbox",
                    occurred_at=now - timedelta(days=k),
                    summary=f"j'adore le produit @m{(i + 1) % 6}",
                    sentiment="positive",
                )
        score_brand(brand)
        Segment.objects.create(brand=brand, name="Fans", filters={"min_score": "1"})
    make_event(brand)
    return members


PAGES = [
    ("community:members", []),
    ("community:suggestions", []),
    ("community:leaders", []),
    ("community:pipeline", []),
    ("community:competitors", []),
    ("community:events", []),
    ("community:briefings", []),
    ("community:feedback", []),
    ("community:feedback_csv", []),
    ("community:segments", []),
]


@pytest.mark.parametrize("role", ["analyst", "community_manager", "strategist"])
def test_pages_render(client, tenants, populated, role):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people[role].email, password=PASSWORD)
    slug = tenants.brand_a.slug
    for name, args in PAGES:
        response = client.get(reverse(name, args=[slug, *args]))
        assert response.status_code == 200, name
    member = populated[-1]
    page = client.get(reverse("community:member", args=[slug, member.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Membre 5" in body and 'data-testid="formulas"' in body
    writer = role != "analyst"
    assert (
        'data-testid="sync"'
        in client.get(reverse("community:members", args=[slug])).content.decode()
    ) == writer


def test_analyst_cannot_write(client, tenants, populated):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    slug = tenants.brand_a.slug
    member = populated[0]
    for url in (
        reverse("community:member_create", args=[slug]),
        reverse("community:member_action", args=[slug, member.pk, "profile"]),
        reverse("community:set_stage", args=[slug, member.pk]),
        reverse("community:feedback_add", args=[slug]),
    ):
        assert client.post(url, {"display_name": "x", "text": "x"}).status_code == 403
    assert (
        client.get(reverse("community:member_export", args=[slug, member.pk, "json"])).status_code
        == 403
    )


def test_profile_consent_and_offline_log(client, tenants, populated):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    slug = tenants.brand_a.slug
    member = populated[0]
    act = lambda op, data: client.post(  # noqa: E731
        reverse("community:member_action", args=[slug, member.pk, op]), data
    )
    act(
        "profile",
        {
            "display_name": "Élise Moreau",
            "languages": "fr, EN",
            "tags": "vip,  beta",
            "location": "Lyon",
        },
    )
    act("consent", {"source": "formulaire salon 2026"})  # unchecked = withdrawn
    act("log", {"kind": "meetup", "occurred_at": "2026-01-10T12:00", "summary": "Café à Lyon"})
    response = act("log", {"kind": "mention", "occurred_at": "2026-01-10T12:00", "summary": "x"})
    assert response.status_code == 302
    with brand_scope(tenants.brand_a):
        member = Member.objects.get(pk=member.pk)
        assert member.display_name == "Élise Moreau"
        assert member.languages == ["en", "fr"] and member.tags == ["beta", "vip"]
        assert (
            member.email_consent is False and member.email_consent_source == "formulaire salon 2026"
        )
        offline = Interaction.objects.get(member=member, kind="meetup")
        assert (
            offline.summary == "Café à Lyon"
            and offline.logged_by == tenants.people["community_manager"]
        )
        assert not Interaction.objects.filter(member=member, summary="x").exists()
    page = client.get(reverse("community:member", args=[slug, member.pk])).content.decode()
    assert "Café à Lyon" in page
