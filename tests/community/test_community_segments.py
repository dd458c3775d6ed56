"""Segments (saved filters, computed groups with descriptions) and competitor
communities from listening."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_member
from tests.conftest import PASSWORD
from tribune.community.models import Interaction, Member, Segment
from tribune.community.services.competitors import competitor_report
from tribune.community.services.scores import score_brand
from tribune.community.services.segments import compute_segments, segment_members
from tribune.core.scope import brand_scope
from tribune.listening.models import Mention, MentionMatch, Query


def test_saved_filter_segment(client, tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    make_member(
        brand, "Alice", handle="alice", tags=["vip"], languages=["fr"], score=30, consent=True
    )
    make_member(brand, "Bob", handle="bob", tags=["vip"], languages=["en"], score=30)
    make_member(brand, "Carole", handle="carole", score=5)
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    listing = client.get(reverse("community:members", args=["alpha"]) + "?tag=vip&language=fr")
    assert listing.content.decode().count('data-testid="member-row"') == 1
    client.post(
        reverse("community:segment_save", args=["alpha"]),
        {"name": "VIP francophones", "tag": "vip", "language": "fr", "min_score": "10"},
    )
    with brand_scope(brand):
        segment = Segment.objects.get()
        assert [m.display_name for m in segment_members(segment)] == ["Alice"]
        assert "vip" in segment.description and "fr" in segment.description
        # A saved filter follows the members: Bob learns French.
        Member.objects.filter(display_name="Bob").update(languages=["en", "fr"])
        assert {m.display_name for m in segment_members(segment)} == {"Alice", "Bob"}
    page = client.get(reverse("community:segments", args=["alpha"])).content.decode()
    assert "VIP francophones" in page


def test_computed_segments_are_described(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    now = timezone.now()
    with brand_scope(brand):
        for i in range(6):  # talkers: many mentions about bikes
            m = make_member(brand, f"Bavard {i}", handle=f"bavard{i}")
            for d in range(8):
                Interaction.objects.create(
                    brand=brand,
                    member=m,
                    kind="mention",
                    channel="sandbox",
                    occurred_at=now - timedelta(days=d),
                    summary="mon vélo électrique roule bien",
                    sentiment="positive",
                )
        for i in range(6):  # silent amplifiers
            m = make_member(brand, f"Discret {i}", handle=f"discret{i}")
            Interaction.objects.create(
                brand=brand, member=m, kind="like", channel="sandbox", occurred_at=now
            )
        score_brand(brand)
        groups = compute_segments(brand, k=2)
        assert len(groups) == 2
        talkers = next(
            g for g in groups if "Bavard 0" in {m.display_name for m in segment_members(g)}
        )
        assert {m.display_name for m in segment_members(talkers)} == {
            f"Bavard {i}" for i in range(6)
        }
        assert (
            "vélo" in talkers.description
            or "electrique" in talkers.description
            or "électrique" in talkers.description
        )
        assert all(g.description for g in groups)
        compute_segments(brand, k=2)
        assert Segment.objects.filter(kind="computed").count() == 2  # replaced, not added


def test_competitor_report(client, tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    now = timezone.now()
    with brand_scope(brand):
        rival = Query.objects.create(
            brand=brand, name="Rival", kind="competitor", expression="rival"
        )
        own = Query.objects.create(brand=brand, name="Alpha", kind="brand", expression="alpha")
        rows = [
            ("grande.voix", 50_000, "negative", "Rival déçoit, @petite.voix tu confirmes ?"),
            ("grande.voix", 50_000, "neutral", "Rival encore en panne"),
            ("petite.voix", 100, "negative", "oui @grande.voix Rival c'est fini"),
            ("autre", 10, "positive", "J'aime Rival"),
        ]
        for i, (author, reach, sentiment, text) in enumerate(rows):
            m = Mention.objects.create(
                brand=brand,
                network="bluesky",
                key=f"r{i}",
                author=author,
                text=text,
                text_hash=str(i),
                published_at=now,
                fetched_at=now,
                sentiment=sentiment,
                reach=reach,
            )
            MentionMatch.objects.create(brand=brand, query=rival, mention=m, published_at=now)
        m = Mention.objects.create(
            brand=brand,
            network="bluesky",
            key="a1",
            author="fan",
            text="alpha !",
            text_hash="a",
            published_at=now,
            fetched_at=now,
        )
        MentionMatch.objects.create(brand=brand, query=own, mention=m, published_at=now)
        report = competitor_report(brand)
    assert len(report) == 1
    r = report[0]
    assert r["mentions"] == 4 and r["authors"] == 3 and r["negative_share"] == 0.5
    assert r["share_of_voice"] == 0.8
    assert r["voices"][0]["name"] == "grande.voix" and r["voices"][0]["count"] == 2
    assert r["most_named"][0]["name"] in ("grande.voix", "petite.voix")
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    page = client.get(reverse("community:competitors", args=["alpha"])).content.decode()
    assert "grande.voix" in page and 'data-testid="competitor"' in page
