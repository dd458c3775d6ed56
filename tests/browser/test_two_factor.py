"""Two-factor authentication in a real browser: enrol from "My account" (QR code shown,
recovery codes given once), log out, log in again with password then code — keyboard
only for the code step. Selectors avoid wording (translations may change)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_enrol_then_log_in_with_a_code(page, tenants):
    user = tenants.people["strategist"]
    login(page, user.email)
    expect(page).to_have_url(re.compile(r"/b/alpha/$"))
    page.goto("/me/")
    page.locator('[data-testid="2fa-link"]').click()
    expect(page.locator("[data-testid=qr] svg")).to_be_visible()
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.locator("#id_code").fill(totp.now())
    page.locator("button[value=confirm]").click()
    codes = page.locator("[data-testid=recovery-codes] code")
    expect(codes).to_have_count(10)
    expect(page.locator('[data-testid="2fa-status"]')).to_be_visible()

    page.locator("form[action$='/logout/'] button").first.click()
    expect(page).to_have_url(re.compile(r"/login/"))  # logging out lands on the login page
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    code_box = page.locator("#id_code")
    expect(code_box).to_be_focused()  # autofocus: type the code straight away
    page.keyboard.type(totp.at(time.time() + totp.interval))  # next step: the first is spent
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/b/alpha/$"))
