"""Analytics in a real browser: the brand dashboard through the navigation, then a PDF
report downloaded from the reports page."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.analytics import factories as f
from tests.browser.test_shell import login
from tribune.analytics import reports, rollups

pytestmark = pytest.mark.browser


def test_analyst_opens_the_dashboard_and_downloads_a_pdf_report(page, tenants):
    brand = tenants.brand_a
    acct = f.account(brand)
    now = timezone.now()
    for day in range(12):
        at = now - timedelta(days=day, hours=3)
        variant = f.published(acct, at, text=f"Publication {day}")
        f.snapshot(variant, at + timedelta(hours=1), likes=5 + day, replies=1, impressions=120)
        f.followers(acct, at, 800 + day)
    rollups.refresh()
    f.report_template(brand, name="Rapport mensuel", sections=reports.SECTION_KEYS)

    login(page, tenants.people["analyst"].email)
    page.get_by_role("navigation").get_by_role("link", name="Statistiques").click()
    expect(page.get_by_test_id("card-engagement")).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()  # an SVG chart with its name
    expect(page.get_by_test_id("table-accounts")).to_contain_text("@alpha.sb")

    with page.expect_download() as csv_download:
        page.get_by_test_id("csv-accounts").click()
    assert csv_download.value.suggested_filename.endswith(".csv")

    page.get_by_role("navigation", name="Sections des statistiques").get_by_role(
        "link", name="Rapports"
    ).click()
    expect(page.get_by_test_id("report-template")).to_contain_text("Rapport mensuel")
    with page.expect_download() as pdf_download:
        page.get_by_test_id("pdf-link").click()
    download = pdf_download.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None and Path(path).read_bytes()[:5] == b"%PDF-"
