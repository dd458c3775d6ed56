"""Members from inbox authors, listening authors and network events (likes, reposts,
follows); scores, levels, influence graph, rising members and leaders by topic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.community.factories import make_member
from tests.inbox.factories import mention, person
from tribune.community.models import Identity, Interaction, Member
from tribune.community.services import scores
from tribune.community.services.members import sync_brand
from tribune.core.scope import brand_scope
from tribune.inbox.ingest import poll_account
from tribune.inbox.models import Identity as InboxIdentity
from tribune.listening.models import Mention
from tribune.networks.sandbox.models import Event
from tribune.networks.services import do_connect_sandbox_account


def test_sync_links_authors_by_network_and_handle(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    with brand_scope(brand):
        account = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", tenants.owner)
    camille = person("camille.durand", followers=900)
    post = mention("alpha.sandbox", "@alpha.sandbox j'adore votre crème", by=camille)
    fan = person("fan.silencieux", followers=40)
    brand_profile = post.author.__class__.objects.get(handle="alpha.sandbox")
    Event.objects.create(
        kind="like", actor=fan, target=brand_profile, subject=post, created_at=timezone.now()
    )
    Event.objects.create(
        kind="follow", actor=camille, target=brand_profile, created_at=timezone.now()
    )
    assert poll_account(account.pk).stored >= 1  # the inbox's own ingestion
    with brand_scope(brand):
        now = timezone.now()
        Mention.objects.create(
            brand=brand,
            network="sandbox",
            key="k1",
            author="Camille.Durand",
            text="Alpha c'est top",
            text_hash="h",
            published_at=now,
            fetched_at=now,
            sentiment="positive",
        )
        Mention.objects.create(
            brand=brand,
            network="web",
            key="k2",
            author="Journal",
            text="Article",
            text_hash="h2",
            published_at=now,
            fetched_at=now,
        )
        counts = sync_brand(brand)
        assert counts == {"inbox": 1, "listening": 1, "network": 2}
        assert sync_brand(brand) == {"inbox": 0, "listening": 0, "network": 0}  # idempotent
        member = Identity.objects.get(network="sandbox", handle="camille.durand").member
        kinds = sorted(Interaction.objects.filter(member=member).values_list("kind", flat=True))
        assert kinds == ["follow", "mention", "mention"]  # inbox + listening + follow
        identity = Identity.objects.get(member=member)
        assert identity.inbox_identity == InboxIdentity.objects.get(handle="camille.durand")
        assert identity.followers and identity.followers >= 900
        liker = Identity.objects.get(handle="fan.silencieux").member
        assert list(liker.interactions.values_list("kind", flat=True)) == ["like"]
        assert not Identity.objects.filter(handle="journal").exists()  # web articles: no member
        assert Member.objects.count() == 2


def _add(member: Member, kind: str, days_ago: float, text: str = "", sentiment: str = "") -> None:
    Interaction.objects.create(
        brand=member.brand,
        member=member,
        kind=kind,
        channel="sandbox",
        occurred_at=timezone.now() - timedelta(days=days_ago),
        summary=text,
        sentiment=sentiment,
    )


def test_scores_levels_and_leaders(tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    hub = make_member(brand, "Hub", handle="hub")
    fans = [make_member(brand, f"Fan {i}", handle=f"fan{i}") for i in range(5)]
    old = make_member(brand, "Ancien", handle="ancien")
    ambassador = make_member(brand, "Amba", handle="amba", stage="ambassador")
    with brand_scope(brand):
        Identity.objects.filter(member=hub).update(followers=999_999)
        for i, fan in enumerate(fans):
            for d in range(3):
                _add(
                    fan,
                    "mention",
                    d,
                    f"comme dit @hub, le vélo électrique est top #{i}",
                    "positive",
                )
        for d in range(12):  # very active over the last days
            _add(hub, "reply", d * 0.5, "merci pour le vélo", "positive")
        _add(old, "mention", 90, "il y a longtemps", "negative")
        _add(ambassador, "like", 1)
        scores.score_brand(brand)
        hub.refresh_from_db()
        old.refresh_from_db()
        ambassador.refresh_from_db()
        fan = Member.objects.get(pk=fans[0].pk)

        # Activity: weight × ½^(age / 30 days); exact for the single 90-day-old mention.
        assert old.activity == pytest.approx(3.0 * 0.5**3, rel=1e-3)
        assert old.sentiment == -1.0 and old.level == "newcomer"
        assert hub.reach == pytest.approx(1.0, abs=1e-3)
        assert hub.influence > fan.influence  # named by everyone
        assert hub.score == pytest.approx(
            scores.combine(hub.activity, hub.sentiment, hub.reach, hub.influence), abs=0.01
        )
        assert hub.level == "core" and ambassador.level == "ambassador"
        assert fan.level in ("regular", "newcomer")
        assert hub.score > hub.previous_score  # active this week: rising
        assert scores.rising()[0] == hub
        assert [m for m, _v in scores.leaders(brand, limit=1)] == [hub]
        by_topic = scores.leaders(brand, topic="vélo électrique")
        assert by_topic[0][0] == hub and all(m != old for m, _v in by_topic)
        lines = dict(scores.explain(hub))
        assert lines["Score"].endswith(f"= {hub.score:.1f}")
        assert fan.cluster is not None and fan.cluster == Member.objects.get(pk=fans[1].pk).cluster
