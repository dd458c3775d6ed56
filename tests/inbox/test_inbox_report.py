from datetime import timedelta

from django.utils import timezone

from tribune.core.scope import brand_scope
from tribune.inbox.reporting import report_section


def test_inbox_section_counts_the_week(tenants, accounts):
    from tests.publishing.conftest import simulate_audience
    from tribune.inbox.ingest import poll_account

    simulate_audience("alpha.sandbox", hours=24)
    with brand_scope(tenants.brand_a):
        poll_account(accounts[0].pk)
        now = timezone.now()
        section = report_section(tenants.brand_a, now - timedelta(days=7), now + timedelta(days=2))
    assert section["received"] > 0
    assert section["still_waiting"] >= 0 and section["median_response_minutes"] is None
