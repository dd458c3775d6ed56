"""Edge validation for listening screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.listening.models import Query, Source
from tribune.listening.querylang import check_expression


class QueryForm(forms.ModelForm):
    class Meta:
        model = Query
        fields = ["name", "kind", "expression", "enabled"]
        widgets = {"expression": forms.Textarea(attrs={"rows": 3, "data-live-query": "1"})}
        help_texts = {
            "expression": _(
                'AND, OR, NOT (or -word), "exact phrase", (parentheses), word* for a prefix, '
                "lang:fr, network:bluesky, author:name. Two words side by side mean AND."
            )
        }

    def clean_expression(self) -> str:
        expression = self.cleaned_data["expression"].strip()
        error = check_expression(expression)
        if error:
            raise forms.ValidationError(error)
        return expression


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Source.Kind.choices)
    name = forms.CharField(label=_("name"), max_length=120, required=False)
    url = forms.URLField(label=_("address"), max_length=1000, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("kind") in (Source.Kind.RSS, Source.Kind.ATOM) and not data.get("url"):
            self.add_error("url", _("A feed needs its address."))
        return data


class OnCallForm(forms.Form):
    escalate_after_minutes = forms.IntegerField(
        label=_("Escalate after (minutes)"), min_value=1, max_value=1440
    )
    webhook_url = forms.URLField(label=_("Webhook address"), required=False, max_length=1000)
    webhook_secret = forms.CharField(
        label=_("Webhook signing secret"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to keep the current secret."),
    )


class OnCallPersonForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    tz = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Paris")
    start_hour = forms.IntegerField(label=_("From (hour)"), min_value=0, max_value=23, initial=0)
    end_hour = forms.IntegerField(label=_("To (hour)"), min_value=0, max_value=24, initial=24)

    def clean_tz(self) -> str:
        import zoneinfo

        value = self.cleaned_data["tz"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone.")) from None
        return value
