"""A monthly PDF report for a demo-like brand: it renders, has charts, reads in French;
pages are rasterised with pypdfium2 and checked for ink (charts are drawn, not blank)."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy
import pypdfium2 as pdfium
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from PIL import Image

from tests.analytics import factories as f
from tribune.analytics import kpis, reports, rollups, schedule
from tribune.analytics.models import AgencyBranding, ReportRun
from tribune.core.scope import brand_scope

ARTIFACTS = Path("test-artifacts")
MONTH = kpis.Period(date(2026, 2, 1), date(2026, 2, 28))


def _logo(color: str) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), color).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture
def month_of_activity(tenants):
    brand = tenants.brand_a
    rng = random.Random(3)
    accounts = [f.account(brand, "maison.sb"), f.account(brand, "maison-en.sb")]
    for day in range(0, 59):  # January and February
        for acct in accounts:
            at = datetime(2026, 1, 1, 8, tzinfo=UTC) + timedelta(days=day, hours=rng.randint(0, 10))
            variant = f.published(acct, at, text=f"Nouveau savon artisanal n°{day}")
            boost = 2 if day >= 31 and acct.handle == "maison.sb" else 1
            likes = rng.randint(5, 30) * boost
            f.snapshot(
                variant,
                at + timedelta(hours=3),
                likes=likes,
                replies=rng.randint(0, 5),
                reposts=rng.randint(0, 8),
                quotes=0,
                impressions=rng.randint(400, 900),
            )
        for i, acct in enumerate(accounts):
            f.followers(
                acct,
                datetime(2026, 1, 1, 6, tzinfo=UTC) + timedelta(days=day),
                1000 * (i + 1) + day * 7,
            )
    rollups.refresh()
    with brand_scope(brand):
        AgencyBranding.objects.create(workspace=brand.workspace, logo=_logo("#1d4ed8"))
        template = f.report_template(brand, sections=reports.SECTION_KEYS, language="fr")
        template.client_logo.save("client.png", _logo("#f59e0b"))
    return brand, template


def _pages(pdf: bytes, name: str) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    images = [document[i].render(scale=1.4).to_pil() for i in range(len(document))]
    ARTIFACTS.mkdir(exist_ok=True)
    for i, image in enumerate(images):
        image.save(ARTIFACTS / f"{name}-{i + 1}.png")
    return images


def _ink(image: Image.Image) -> float:
    grey = image.convert("L")
    return sum(grey.histogram()[:200]) / (grey.width * grey.height)


def _blue(image: Image.Image) -> int:
    pixels = numpy.asarray(image.convert("RGB")).astype(int)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(((b > 180) & (r < 120) & (g < 160)).sum())


def test_monthly_pdf_report_in_french_has_charts(month_of_activity):
    brand, template = month_of_activity
    with brand_scope(brand):
        context = reports.build(brand, template, MONTH, "monthly")
        html = reports.render_html(context, for_pdf=True)
        pdf = reports.render_pdf(context)
    assert pdf.startswith(b"%PDF")
    assert "Taux d’engagement" in html or "Taux d'engagement" in html
    assert "par rapport au mois dernier" in html
    assert "Meilleures heures" in html and "porté par @maison.sb" in html
    assert html.count("<svg") >= 4 and "data:image/png;base64" in html
    pages = _pages(pdf, "analytics-monthly-report")
    assert 2 <= len(pages) <= 6
    assert all(_ink(page) > 0.01 for page in pages)  # no blank page
    assert _blue(pages[0]) > 500  # charts are drawn in the accent blue


def test_summary_says_what_changed(month_of_activity):
    brand, _template = month_of_activity
    from django.utils import translation

    from tribune.analytics import narrative

    with brand_scope(brand), translation.override("en"):
        lines = narrative.summary(brand, MONTH, narrative.versus_label("monthly"))
        now, before = kpis.totals(brand, MONTH), kpis.totals(brand, MONTH.previous())
    change = kpis.pct_change(now.engagement_rate, before.engagement_rate)
    assert change is not None and change > 10  # February's boost on @maison.sb
    assert lines[0].startswith("Engagement rate: ")
    assert f"+{change:.0f}% compared with last month" in lines[0]
    assert "driven by @maison.sb" in lines[0]
    assert any("followers" in line for line in lines)


def test_scheduled_monthly_report_is_emailed_once(month_of_activity):
    brand, template = month_of_activity
    with brand_scope(brand):
        template.frequency = "monthly"
        template.recipients = "client@example.test\ndirection@example.test"
        template.save()
    early = datetime(2026, 3, 1, 5, tzinfo=UTC)  # 06:00 in Paris: not yet
    assert schedule.send_due(early) == 0
    on_time = datetime(2026, 3, 1, 7, tzinfo=UTC)
    assert schedule.send_due(on_time) == 1
    assert schedule.send_due(on_time + timedelta(hours=1)) == 0  # once per period
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["client@example.test", "direction@example.test"]
    assert "01/02/2026" in message.subject and message.attachments[0][2] == "application/pdf"
    with brand_scope(brand):
        run = ReportRun.objects.get()
        assert (run.period_start, run.period_end) == (MONTH.start, MONTH.end)
