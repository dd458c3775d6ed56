"""Campaigns (budget planned vs spent, goals) and the platform mix."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tribune.accounts.roles import Cap
from tribune.strategy.choices import network_label
from tribune.strategy.forms.editorial import PlatformForm
from tribune.strategy.forms.objectives import CampaignForm, GoalForm
from tribune.strategy.models import Campaign, CampaignGoal, PlatformChoice
from tribune.strategy.services.common import do_delete, do_save
from tribune.strategy.services.objectives import (
    CAMPAIGN_FIELDS,
    GOAL_FIELDS,
    PLATFORM_FIELDS,
    budget_totals,
    platform_share_error,
)
from tribune.strategy.views.common import get_in_scope, page, require, strategy_view


def _save_campaign(request: HttpRequest, form: CampaignForm) -> Campaign:
    return do_save(
        form.save(),
        actor=request.user,
        fields=CAMPAIGN_FIELDS,
        action="campaign",
        m2m={"pillars": form.cleaned_data["pillars"]},
    )


@strategy_view(Cap.VIEW)
def campaigns(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    form = CampaignForm(brand=brand)
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        form = CampaignForm(request.POST, brand=brand)
        if form.is_valid():
            campaign = _save_campaign(request, form)
            messages.success(request, _("Campaign created."))
            return redirect("strategy:campaign_detail", brand.slug, campaign.pk)
    items = Campaign.objects.filter(brand=brand).select_related("objective")
    return page(
        request,
        "strategy/campaigns.html",
        "campaigns",
        items=items,
        totals=budget_totals(items),
        form=form,
    )


@strategy_view(Cap.VIEW)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    campaign = get_in_scope(Campaign, campaign_id)
    form = GoalForm(brand=brand)
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        action = request.POST.get("action")
        if action == "add_goal":
            form = GoalForm(request.POST, brand=brand)
            if form.is_valid():
                goal = form.save()
                goal.campaign = campaign
                do_save(goal, actor=request.user, fields=GOAL_FIELDS, action="goal")
                messages.success(request, _("Goal added."))
                return redirect(request.path)
        elif action in ("update_goal", "remove_goal"):
            goal = get_in_scope(CampaignGoal, request.POST.get("goal"))
            if action == "remove_goal":
                do_delete(goal, actor=request.user, fields=GOAL_FIELDS, action="goal")
                return redirect(request.path)
            edit = GoalForm(request.POST, instance=goal, brand=brand)
            if edit.is_valid():
                do_save(edit.save(), actor=request.user, fields=GOAL_FIELDS, action="goal")
                messages.success(request, _("Goal saved."))
                return redirect(request.path)
            messages.error(request, _("The goal could not be saved: check the numbers."))
        else:
            return HttpResponseBadRequest()
    return page(
        request,
        "strategy/campaign_detail.html",
        "campaigns",
        campaign=campaign,
        networks=[network_label(n) for n in campaign.networks],
        goals=campaign.goals.all(),
        form=form,
    )


@strategy_view(Cap.STRATEGY)
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    campaign = get_in_scope(Campaign, campaign_id)
    back = reverse("strategy:campaign_detail", args=[brand.slug, campaign.pk])
    form = CampaignForm(request.POST or None, instance=campaign, brand=brand)
    if request.method == "POST" and form.is_valid():
        _save_campaign(request, form)
        messages.success(request, _("Campaign saved."))
        return redirect(back)
    context = {"form": form, "title": campaign.name, "back": back}
    return page(request, "strategy/form_page.html", "campaigns", **context)


@strategy_view(Cap.VIEW)
def mix(request: HttpRequest) -> HttpResponse:
    """The platform mix (which networks, why, how much effort) and the budget."""
    brand = request.brand  # type: ignore[attr-defined]
    form = PlatformForm(brand=brand)
    if request.method == "POST":
        require(request, Cap.STRATEGY)
        action = request.POST.get("action")
        if action == "remove":
            choice = get_in_scope(PlatformChoice, request.POST.get("platform"))
            do_delete(choice, actor=request.user, fields=PLATFORM_FIELDS, action="platform")
            return redirect(request.path)
        # Adding a network already in the mix updates its row (one row per network).
        network = request.POST.get("network", "")
        instance = PlatformChoice.objects.filter(brand=brand, network=network).first()
        form = PlatformForm(request.POST, instance=instance, brand=brand)
        if form.is_valid():
            choice = form.save()
            error = platform_share_error(brand, choice)
            if error:
                form.add_error("effort_share", error)
            else:
                do_save(choice, actor=request.user, fields=PLATFORM_FIELDS, action="platform")
                messages.success(request, _("Platform mix saved."))
                return redirect(request.path)
    choices = list(PlatformChoice.objects.filter(brand=brand))
    items = Campaign.objects.filter(brand=brand)
    return page(
        request,
        "strategy/mix.html",
        "mix",
        choices=[(c, network_label(c.network)) for c in choices],
        total_effort=sum(c.effort_share for c in choices),
        totals=budget_totals(items),
        form=form,
    )
