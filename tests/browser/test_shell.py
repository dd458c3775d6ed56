"""Log in as each role, switch brand, switch language — in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, ROLES

pytestmark = pytest.mark.browser


def login(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_french_dashboard(page, tenants, role):
    login(page, tenants.people[role].email)
    expect(page).to_have_url(re.compile(r"/b/alpha/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord · Alpha")
    expect(page.locator("[data-testid=role]")).to_have_attribute("data-role", role)
    # Only their brand is offered in the switcher; the other client is invisible.
    options = page.locator("#brand-select option").all_inner_texts()
    assert options == ["Alpha"]
    assert "Beta" not in page.content()


def test_wrong_password_shows_a_message_and_keeps_the_email(page, tenants):
    page.goto("/login/")
    page.get_by_label("Adresse e-mail").fill("analyst@example.test")
    page.get_by_label("Mot de passe").fill("not it")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")
    expect(page.get_by_label("Adresse e-mail")).to_have_value("analyst@example.test")


def test_owner_switches_brand_and_language(page, tenants):
    login(page, tenants.owner.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord · Alpha")
    page.get_by_role("navigation").get_by_role("link", name="Comptes sociaux").click()
    expect(page).to_have_url(re.compile(r"/b/alpha/accounts/$"))
    page.select_option("#brand-select", "beta")  # submits on change (app.js)
    expect(page).to_have_url(re.compile(r"/b/beta/accounts/$"))
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social accounts")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard · Beta")


def test_keyboard_reaches_the_content(page, tenants):
    login(page, tenants.people["analyst"].email)
    # Wait for the dashboard, and give the page keyboard focus (headless windows may
    # start without it), then the first Tab lands on the skip link.
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.bring_to_front()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
