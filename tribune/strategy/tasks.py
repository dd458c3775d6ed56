"""Periodic jobs of the strategy package."""

from __future__ import annotations

from django.tasks import task

from tribune.strategy.services.reports import do_generate_due_reports
from tribune.worker.periodic import periodic


@periodic("strategy.weekly_reports", every=1800)
@task()
def weekly_reports() -> int:
    """Draft the CM → SMM report on last week for each brand, Monday 06:00 brand-local."""
    return len(do_generate_due_reports())
