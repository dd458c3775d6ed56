from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.webhooks.models import EVENTS


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=_("Address that receives the events"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("Tribune sends a signed POST request to this address for each event."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(k, v) for k, v in EVENTS.items() if k != "ping"],
        widget=forms.CheckboxSelectMultiple,
    )


IMPORT_KINDS = [
    ("x", _("X (Twitter) archive: tweets.js or the archive .zip")),
    ("mastodon", _("Mastodon archive: outbox.json or the archive .zip")),
    ("bluesky", _("Bluesky repository export (.car)")),
    ("csv", _("CSV of posts for the calendar")),
    ("members", _("CSV of community members")),
    ("conversions", _("CSV of conversions")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What are you importing?"), choices=IMPORT_KINDS)
    account = forms.TypedChoiceField(
        label=_("Social account"),
        coerce=int,
        empty_value=None,
        help_text=_("Archives become the published history of this account."),
        required=False,
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, accounts=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—")] + [
            (a.pk, f"{a.get_network_display()} · @{a.handle}") for a in accounts
        ]
