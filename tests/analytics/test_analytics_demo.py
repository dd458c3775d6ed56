"""The demo brand's analytics: figures exist, and its monthly report renders in French."""

from __future__ import annotations

from datetime import timedelta

import pypdfium2 as pdfium
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.analytics import kpis, reports
from tribune.analytics.models import Competitor, Conversion, ReportTemplate
from tribune.core.scope import brand_scope
from tribune.demo.seed import run_demo


def test_demo_brand_has_figures_and_a_monthly_report(db):
    run_demo(days=10, progress=lambda _m: None)
    brand = Brand.objects.get(slug="maison-lumiere")
    today = timezone.localdate(timezone=brand.tz)
    period = kpis.Period(today - timedelta(days=29), today)
    with brand_scope(brand):
        totals = kpis.totals(brand, period)
        assert totals.posts > 0 and totals.engagement > 0 and totals.impressions > 0
        assert totals.clicks > 0 and totals.followers
        assert Conversion.objects.filter(click__isnull=False).exists()
        assert Competitor.objects.get().snapshots.count() == 2
        template = ReportTemplate.objects.get(name="Rapport mensuel")
        context = reports.build(brand, template, period, "monthly")
        pdf = reports.render_pdf(context)
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 2
    first = document[0].render(scale=1).to_pil().convert("L")
    assert first.getextrema()[0] < 100  # text and charts, not a blank page
    run_demo(days=2, progress=lambda _m: None)  # idempotent: nothing doubled
    with brand_scope(brand):
        assert Competitor.objects.count() == 1
        assert ReportTemplate.objects.filter(name="Rapport mensuel").count() == 1
