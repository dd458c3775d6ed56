"""The publishing loop in a real browser: compose → blocked → fixed → approved → published."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tribune.core.scope import brand_scope
from tribune.networks.services import do_connect_sandbox_account
from tribune.publishing import publisher
from tribune.strategy.hours import BusinessHours
from tribune.strategy.rules.model import CharterRules
from tribune.strategy.services.charter import do_save_charter

pytestmark = pytest.mark.browser


def test_compose_review_publish(page, tenants, live_server, settings):
    settings.SITE_URL = live_server.url  # links to the sandbox post open on this server
    brand = tenants.brand_a
    do_save_charter(
        brand,
        tenants.owner,
        document_source="Charte",
        hours=BusinessHours(),
        rules=CharterRules.from_dict({"banned_terms": [{"term": "arnaque", "severity": "block"}]}),
    )
    with brand_scope(brand):
        do_connect_sandbox_account(brand, "alpha.sandbox", "Alpha", "fr", tenants.owner)
    login(page, tenants.people["community_manager"].email)
    page.get_by_role("link", name="Publication").click()
    page.get_by_role("link", name="Nouvelle publication").click()
    page.get_by_label("Sandbox · @alpha.sandbox").check()
    page.locator("#id_text").fill("Ce n'est pas une arnaque !")
    checks = page.get_by_test_id("check-alpha.sandbox")
    expect(checks).to_contain_text("⛔")
    expect(checks).to_contain_text("arnaque")
    when = (timezone.now() + timedelta(days=1)).astimezone(brand.tz)
    page.get_by_label("Heure de publication").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Enregistrer et envoyer en validation").click()
    expect(page.locator(".messages")).to_contain_text("règle bloquante")
    expect(page.get_by_test_id("post-status")).to_have_attribute("data-status", "draft")
    page.get_by_role("link", name="Modifier").click()
    page.locator("#id_text").fill("Découvrez notre nouvelle gamme https://alpha.example/g")
    expect(page.get_by_test_id("check-alpha.sandbox")).to_contain_text("Prêt")
    page.get_by_role("button", name="Enregistrer et envoyer en validation").click()
    expect(page.get_by_test_id("post-status")).to_have_attribute("data-status", "in_review")
    post_url = page.url
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, tenants.people["strategist"].email)
    page.goto(post_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("post-status")).to_have_attribute("data-status", "scheduled")
    # The publisher runs when the post is due (here: a day ahead).
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(days=1, minutes=1)):
        publisher.publish_variant(variant_id)
    page.reload()
    expect(page.get_by_test_id("post-status")).to_have_attribute("data-status", "published")
    page.get_by_test_id("remote-link").click()
    expect(page).to_have_url(re.compile(r"/sandbox/p/"))
    expect(page.get_by_test_id("sandbox-post")).to_contain_text("/l/")
