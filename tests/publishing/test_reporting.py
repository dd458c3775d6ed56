from datetime import date, timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.publishing import metrics, publisher, workflow
from tribune.publishing.models import Variant
from tribune.strategy import kpis
from tribune.strategy.services.reports import build_report_data


class Kpi:
    network = ""
    account_id = None
    target = 4
    metric = "posts_published"

    def __init__(self, start: date, end: date, metric: str = "posts_published") -> None:
        self.period_start, self.period_end, self.metric = start, end, metric


def _publish(tenants, accounts, text):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text=text,
            accounts=list(accounts),
            scheduled_at=timezone.now() + timedelta(seconds=1),
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
    for variant_id in publisher.claim_due(now=timezone.now() + timedelta(seconds=5)):
        publisher.publish_variant(variant_id)
    return post


def test_kpis_and_weekly_report_read_publishing(tenants, accounts):
    _publish(tenants, accounts, "Premier")
    _publish(tenants, accounts[:1], "Second")
    today = timezone.now().astimezone(tenants.brand_a.tz).date()
    progress = kpis.measure(tenants.brand_a, Kpi(today - timedelta(days=1), today))
    assert progress.available and progress.value == 3 and progress.percent == 75
    empty = kpis.measure(tenants.brand_a, Kpi(today - timedelta(days=9), today - timedelta(days=2)))
    assert empty.value == 0
    # Engagement is unknown until the networks' figures are collected: "no data", not 0.
    assert kpis.measure(tenants.brand_a, Kpi(today, today, "engagement")).value is None
    metrics.collect()
    assert kpis.measure(tenants.brand_a, Kpi(today, today, "engagement")).value == 0
    with brand_scope(tenants.brand_a):
        Variant.objects.filter(account=accounts[1]).update(status="failed")
    data = build_report_data(
        tenants.brand_a,
        today - timedelta(days=today.weekday()),
        today - timedelta(days=today.weekday()) + timedelta(days=6),
    )
    section = data["publishing"]
    assert section["published"] == 2 and section["failed"] == 1
    assert {row["account"] for row in section["top"]} == {"alpha.sandbox"}
