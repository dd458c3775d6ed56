"""Correcting a message's analysis in the inbox, in a real browser (HTMX, keyboard)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_inbox import _conversation
from tests.browser.test_shell import login
from tribune.analysis.models import Correction
from tribune.core.scope import brand_scope

pytestmark = pytest.mark.browser


def test_a_moderator_says_it_is_not_negative(live_server, page, tenants, settings):
    settings.TRIBUNE_INBOX_ANALYSIS = "lexicon"
    thread = _conversation(
        tenants, "@alpha.sandbox votre pub est à mourir de rire, nul de chez nul"
    )
    with brand_scope(tenants.brand_a):
        message = thread.messages.get()
        message.sentiment = "negative"
        message.save(update_fields=["sentiment"])

    login(page, tenants.people["community_manager"].email)
    page.goto(f"/b/alpha/inbox/t/{thread.pk}/")
    item = page.locator(f"#m{message.pk}")
    expect(item.locator(".badge.negative")).to_be_visible()
    panel = item.get_by_test_id("correct-analysis")
    panel.locator("summary").focus()
    page.keyboard.press("Enter")  # opens the panel from the keyboard
    panel.locator('button[name="label"][value="positive"]').click()

    # HTMX swaps the message in place: the badge now says positive, no reload needed.
    expect(page.locator(f"#m{message.pk} .badge.positive")).to_be_visible()
    expect(page.locator(f"#m{message.pk} .badge.negative")).to_have_count(0)
    with brand_scope(tenants.brand_a):
        correction = Correction.objects.get()
    assert (correction.old_label, correction.new_label, correction.source_id) == (
        "negative",
        "positive",
        message.pk,
    )

    # The brand's page lists it.
    page.goto("/b/alpha/analysis/models/")
    expect(page.get_by_test_id("correction")).to_contain_text("votre pub est à mourir de rire")
