"""The "test a text" form of the charter page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.strategy.choices import NETWORKS
from tribune.strategy.rules import ContentContext

LANGUAGES = [("", _("Not specified")), ("fr", "Français"), ("en", "English")]


class CheckTextForm(forms.Form):
    text = forms.CharField(
        label=_("Text to test"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    network = forms.ChoiceField(label=_("Network"), choices=NETWORKS, initial="mastodon")
    sponsored = forms.BooleanField(label=_("Sponsored post"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    account = forms.ChoiceField(label=_("Account"), required=False)

    def __init__(self, *args: Any, accounts: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("Any account"))] + [(a, a) for a in accounts]  # type: ignore[attr-defined]

    def context(self) -> ContentContext:
        data = self.cleaned_data
        return ContentContext(
            sponsored=data["sponsored"],
            language=data["language"] or None,
            account=data["account"] or None,
        )


def highlight(text: str, violations: list[Any]) -> list[tuple[str, Any]]:
    """The text cut into (piece, violation or None) for <mark>; overlapping spans after
    the first are left unmarked (they are still listed)."""
    pieces: list[tuple[str, Any]] = []
    position = 0
    for v in sorted((v for v in violations if v.span), key=lambda v: v.span):
        start, end = v.span
        if start < position:
            continue
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], v))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
