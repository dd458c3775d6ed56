"""Forms for the editorial line, content pillars, personas, platform mix, action plan,
reports, decisions and crisis rooms: small model forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.accounts.models import User
from tribune.strategy.choices import NETWORKS
from tribune.strategy.forms.common import BrandForm, network_field
from tribune.strategy.models import (
    ActionTask,
    ContentPillar,
    Crisis,
    Persona,
    PlatformChoice,
    Playbook,
)
from tribune.strategy.people import brand_people


class EditorialLineForm(forms.Form):
    text = forms.CharField(
        label=_("Editorial line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text. ## Heading, - list item, **bold**, *italic*."),
    )


class PillarForm(BrandForm):
    class Meta:
        model = ContentPillar
        fields = ["name", "description", "share_target"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = ContentPillar.objects.filter(brand=self.brand, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This brand already has a pillar with this name."))
        return name


class PersonaForm(BrandForm):
    class Meta:
        model = Persona
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PlatformForm(BrandForm):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORKS)

    class Meta:
        model = PlatformChoice
        fields = ["network", "purpose", "audience", "effort_share"]


class TaskForm(BrandForm):
    people_fields = ("owner",)
    network = network_field()

    class Meta:
        model = ActionTask
        fields = ["title", "network", "owner", "due_date", "recurrence", "notes"]
        widgets = {"due_date": forms.DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    network = network_field()


class PlaybookForm(BrandForm):
    class Meta:
        model = Playbook
        fields = ["name", "trigger", "steps", "contacts", "holding_statements", "is_default"]
        widgets = {
            "trigger": forms.Textarea(attrs={"rows": 2}),
            "steps": forms.Textarea(attrs={"rows": 6}),
            "contacts": forms.Textarea(attrs={"rows": 3}),
            "holding_statements": forms.Textarea(attrs={"rows": 5}),
        }


class OpenCrisisForm(forms.Form):
    title = forms.CharField(label=_("What is happening?"), max_length=200)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Crisis.Severity.choices, initial=Crisis.Severity.HIGH
    )
    playbook = forms.ModelChoiceField(
        label=_("Playbook"), queryset=Playbook.objects.none(), required=False
    )  # filled with the brand's playbooks in __init__

    def __init__(self, *args: Any, playbooks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["playbook"].queryset = playbooks  # type: ignore[attr-defined]


class CrisisEntryForm(forms.Form):
    text = forms.CharField(label=_("Timeline entry"), widget=forms.Textarea(attrs={"rows": 2}))


class CrisisStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Crisis.Status.choices)


class AssignForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Assigned people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = brand_people(brand)  # type: ignore[attr-defined]
