"""Community events in a real browser: invite the top 10 members by email, a member
answers through the RSVP link, the team checks them in (list and QR code), and the
attendance shows on their timeline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tests.community.factories import make_member
from tribune.community.models import Event, Interaction, Invitation
from tribune.core.scope import brand_scope

pytestmark = pytest.mark.browser


def test_invite_top_members_rsvp_check_in_timeline(browser, live_server, page, tenants, settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url  # the links in the emails come back to this server
    page.set_default_timeout(30_000)  # a busy shared machine
    brand = tenants.brand_a
    members = [
        make_member(
            brand, f"Membre {i:02d}", email=f"membre{i}@exemple.fr", consent=True, score=100 - i
        )
        for i in range(12)
    ]
    login(page, tenants.people["community_manager"].email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/b/alpha/community/events/")
    start = timezone.localtime(timezone.now() + timedelta(days=3), brand.tz)
    form = page.get_by_test_id("event-form")
    form.locator("[name=title]").fill("Apéro des fans")
    form.locator("[name=location]").fill("Lyon, 12 rue de la Paix")
    form.locator("[name=starts_at]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=ends_at]").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    form.locator("[name=capacity]").fill("20")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/b/alpha/community/events/\d+/$"))

    page.get_by_test_id("invite-top").fill("10")
    page.get_by_test_id("invite").click()
    expect(page.get_by_test_id("guest")).to_have_count(10)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"membre{i}@exemple.fr" for i in range(10)
    )

    # Membre 03 answers from the email, in their own browser (no Tribune account).
    email = next(m for m in mail.outbox if m.to == ["membre3@exemple.fr"])
    rsvp = re.search(r"https?://\S+/community/rsvp/\S+/", email.body).group(0)
    guest = browser.new_context(base_url=live_server.url, locale="fr-FR").new_page()
    guest.goto(rsvp)
    guest.get_by_test_id("rsvp-yes").click()
    expect(guest.get_by_test_id("ticket-qr")).to_be_visible()
    qr = guest.request.get(guest.get_by_test_id("ticket-qr").get_attribute("src"))
    assert qr.ok and b"<svg" in qr.body()

    # At the door: the list (one click) for Membre 03, the QR code for Membre 01.
    page.reload()
    row = page.locator("[data-testid=guest][data-member='Membre 03']")
    expect(row.get_by_test_id("guest-status")).not_to_have_text("")
    row.get_by_test_id("check-in").click()
    expect(page.get_by_test_id("checked-in")).to_have_text("1")
    with brand_scope(brand):
        event = Event.objects.get()
        first = Invitation.objects.get(event=event, member=members[1])
    from tribune.community import tokens

    page.goto(f"/community/check-in/{tokens.make('checkin', first.pk)}/")
    page.get_by_test_id("confirm-check-in").click()
    expect(page.get_by_test_id("checked-in")).to_be_visible()

    # Attendance on the timelines.
    page.goto(f"/b/alpha/community/members/{members[3].pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("[data-kind=attended]")).to_have_count(1)
    expect(timeline.locator("[data-kind=rsvp]")).to_have_count(1)
    page.goto(f"/b/alpha/community/members/{members[1].pk}/")
    expect(page.get_by_test_id("timeline").locator("[data-kind=attended]")).to_have_count(1)
    with brand_scope(brand):
        assert Interaction.objects.filter(kind="attended").count() == 2
        assert not Interaction.objects.filter(member=members[11]).exists()  # not invited
