"""On call, in a real browser: a community manager (English UI) sets the brand's Matrix
bot and adds an on-call person with a Matrix address; the token is stored, never shown."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tribune.core.scope import brand_scope
from tribune.listening.models import OnCallPerson, OnCallSchedule

pytestmark = pytest.mark.browser


def test_matrix_bot_and_on_call_person(page, tenants):  # type: ignore[no-untyped-def]
    cm = tenants.people["community_manager"]
    cm.language = "en"
    cm.save()
    login(page, cm.email)
    page.goto("/b/alpha/listening/on-call/")
    expect(page.get_by_role("heading", level=1)).to_have_text("On call")

    page.get_by_label("Matrix homeserver").fill("https://matrix.example.org")
    page.get_by_label("Matrix bot account").fill("@tribune:example.org")
    page.get_by_label("Matrix bot access token").fill("syt_browser_secret")
    page.get_by_label("Matrix bot access token").press("Enter")  # submits its form
    expect(page.get_by_text("A Matrix token is stored.")).to_be_visible()
    assert "syt_browser_secret" not in page.content()

    page.get_by_label("Person").select_option(label=tenants.people["analyst"].email)
    page.get_by_label("Matrix room or user").fill("ana")  # not an address
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("A Matrix address looks like")).to_be_visible()
    page.get_by_label("Matrix room or user").fill("@ana:example.org")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("on-call-person")).to_contain_text("Matrix @ana:example.org")

    with brand_scope(tenants.brand_a):
        schedule = OnCallSchedule.objects.get()
        assert schedule.chat_secrets["matrix_access_token"] == "syt_browser_secret"
        assert OnCallPerson.objects.get().matrix_target == "@ana:example.org"
