"""Objectives and their KPIs, with progress measured from stored data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.strategy.choices import network_label
from tribune.strategy.forms.objectives import KpiForm, ObjectiveForm
from tribune.strategy.kpis import METRICS, measure, period_bounds
from tribune.strategy.models import Kpi, Objective
from tribune.strategy.services.common import do_delete, do_save
from tribune.strategy.services.objectives import KPI_FIELDS, OBJECTIVE_FIELDS
from tribune.strategy.views.common import get_in_scope, page, require, strategy_view
from tribune.web.charts import line_chart


def kpi_rows(brand: Any, kpis: Any) -> list[dict[str, Any]]:
    rows = []
    for kpi in kpis:
        metric = METRICS.get(kpi.metric)
        rows.append(
            {
                "kpi": kpi,
                "metric": metric.label if metric else kpi.metric,
                "network": network_label(kpi.network),
                "progress": measure(brand, kpi),
            }
        )
    return rows


def _follower_chart(brand: Any, kpi: Kpi) -> Any:
    if kpi.metric not in ("followers", "follower_growth"):
        return None
    start, end = period_bounds(brand, kpi.period_start, kpi.period_end)
    accounts = SocialAccount.objects.filter(brand=brand)
    if kpi.network:
        accounts = accounts.filter(network=kpi.network)
    if kpi.account_id:
        accounts = accounts.filter(pk=kpi.account_id)
    if len(accounts) != 1:
        return None  # one line per chart: only for a single account
    points = AccountSnapshot.objects.filter(
        account=accounts[0], at__gte=start, at__lt=end, followers__isnull=False
    ).values_list("at", "followers")
    return line_chart(
        [(at, float(f)) for at, f in points if f is not None],
        label=_("Followers of %(handle)s over the KPI's period") % {"handle": accounts[0].handle},
    )


@strategy_view(Cap.VIEW)
def objectives(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = ObjectiveForm(brand=brand)
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        form = ObjectiveForm(request.POST, brand=brand)
        if form.is_valid():
            obj = do_save(
                form.save(), actor=request.user, fields=OBJECTIVE_FIELDS, action="objective"
            )
            messages.success(request, _("Objective created."))
            return redirect("strategy:objective_detail", brand_slug=brand.slug, objective_id=obj.pk)
    items = [
        {"objective": o, "kpis": kpi_rows(brand, o.kpis.all())}
        for o in Objective.objects.filter(brand=brand).select_related("owner")
    ]
    return page(request, "strategy/objectives.html", "objectives", items=items, form=form)


@strategy_view(Cap.VIEW)
def objective_detail(request: HttpRequest, objective_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    objective = get_in_scope(Objective, objective_id)
    form = KpiForm(brand=brand)
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        action = request.POST.get("action")
        if action == "add_kpi":
            form = KpiForm(request.POST, brand=brand)
            if form.is_valid():
                kpi = form.save()
                kpi.objective = objective
                do_save(kpi, actor=request.user, fields=KPI_FIELDS, action="kpi")
                messages.success(request, _("KPI added."))
                return redirect(request.path)
        elif action == "remove_kpi":
            kpi = get_in_scope(Kpi, request.POST.get("kpi"))
            do_delete(kpi, actor=request.user, fields=KPI_FIELDS, action="kpi")
            messages.success(request, _("KPI removed."))
            return redirect(request.path)
        else:
            return HttpResponseBadRequest()
    kpis = objective.kpis.select_related("account")
    rows = kpi_rows(brand, kpis)
    for row in rows:
        row["chart"] = _follower_chart(brand, row["kpi"])
    return page(
        request,
        "strategy/objective_detail.html",
        "objectives",
        objective=objective,
        rows=rows,
        form=form,
        campaigns=objective.campaigns.all(),
    )


@strategy_view(Cap.STRATEGY)
def objective_edit(request: HttpRequest, objective_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    objective = get_in_scope(Objective, objective_id)
    back = reverse("strategy:objective_detail", args=[brand.slug, objective.pk])
    form = ObjectiveForm(request.POST or None, instance=objective, brand=brand)
    if request.method == "POST" and form.is_valid():
        do_save(form.save(), actor=request.user, fields=OBJECTIVE_FIELDS, action="objective")
        messages.success(request, _("Objective saved."))
        return redirect(back)
    context = {"form": form, "title": objective.title, "back": back}
    return page(request, "strategy/form_page.html", "objectives", **context)
