"""The strategy landing page: the state of every part at a glance."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse

from tribune.accounts.roles import Cap
from tribune.strategy.models import ActionTask, Campaign, CmReport, Crisis, Decision, Objective
from tribune.strategy.services.charter import current_version
from tribune.strategy.services.objectives import budget_totals
from tribune.strategy.services.plans import local_today
from tribune.strategy.views.common import page, strategy_view
from tribune.strategy.views.objectives import kpi_rows


@strategy_view(Cap.VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    today = local_today(brand)
    open_tasks = ActionTask.objects.filter(brand=brand, done_at__isnull=True)
    running = Campaign.objects.filter(brand=brand).exclude(
        status__in=[Campaign.Status.DONE, Campaign.Status.CANCELLED]
    )
    objectives = Objective.objects.filter(
        brand=brand, status__in=[Objective.Status.ACTIVE, Objective.Status.PLANNED]
    )
    return page(
        request,
        "strategy/overview.html",
        "overview",
        charter=current_version(brand),
        objectives=[(o, kpi_rows(brand, o.kpis.all())) for o in objectives],
        campaigns=running,
        totals=budget_totals(running),
        overdue=open_tasks.filter(due_date__lt=today).count(),
        due_week=open_tasks.filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=7)
        ).count(),
        report=CmReport.objects.filter(brand=brand).first(),
        decisions=Decision.objects.filter(brand=brand)[:5],
        crises=Crisis.objects.filter(brand=brand).exclude(status=Crisis.Status.CLOSED),
    )
