"""Forms: date range, conversion goals, CSV import, report templates, competitors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import Brand
from tribune.analytics.kpis import Period, last_days
from tribune.analytics.models import Competitor, ConversionGoal, ReportTemplate
from tribune.analytics.reports import SECTIONS
from tribune.networks.registry import network_choices
from tribune.strategy.models import Campaign

MAX_RANGE_DAYS = 731
PRESETS = (7, 30, 90)


class RangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days >= MAX_RANGE_DAYS:
                raise forms.ValidationError(_("Choose a range of two years at most."))
        return data

    def period(self, today: date, default_days: int = 30) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            return Period(start, end)
        days = data.get("days")
        return last_days(today, days if days in PRESETS else default_days)


class GoalForm(forms.ModelForm):
    # Brand data: declared empty here, filled with the brand's campaigns in __init__.
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    class Meta:
        model = ConversionGoal
        fields = ["name", "key", "campaign", "target", "value", "window_days", "pixel_enabled"]

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        self.fields["campaign"].queryset = Campaign.objects.filter(brand=brand)  # type: ignore[attr-defined]

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        clash = ConversionGoal.objects.filter(brand=self.brand, key=key).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(_("Another goal of this brand already uses this key."))
        return str(key)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class ReportTemplateForm(forms.ModelForm):
    sections = forms.MultipleChoiceField(
        label=_("Sections"), choices=SECTIONS, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ReportTemplate
        fields = ["name", "sections", "language", "frequency", "recipients", "intro", "client_logo"]
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_recipients(self) -> str:
        lines = [
            line.strip() for line in self.cleaned_data["recipients"].splitlines() if line.strip()
        ]
        for line in lines:
            try:
                validate_email(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(value)s” is not an email address."), params={"value": line}
                ) from None
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("frequency") and not data.get("recipients"):
            self.add_error("recipients", _("A scheduled report needs at least one recipient."))
        return data


class AgencyLogoForm(forms.Form):
    logo = forms.ImageField(label=_("Agency logo"))


class CompetitorForm(forms.ModelForm):
    network = forms.ChoiceField(label=_("Network"), choices=network_choices)

    class Meta:
        model = Competitor
        fields = ["name", "network", "handle"]

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand

    def clean_handle(self) -> str:
        return str(self.cleaned_data["handle"]).strip().lstrip("@")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if Competitor.objects.filter(
            brand=self.brand, network=data.get("network"), handle=data.get("handle")
        ).exists():
            raise forms.ValidationError(_("This competitor is already followed."))
        return data


class CompetitorFiguresForm(forms.Form):
    followers = forms.IntegerField(label=_("Followers"), min_value=0)
    posts_last_30d = forms.IntegerField(
        label=_("Posts in the last 30 days"), min_value=0, required=False
    )
    engagement_rate = forms.FloatField(
        label=_("Engagement rate (%)"), min_value=0, max_value=100, required=False
    )
