"""The inbox in real browsers: two people on the same conversation see each other
(collision warning), the second answer is held back; keyboard shortcuts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tribune.core.scope import brand_scope
from tribune.inbox import ingest
from tribune.inbox.models import Thread
from tribune.networks.sandbox.models import Event, Profile
from tribune.networks.sandbox.models import Post as NetworkPost
from tribune.networks.services import do_connect_sandbox_account

pytestmark = pytest.mark.browser


def _conversation(tenants, text: str, handle: str = "camille.durand") -> Thread:  # type: ignore[no-untyped-def]
    """A mention on the sandbox network, polled into the inbox."""
    from django.utils import timezone

    brand = tenants.brand_a
    with brand_scope(brand):
        account = do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", tenants.owner)
    author, _ = Profile.objects.get_or_create(
        handle=handle,
        defaults={"display_name": "Camille Durand", "created_at": timezone.now()},
    )
    post = NetworkPost.objects.create(author=author, text=text, created_at=timezone.now())
    Event.objects.create(
        kind="mention",
        actor=author,
        target=Profile.objects.get(handle="alpha.sandbox"),
        post=post,
        created_at=post.created_at,
    )
    ingest.poll_account(account.pk)
    with brand_scope(brand):
        return Thread.objects.get(key=str(post.remote_id))


def test_two_people_on_one_conversation_see_each_other(
    browser, live_server, page, tenants, settings
):
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    thread = _conversation(tenants, "@alpha.sandbox où est ma commande ?")
    url = f"/b/alpha/inbox/t/{thread.pk}/"

    # Camille (the CM) opens the conversation from the queue.
    login(page, tenants.people["community_manager"].email)
    page.goto("/b/alpha/inbox/")
    page.get_by_role("link", name=re.compile("où est ma commande")).click()
    expect(page).to_have_url(re.compile(re.escape(url)))

    # The strategist opens it in another browser and starts typing an answer.
    other = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        second = other.new_page()
        second.set_default_timeout(10_000)
        login(second, tenants.people["strategist"].email)
        second.goto(url)
        expect(second.get_by_test_id("presence-viewing")).to_contain_text("Community_Manager")
        second.locator("#reply-text").fill("Votre commande part demain.")

        # Within one poll, Camille sees who is replying.
        expect(page.get_by_test_id("presence-replying")).to_contain_text(
            "Strategist", timeout=12_000
        )

        # Camille writes too; the strategist sends first.
        page.locator("#reply-text").fill("Elle arrive jeudi.")
        second.locator("button[name=send]").click()
        expect(second.get_by_test_id("delivery")).to_have_count(1)

        # Camille's answer is held back: warning, her text kept, the other answer shown.
        page.locator("button[name=send]").click()
        expect(page.get_by_test_id("collision")).to_contain_text("Strategist")
        expect(page.locator("#reply-text")).to_have_value("Elle arrive jeudi.")
        expect(page.locator(".msg.out")).to_contain_text("Votre commande part demain.")
        page.locator("button[name=send_anyway]").click()
        expect(page.locator(".msg.out")).to_have_count(2)

        # When the strategist leaves, the mark disappears for Camille.
        second.goto("/b/alpha/inbox/")
        expect(page.get_by_test_id("presence-replying")).to_have_count(0, timeout=12_000)
    finally:
        other.close()


def test_keyboard_shortcuts_assign_and_close(page, tenants, settings):
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    first = _conversation(tenants, "@alpha.sandbox premier message", "lea.petit")
    second = _conversation(tenants, "@alpha.sandbox second message", "hugo.martin")
    login(page, tenants.people["community_manager"].email)
    page.goto("/b/alpha/inbox/")
    rows = page.get_by_test_id("thread-row")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")  # the newest conversation
    expect(rows.first).to_have_class(re.compile("selected"))
    page.keyboard.press("a")  # assign to me (bulk form, this row only)
    expect(page.get_by_role("status")).to_contain_text("1")
    page.keyboard.press("j")
    page.keyboard.press("r")  # open it at the answer box
    expect(page).to_have_url(re.compile(rf"/inbox/t/{second.pk}/"))
    expect(page.locator("#reply-text")).to_be_focused()
    page.locator("#reply-text").blur()
    page.keyboard.press("e")  # close, then on to the next (older) conversation
    expect(page).to_have_url(re.compile(rf"/inbox/t/{first.pk}/"))
    with brand_scope(tenants.brand_a):
        second.refresh_from_db()
        assert second.status == "closed" and second.assignee == tenants.people["community_manager"]
