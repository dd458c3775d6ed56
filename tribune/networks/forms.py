from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

HANDLE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,60}$")


class SandboxAccountForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle on the sandbox network"),
        max_length=60,
        help_text=_("Lowercase letters, digits, dots and hyphens; “.sandbox” is added."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=120)
    language = forms.ChoiceField(
        label=_("Language of the account"), choices=[("fr", "Français"), ("en", "English")]
    )

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lower().removeprefix("@")
        handle = handle.removesuffix(".sandbox")
        if not HANDLE.match(handle):
            raise forms.ValidationError(
                _("Use 2 to 61 lowercase letters, digits, dots or hyphens.")
            )
        return f"{handle}.sandbox"
