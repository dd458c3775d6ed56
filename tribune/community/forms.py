"""Forms of the community screens (validation only; services do the work)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.community.models import Event, Feedback, Interaction, Stage

NETWORK_CHOICES: list[tuple[str, Any]] = [
    ("email", _("Email")),
    ("phone", _("Phone")),
    ("web", _("Website")),
    ("sandbox", "Sandbox"),
    ("bluesky", "Bluesky"),
    ("mastodon", "Mastodon"),
    ("x", "X"),
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
    ("linkedin", "LinkedIn"),
    ("youtube", "YouTube"),
]


class MemberForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    network = forms.ChoiceField(
        label=_("Network"), choices=[("", "—")] + NETWORK_CHOICES[3:], required=False
    )
    handle = forms.CharField(label=_("Handle"), max_length=200, required=False)
    consent = forms.BooleanField(label=_("Accepts emails from the brand"), required=False)
    consent_source = forms.CharField(
        label=_("How consent was given"), max_length=200, required=False
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=200)
    languages = forms.CharField(
        label=_("Languages (comma separated)"), max_length=200, required=False
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    tags = forms.CharField(label=_("Tags (comma separated)"), max_length=500, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    tier = forms.CharField(label=_("Ambassador tier"), max_length=60, required=False)
    perks = forms.CharField(
        label=_("Perks"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class IdentityForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=NETWORK_CHOICES)
    handle = forms.CharField(label=_("Handle, address or number"), max_length=300)


class ConsentForm(forms.Form):
    given = forms.BooleanField(label=_("Accepts emails from the brand"), required=False)
    source = forms.CharField(label=_("How consent was given or withdrawn"), max_length=200)


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Channel"),
        choices=[(k, v) for k, v in Interaction.Kind.choices if k in Interaction.OFFLINE],
    )
    occurred_at = forms.DateTimeField(
        label=_("Date"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Outreach stage"), choices=Stage.choices, required=False)
    remind_at = forms.DateTimeField(
        label=_("Remind me on"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reminder_note = forms.CharField(label=_("Reminder note"), max_length=300, required=False)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "format",
            "location",
            "online_url",
            "starts_at",
            "ends_at",
            "capacity",
            "survey_question",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class InviteForm(forms.Form):
    top = forms.IntegerField(
        label=_("Top members by score"), min_value=1, max_value=500, required=False
    )
    segment = forms.IntegerField(label=_("Segment"), required=False, widget=forms.Select)


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))
    link_url = forms.URLField(
        label=_("Link to share"), max_length=500, required=False, assume_scheme="https"
    )
    share_keyword = forms.CharField(
        label=_("Keyword that identifies a share"), max_length=100, required=False
    )
    embargo_until = forms.DateTimeField(
        label=_("Embargo until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    top = forms.IntegerField(
        label=_("Top members by score"), min_value=1, max_value=500, required=False
    )
    segment = forms.IntegerField(label=_("Segment"), required=False, widget=forms.Select)
    level = forms.ChoiceField(
        label=_("Or every member of level"),
        required=False,
        choices=[("", "—"), ("core", _("Core")), ("ambassador", _("Ambassador"))],
    )


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Detect"))] + list(Feedback.Category.choices),
        required=False,
    )
    author_label = forms.CharField(label=_("Author"), max_length=200, required=False)


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
