"""Strategy in a real browser: the charter's live check, the weekly report loop, the
audit log that shows both."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.test_shell import login
from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.strategy.models import CmReport
from tribune.strategy.services.reports import do_generate_due_reports

pytestmark = pytest.mark.browser


def test_the_smm_bans_a_term_and_the_test_box_flags_it_live(page, tenants):
    login(page, tenants.people["strategist"].email)
    page.get_by_role("navigation").get_by_role("link", name="Stratégie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stratégie · Alpha")
    page.get_by_role("link", name="Charte", exact=True).click()
    page.get_by_role("link", name="Modifier la charte").click()
    page.get_by_label("Termes interdits").fill("arnaque | block | Vocabulaire juridique")
    page.get_by_label("Ce qui change (pour l'historique des versions)").fill("Ajout d'arnaque")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page).to_have_url(re.compile(r"/b/alpha/strategy/charter/$"))
    expect(page.get_by_role("status")).to_contain_text("Charte enregistrée en version 1.")

    # Typing is enough: HTMX posts the text and swaps in the verdict (no page load).
    page.get_by_label("Texte à tester").fill("Quelle arnaque, ce concours")
    result = page.get_by_test_id("check-result")
    expect(result).to_contain_text("Terme interdit par la charte : « arnaque »")
    expect(result).to_contain_text("Bloqué par la charte")
    expect(result.locator("mark")).to_have_text("arnaque")
    expect(page).to_have_url(re.compile(r"/b/alpha/strategy/charter/$"))
    page.get_by_label("Texte à tester").fill("Un beau concours")
    expect(result).to_contain_text("Aucun problème : ce texte respecte la charte.")

    page.get_by_role("link", name="Journal d'audit").click()
    expect(page.locator("tbody")).to_contain_text("Nouvelle version de la charte")


def test_weekly_report_comment_decision_and_audit(page, tenants):
    Brand.objects.update(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    do_generate_due_reports()  # what the Monday-morning job does
    with brand_scope(tenants.brand_a):
        report = CmReport.objects.get()
    week = f"{report.period_start:%d/%m/%Y}"

    login(page, tenants.people["community_manager"].email)
    page.goto("/b/alpha/strategy/reports/")
    page.get_by_role("link", name=week).click()  # a substring of "16/11/2026 – 22/11/2026"
    expect(page.get_by_test_id("section-publishing")).to_contain_text("publications parues")
    expect(page.get_by_test_id("section-inbox")).to_contain_text("messages reçus")
    comment = "Semaine calme, deux pics de mentions mardi."
    page.get_by_role("textbox", name="Commentaire").fill(comment)
    page.get_by_role("button", name="Ajouter le commentaire").click()
    expect(page.get_by_test_id("report-comment")).to_contain_text("deux pics de mentions")
    expect(page.get_by_role("button", name="Enregistrer la décision")).to_have_count(0)
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, tenants.people["strategist"].email)
    page.goto(f"/b/alpha/strategy/reports/{report.pk}/")
    expect(page.get_by_test_id("report-comment")).to_contain_text("deux pics de mentions")
    page.get_by_role("textbox", name="Décision").fill("Publier les stories le mardi matin.")
    page.get_by_role("combobox", name="Réseau").select_option("instagram")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("status")).to_contain_text("Décision enregistrée.")
    decision = page.get_by_test_id("report-decision")
    expect(decision).to_contain_text("Publier les stories le mardi matin.")
    expect(decision).to_contain_text("Instagram")

    page.get_by_role("link", name="Journal d'audit").click()
    rows = page.locator("tbody")
    for label in ("Rapport généré", "Commentaire sur un rapport", "Décision enregistrée"):
        expect(rows).to_contain_text(label)
    page.get_by_label("Action").select_option(label="Décision enregistrée")
    page.get_by_role("button", name="Filtrer").click()
    expect(rows.locator("tr")).to_have_count(1)
    expect(rows).to_contain_text(tenants.people["strategist"].email)
