from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tribune.networks.models import SocialAccount
from tribune.publishing.models import Repeat
from tribune.publishing.timing import next_free_slot


class LocalDateTimeField(forms.DateTimeField):
    """A datetime typed in the brand's time zone, returned in UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)
        self.tz: zoneinfo.ZoneInfo | None = None

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None or self.tz is None:
            return parsed
        naive = (
            timezone.make_naive(parsed, timezone.get_current_timezone())
            if timezone.is_aware(parsed)
            else parsed
        )
        return naive.replace(tzinfo=self.tz).astimezone(zoneinfo.ZoneInfo("UTC"))


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_network_display()} · @{obj.handle}"


class PostForm(forms.Form):
    title = forms.CharField(label=_("Internal title"), max_length=200, required=False)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    accounts = AccountChoiceField(
        label=_("Publish on"),
        queryset=SocialAccount.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one account.")},
    )
    scheduled_at = LocalDateTimeField(label=_("Publication time"), required=False)
    next_slot = forms.BooleanField(
        label=_("Use the next free queue slot"),
        required=False,
        help_text=_("Ignored when a publication time is given."),
    )
    first_comment = forms.CharField(
        label=_("First comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    sponsored = forms.BooleanField(label=_("Sponsored content"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Account's language")), ("fr", "Français"), ("en", "English")],
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=Repeat.choices, required=False)
    evergreen_days = forms.IntegerField(
        label=_("Evergreen: publish again every … days"),
        required=False,
        min_value=7,
        max_value=365,
        help_text=_("Leave empty for a one-off post. At least 7 days."),
    )
    text_b = forms.CharField(
        label=_("A/B test: second text (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tribune publishes both and tells which one engaged more."),
    )
    ab_split = forms.ChoiceField(
        label=_("Split the test"),
        required=False,
        choices=[
            ("time", _("Same accounts, second text later")),
            ("accounts", _("Half of the accounts each")),
        ],
    )
    ab_delay_hours = forms.IntegerField(
        label=_("Hours between A and B"), min_value=1, max_value=168, initial=24, required=False
    )
    repeat_until = forms.DateField(
        label=_("Repeat until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brand = brand
        accounts = SocialAccount.objects.filter(brand=brand, status=SocialAccount.Status.ACTIVE)
        self.fields["accounts"].queryset = accounts  # type: ignore[attr-defined]
        self.fields["scheduled_at"].tz = brand.tz  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("text_b") and data.get("repeat"):
            self.add_error("text_b", _("An A/B test cannot repeat."))
        if (
            data.get("text_b")
            and data.get("ab_split") == "accounts"
            and len(data.get("accounts") or []) < 2
        ):
            self.add_error("ab_split", _("Splitting by accounts needs at least two accounts."))
        if data.get("repeat") and not data.get("scheduled_at"):
            self.add_error("scheduled_at", _("A repeating post needs a first publication time."))
        if data.get("next_slot") and not data.get("scheduled_at") and data.get("accounts"):
            slot = next_free_slot(self.brand, list(data["accounts"]))
            if slot is None:
                self.add_error(
                    "next_slot", _("These accounts have no free queue slot in the next four weeks.")
                )
            data["scheduled_at"] = slot
        when = data.get("scheduled_at")
        if when is not None and when < timezone.now() - timedelta(minutes=1):
            self.add_error("scheduled_at", _("This time is in the past."))
        return data


class RescheduleForm(forms.Form):
    scheduled_at = LocalDateTimeField()

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"].tz = brand.tz  # type: ignore[attr-defined]
