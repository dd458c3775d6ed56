"""The demo agency gets a living community (members from the sandbox audience, events,
a briefing, feedback, segments), once."""

from __future__ import annotations

from tribune.accounts.models import Brand
from tribune.community.models import Briefing, Event, Interaction, Member, Segment
from tribune.core.scope import brand_scope
from tribune.demo.seed import run_demo


def test_demo_community(db):  # type: ignore[no-untyped-def]
    run_demo(days=4, progress=lambda _m: None)
    brand = Brand.objects.get(slug="maison-lumiere")
    with brand_scope(brand):
        members = Member.objects.filter(merged_into__isnull=True).count()
        assert members >= 10
        assert Interaction.objects.filter(kind="attended").count() == 6
        assert Interaction.objects.filter(kind__in=["call", "meetup", "gift"]).exists()
        assert Event.objects.count() == 2 and Briefing.objects.count() == 1
        assert Member.objects.filter(stage="ambassador", level="ambassador").count() == 1
        assert Segment.objects.filter(kind="computed").exists()
        events = Event.objects.count()
    run_demo(days=1, progress=lambda _m: None)
    with brand_scope(brand):
        assert Event.objects.count() == events  # idempotent
