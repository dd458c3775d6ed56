"""Duplicate suggestions and the merge / un-merge round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_event, make_member
from tests.conftest import PASSWORD
from tribune.community.models import (
    Feedback,
    Identity,
    Interaction,
    Invitation,
    Member,
    Merge,
    MergeSuggestion,
)
from tribune.community.services.members import CommunityError, do_log_interaction
from tribune.community.services.merge import do_merge, do_unmerge, find_duplicates, fold
from tribune.core.models import AuditEvent
from tribune.core.scope import brand_scope


def _interaction(member: Member, kind: str = "mention", key: str = "") -> Interaction:
    return Interaction.objects.create(
        brand=member.brand,
        member=member,
        kind=kind,
        channel="sandbox",
        occurred_at=timezone.now() - timedelta(days=1),
        summary=f"{kind} by {member.display_name}",
        source_key=key,
    )


def _state(*members: Member) -> dict[int, tuple[set, set, set, set]]:
    return {
        m.pk: (
            set(Identity.objects.filter(member=m).values_list("pk", flat=True)),
            set(Interaction.objects.filter(member=m).values_list("pk", flat=True)),
            set(Invitation.objects.filter(member=m).values_list("pk", flat=True)),
            set(Feedback.objects.filter(member=m).values_list("pk", flat=True)),
        )
        for m in members
    }


def test_fold_handles_french_names() -> None:
    assert fold("Hélène Dupré-Lévêque") == fold("helene DUPRE leveque")
    assert fold("Lefèvre, Élodie") == fold("élodie lefevre")
    assert fold("Françoise Œuvray") == fold("Francoise Oeuvray")


@pytest.mark.parametrize("full_scan", [3000, 1])  # every pair / blocked by shared words
def test_suggestions_with_reasons(tenants, monkeypatch, full_scan) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("tribune.community.services.merge.FULL_SCAN", full_scan)
    brand = tenants.brand_a
    a = make_member(brand, "Hélène Dupré", handle="helene.d", email="helene@exemple.fr")
    b = make_member(brand, "helene dupre", handle="hdupre", network="bluesky")
    c = make_member(brand, "Jean-François Mézières", handle="jfm")
    d = make_member(brand, "Jean Francois Mezieres", handle="jf.mezieres", network="mastodon")
    e = make_member(brand, "Camille", handle="cam")
    f = make_member(brand, "Someone Else", handle="other")
    g = make_member(brand, "Benoît Lagarde", handle="blag")
    h = make_member(brand, "Benoit Lagard", handle="benoit.l", network="mastodon")
    with brand_scope(brand):
        # The same email written in a bio on another network.
        Identity.objects.filter(member=f).update(bio="Contact: Helene@Exemple.fr")
        # A cross-link: e's bio names c's handle and they share the name.
        Identity.objects.filter(member=e).update(bio="aussi @jfm ailleurs")
        e.display_name = "Jean-François Mézières"
        e.save()
        found = {(x, y): (conf, reasons) for x, y, conf, reasons in find_duplicates(brand)}

    def get(m1: Member, m2: Member):  # type: ignore[no-untyped-def]
        return found.get((min(m1.pk, m2.pk), max(m1.pk, m2.pk)))

    conf, reasons = get(a, b)
    assert conf >= 0.6 and reasons[0]["code"] == "name"
    conf, reasons = get(a, f)
    assert conf >= 0.95 and reasons[0]["code"] == "email"
    conf, reasons = get(c, d)
    assert reasons[0]["code"] == "name"  # accents, hyphen and case ignored
    conf, reasons = get(c, e)
    assert conf >= 0.85 and {r["code"] for r in reasons} == {"crosslink"}
    conf, reasons = get(g, h)
    assert reasons[0]["code"] == "fuzzy" and 0.4 <= conf < 0.6
    assert get(b, f) is None


def test_merge_unmerge_round_trip_keeps_everything(tenants) -> None:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    a = make_member(brand, "Léa Martin", email="lea@exemple.fr", handle="lea.m", consent=True)
    b = make_member(brand, "Lea Martin", handle="leamartin", network="bluesky", tags=["vip"])
    other = make_member(brand, "Autre", handle="autre")
    event, event2 = make_event(brand), make_event(brand, title="Atelier")
    with brand_scope(brand):
        for m in (a, b, other):
            _interaction(m)
            _interaction(m, "like")
        do_log_interaction(
            b, tenants.owner, kind="call", occurred_at=timezone.now(), summary="Appel"
        )
        # Both invited to the same event (a clash), b alone to another one.
        for m in (a, b):
            Invitation.objects.create(brand=brand, event=event, member=m, invited_at=timezone.now())
        Invitation.objects.create(brand=brand, event=event2, member=b, invited_at=timezone.now())
        Feedback.objects.create(
            brand=brand,
            member=b,
            source="manual",
            category="product",
            text="Super",
            received_at=timezone.now(),
        )
        b.location, b.notes = "Nantes", "Rencontrée au salon"
        b.save()
        before = _state(a, b, other)
        a_profile = {f: getattr(a, f) for f in ("location", "tags", "notes", "display_name")}

        merge = do_merge(a, b, tenants.owner)
        a.refresh_from_db()
        b.refresh_from_db()
        assert b.merged_into_id == a.pk and not b.is_active
        merged = _state(a, b)
        # Every row of b is now a's, except the clashing invitation (kept by b, hidden).
        assert merged[a.pk][0] == before[a.pk][0] | before[b.pk][0]
        assert merged[a.pk][1] == before[a.pk][1] | before[b.pk][1]
        assert merged[a.pk][3] == before[b.pk][3]
        assert len(merged[b.pk][2]) == 1 and len(merged[a.pk][2]) == 2
        assert a.location == "Nantes" and a.tags == ["vip"] and "salon" in a.notes
        assert AuditEvent.objects.filter(action="community.merged").count() == 1

        do_unmerge(merge, tenants.owner)
        a.refresh_from_db()
        b.refresh_from_db()
        assert b.merged_into_id is None and b.is_active
        assert _state(a, b, other) == before  # every identity and interaction back home
        assert {f: getattr(a, f) for f in a_profile} == a_profile
        assert b.location == "Nantes" and b.tags == ["vip"]
        merge.refresh_from_db()
        assert merge.undone_at is not None
        with pytest.raises(CommunityError):
            do_unmerge(merge, tenants.owner)


def test_nested_merge_must_be_undone_in_order(tenants) -> None:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    a, b, c = (make_member(brand, n, handle=n.lower()) for n in ("Anne", "Bruno", "Chloé"))
    with brand_scope(brand):
        first = do_merge(b, c, None)
        do_merge(a, b, None)
        with pytest.raises(CommunityError, match="annulez d.abord cette fusion"):
            do_unmerge(first, None)
        with pytest.raises(CommunityError):
            do_merge(a, c, None)  # c is no longer active


def test_one_click_merge_and_unmerge_in_the_ui(client, tenants) -> None:  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    a = make_member(brand, "Zoé Petit", handle="zoe")
    b = make_member(brand, "Zoe Petit", handle="zoe.p", network="mastodon")
    with brand_scope(brand):
        _interaction(a)
        _interaction(b)
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    response = client.post(reverse("community:sync", args=[brand.slug]))
    assert response.status_code == 302
    with brand_scope(brand):
        suggestion = MergeSuggestion.objects.get()
    page = client.get(reverse("community:suggestions", args=[brand.slug]))
    assert "Zoe Petit" in page.content.decode()
    client.post(reverse("community:suggestion_action", args=[brand.slug, suggestion.pk, "merge"]))
    with brand_scope(brand):
        merge = Merge.objects.get()
        assert Identity.objects.filter(member=merge.survivor).count() == 2
    page = client.get(reverse("community:member", args=[brand.slug, merge.survivor_id]))
    assert 'data-testid="unmerge"' in page.content.decode()
    # Analysts read, they do not merge.
    client.login(email=tenants.people["analyst"].email, password=PASSWORD)
    assert client.post(reverse("community:unmerge", args=[brand.slug, merge.pk])).status_code == 403
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    client.post(reverse("community:unmerge", args=[brand.slug, merge.pk]))
    with brand_scope(brand):
        assert Identity.objects.filter(member=a).count() == 1
        assert Identity.objects.filter(member=b).count() == 1
        assert Member.objects.filter(merged_into__isnull=False).count() == 0


def test_manual_merge_by_number_stays_in_the_brand(client, tenants) -> None:  # type: ignore[no-untyped-def]
    a = make_member(tenants.brand_a, "Yann Le Goff", handle="yann")
    b = make_member(tenants.brand_a, "Y. Le Goff", email="yann@exemple.fr")
    foreign = make_member(tenants.brand_b, "Yann Le Goff", handle="yann")
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    url = reverse("community:merge_with", args=["alpha", a.pk])
    client.post(url, {"other": str(foreign.pk)})  # another brand's member: not found
    with brand_scope(tenants.brand_a, tenants.brand_b):
        assert not Merge.objects.exists()
        assert Member.objects.get(pk=foreign.pk).merged_into_id is None
    client.post(url, {"other": str(b.pk)})
    with brand_scope(tenants.brand_a):
        assert Merge.objects.get().absorbed_id == b.pk
        assert set(Identity.objects.filter(member=a).values_list("handle", flat=True)) == {
            "yann",
            "yann@exemple.fr",
        }
