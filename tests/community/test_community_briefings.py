"""Embargoed briefings: nothing is sent or visible before the embargo; afterwards opens,
clicks and shares are attributed, and a post before the embargo is flagged as a break."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.community.factories import make_member
from tests.conftest import PASSWORD
from tribune.community.models import Briefing, BriefingRecipient, Interaction
from tribune.community.services.briefings import attribute_shares, deliver_due
from tribune.community.tasks import deliver_briefings
from tribune.core.scope import brand_scope

LINK = "https://alpha.example/nouveaute"


def _post(member, text: str, when, url: str = "") -> None:  # type: ignore[no-untyped-def]
    Interaction.objects.create(
        brand=member.brand,
        member=member,
        kind="mention",
        channel="bluesky",
        occurred_at=when,
        summary=text,
        url=url,
    )


def test_embargo_respected_and_shares_attributed(client, tenants):  # type: ignore[no-untyped-def]
    brand = tenants.brand_a
    ana = make_member(brand, "Ana Leroy", email="ana@exemple.fr", consent=True, score=50)
    ben = make_member(brand, "Ben Roux", email="ben@exemple.fr", consent=True, score=40)
    cleo = make_member(brand, "Cléo Blanc", email="cleo@exemple.fr", consent=False, score=30)
    make_member(brand, "Dan Faible", email="dan@exemple.fr", consent=True, score=1)
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    embargo = timezone.localtime(timezone.now() + timedelta(hours=1), brand.tz)
    response = client.post(
        reverse("community:briefings", args=[brand.slug]),
        {
            "title": "Nouvelle gamme",
            "content": "La gamme Printemps arrive le 1er mars. Confidentiel.",
            "link_url": LINK,
            "share_keyword": "#GammePrintemps",
            "embargo_until": embargo.strftime("%Y-%m-%dT%H:%M"),
            "top": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with brand_scope(brand):
        briefing = Briefing.objects.get()
        recipients = {r.member_id: r for r in BriefingRecipient.objects.filter(briefing=briefing)}
    assert set(recipients) == {ana.pk, ben.pk, cleo.pk}  # the top 3 by score
    token = re.search(r"/community/briefing/([^/]+)/", _page_url(recipients[ana.pk])).group(1)

    # Before the embargo: the delivery job sends nothing, the links show nothing.
    assert deliver_briefings.call() == 0
    with brand_scope(brand):
        assert deliver_due(brand) == 0
    assert mail.outbox == []
    page = client.get(reverse("community:briefing_page", args=[token]))
    assert page.status_code == 403
    assert (
        "Printemps" not in page.content.decode()
        and 'data-testid="embargo"' in page.content.decode()
    )
    assert client.get(reverse("community:briefing_go", args=[token]))["Location"].endswith(
        f"/community/briefing/{token}/"
    )
    client.get(reverse("community:briefing_pixel", args=[token]))
    with brand_scope(brand):
        assert not BriefingRecipient.objects.filter(opened_at__isnull=False).exists()
        assert not BriefingRecipient.objects.filter(sent_at__isnull=False).exists()
        # Ben posts about it before the embargo.
        _post(ben, "Je vous le dis en avant-première : #GammePrintemps !", timezone.now())

    # The embargo ends (moved to the past, as time passing would).
    with brand_scope(brand):
        Briefing.objects.filter(pk=briefing.pk).update(embargo_until=timezone.now())
    assert deliver_briefings.call() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@exemple.fr", "ben@exemple.fr"]
    assert _page_url(recipients[ana.pk]) in mail.outbox[0].body + mail.outbox[1].body
    assert deliver_briefings.call() == 0  # never twice
    # The HTML version's 1×1 image records an open (Ben never clicks).
    ben_mail = next(m for m in mail.outbox if m.to == ["ben@exemple.fr"])
    html = ben_mail.alternatives[0][0]
    pixel = re.search(r'src="https?://[^/]+(/community/briefing/[^"]+/o\.gif)"', html).group(1)
    assert client.get(pixel)["Content-Type"] == "image/gif"

    page = client.get(reverse("community:briefing_page", args=[token]))
    assert page.status_code == 200 and "Printemps" in page.content.decode()
    assert client.get(reverse("community:briefing_go", args=[token]))["Location"] == LINK
    with brand_scope(brand):
        _post(
            ana,
            f"Enfin officiel ! {LINK}",
            timezone.now() + timedelta(seconds=5),
            url="https://bsky.app/p/1",
        )
        _post(cleo, "rien à voir", timezone.now())
        assert attribute_shares(brand) == {"shared": 1, "broke": 1}
        assert attribute_shares(brand) == {"shared": 0, "broke": 0}  # idempotent
        ana_r = BriefingRecipient.objects.get(member=ana)
        assert ana_r.opened_at and ana_r.clicks == 1 and ana_r.shared_at
        assert ana_r.share_url == "https://bsky.app/p/1" and ana_r.broke_embargo_at is None
        ben_r = BriefingRecipient.objects.get(member=ben)
        assert ben_r.broke_embargo_at and ben_r.shared_at is None and ben_r.opened_at
        assert Interaction.objects.filter(member=ana, kind="share").exists()
        assert Interaction.objects.filter(member=ben, kind="briefing").exists()
    detail = client.get(
        reverse("community:briefing", args=[brand.slug, briefing.pk])
    ).content.decode()
    assert "Ben Roux (" in detail  # listed among those who broke the embargo


def _page_url(recipient: BriefingRecipient) -> str:
    from tribune.community.services.briefings import page_url

    return page_url(recipient)


def test_briefing_validation(client, tenants):  # type: ignore[no-untyped-def]
    client.login(email=tenants.people["community_manager"].email, password=PASSWORD)
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("community:briefings", args=["alpha"]),
        {"title": "x", "content": "y", "share_keyword": "k", "embargo_until": past, "top": "5"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()  # the reason, shown in the form
    with brand_scope(tenants.brand_a):
        assert not Briefing.objects.exists()


def test_forged_token_is_404(client, tenants):  # type: ignore[no-untyped-def]
    assert client.get(reverse("community:briefing_page", args=["1:forged"])).status_code == 404
