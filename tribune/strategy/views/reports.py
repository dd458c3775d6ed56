"""The CM → SMM weekly reports, their comments, and the decision log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.strategy.audit_labels import action_label
from tribune.strategy.choices import network_label
from tribune.strategy.forms.editorial import CommentForm, DecisionForm
from tribune.strategy.models import CmReport, Decision
from tribune.strategy.services.decisions import (
    do_add_report_comment,
    do_record_decision,
    do_set_report_status,
)
from tribune.strategy.services.plans import local_today
from tribune.strategy.services.reports import do_generate_report
from tribune.strategy.views.common import can, get_in_scope, page, require, strategy_view
from tribune.web.charts import line_chart


@strategy_view(Cap.VIEW)
def reports(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    today = local_today(brand)
    last_monday = today - timedelta(days=today.weekday() + 7)
    if request.method == "POST":
        require(request, Cap.DRAFT)
        report, created = do_generate_report(brand, last_monday, request.user)
        if created:
            messages.success(request, _("Report generated."))
        return redirect("strategy:report_detail", brand.slug, report.pk)
    return page(
        request,
        "strategy/reports.html",
        "reports",
        items=CmReport.objects.filter(brand=brand),
        last_monday=last_monday,
        can_generate=can(request, Cap.DRAFT),
    )


def _account_rows(report: CmReport) -> list[dict[str, Any]]:
    rows = []
    for row in report.data.get("accounts", []):
        points = [
            (datetime.fromisoformat(day), float(value)) for day, value in row.get("daily", [])
        ]
        chart = line_chart(points, label=_("Followers of %(handle)s") % {"handle": row["handle"]})
        rows.append({**row, "network_label": network_label(row["network"]), "chart": chart})
    return rows


@strategy_view(Cap.VIEW)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    report = get_in_scope(CmReport, report_id)
    # Two forms on one page: distinct element ids (auto_id), same field names.
    comment_form = CommentForm(auto_id="comment_%s")
    decision_form = DecisionForm(auto_id="decision_%s")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "comment":
            require(request, Cap.DRAFT)
            comment_form = CommentForm(request.POST, auto_id="comment_%s")
            if comment_form.is_valid():
                do_add_report_comment(report, request.user, comment_form.cleaned_data["text"])
                return redirect(request.path)
        elif action == "decision":
            require(request, Cap.STRATEGY)
            decision_form = DecisionForm(request.POST, auto_id="decision_%s")
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                do_record_decision(brand, request.user, data["text"], data["network"], report)
                messages.success(request, _("Decision recorded."))
                return redirect(request.path)
        elif action == "submit":
            require(request, Cap.DRAFT)
            do_set_report_status(report, CmReport.Status.SUBMITTED, request.user)
            return redirect(request.path)
        elif action == "review":
            require(request, Cap.STRATEGY)
            do_set_report_status(report, CmReport.Status.REVIEWED, request.user)
            return redirect(request.path)
        else:
            return HttpResponseBadRequest()
    activity = report.data.get("activity", {})
    return page(
        request,
        "strategy/report_detail.html",
        "reports",
        report=report,
        accounts=_account_rows(report),
        actions=report.data.get("actions", {}),
        activity=[(action_label(a), n) for a, n in activity.get("by_action", [])],
        activity_people=activity.get("by_person", []),
        activity_total=activity.get("total", 0),
        comments=report.comments.select_related("author"),
        decisions=[
            (d, network_label(d.network) if d.network else "") for d in report.decisions.all()
        ],
        comment_form=comment_form,
        decision_form=decision_form,
        can_comment=can(request, Cap.DRAFT),
        can_decide=can(request, Cap.STRATEGY),
    )


@strategy_view(Cap.VIEW)
def decisions(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = DecisionForm()
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        form = DecisionForm(request.POST)
        if form.is_valid():
            do_record_decision(
                brand, request.user, form.cleaned_data["text"], form.cleaned_data["network"]
            )
            messages.success(request, _("Decision recorded."))
            return redirect(request.path)
    items = Decision.objects.filter(brand=brand).select_related("report")
    network = request.GET.get("network", "")
    if network:
        items = items.filter(network=network)
    return page(
        request,
        "strategy/decisions.html",
        "decisions",
        items=[(d, network_label(d.network) if d.network else "") for d in items],
        form=form,
        network=network,
        now=timezone.now(),
    )
