"""Forms for objectives, KPIs, campaigns and their goals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.core.scope import brand_scope
from tribune.networks.models import SocialAccount
from tribune.strategy.choices import CURRENCIES, NETWORKS
from tribune.strategy.forms.common import BrandForm, network_field
from tribune.strategy.kpis import metric_choices
from tribune.strategy.models import Campaign, CampaignGoal, ContentPillar, Kpi, Objective


class ObjectiveForm(BrandForm):
    people_fields = ("owner",)

    class Meta:
        model = Objective
        fields = ["kind", "title", "description", "owner", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class KpiForm(BrandForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices)
    network = network_field()
    # Brand data: declared empty here, filled with the brand's rows in __init__.
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=SocialAccount.objects.none(),
        required=False,
        help_text=_("Optional: measure one account only."),
    )

    class Meta:
        model = Kpi
        fields = ["metric", "label", "target", "period_start", "period_end", "network", "account"]
        widgets = {"period_start": forms.DateInput(), "period_end": forms.DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with brand_scope(self.brand):
            accounts = SocialAccount.objects.filter(brand=self.brand)
        self.fields["account"].queryset = accounts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its first day."))
        account = data.get("account")
        if account and data.get("network") and account.network != data["network"]:
            self.add_error("account", _("This account is not on the chosen network."))
        return data


class CampaignForm(BrandForm):
    networks = forms.MultipleChoiceField(
        label=_("Networks"), choices=NETWORKS, required=False, widget=forms.CheckboxSelectMultiple
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    objective = forms.ModelChoiceField(
        label=_("Objective"), queryset=Objective.objects.none(), required=False
    )
    pillars = forms.ModelMultipleChoiceField(
        label=_("Content pillars"),
        queryset=ContentPillar.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "description",
            "status",
            "start_date",
            "end_date",
            "networks",
            "budget_planned",
            "budget_spent",
            "currency",
            "objective",
            "pillars",
            "tactics",
            "utm_campaign",
        ]
        widgets = {
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "tactics": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with brand_scope(self.brand):
            objectives = Objective.objects.filter(brand=self.brand)
            pillars = ContentPillar.objects.filter(brand=self.brand)
        self.fields["objective"].queryset = objectives  # type: ignore[attr-defined]
        self.fields["pillars"].queryset = pillars  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data: dict[str, Any] = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The campaign must end on or after its first day."))
        return data


class GoalForm(BrandForm):
    class Meta:
        model = CampaignGoal
        fields = ["label", "target", "achieved"]
