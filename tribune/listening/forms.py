"""Edge validation for listening screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tribune.listening.chat import valid_jid, valid_matrix_target
from tribune.listening.models import Query, Source
from tribune.listening.querylang import check_expression

HOURS = [(h, f"{h:02d}:00") for h in range(24)]


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
    url = forms.URLField(
        label=_("address"),
        max_length=1000,
        required=False,
        help_text=_(
            "Feed address; Mastodon: the instance (https://mastodon.social); Bluesky: "
            "leave empty to search through the brand's connected Bluesky account."
        ),
    )
    search = forms.CharField(
        label=_("search"),
        max_length=300,
        required=False,
        help_text=_("Bluesky: the words to search; Mastodon hashtag: the tag, without #."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (Source.Kind.RSS, Source.Kind.ATOM) and not data.get("url"):
            self.add_error("url", _("A feed needs its address."))
        if kind in (Source.Kind.MASTODON_TAG, Source.Kind.MASTODON_PUBLIC) and not data.get("url"):
            self.add_error("url", _("A Mastodon source needs the instance's address."))
        if kind in (Source.Kind.BLUESKY, Source.Kind.MASTODON_TAG) and not data.get(
            "search", ""
        ).strip(" #"):
            self.add_error("search", _("Say what to search for."))
        if kind == Source.Kind.MASTODON_TAG:
            data["search"] = data.get("search", "").strip().lstrip("#")
            if not data["search"].replace("_", "").isalnum():
                self.add_error("search", _("A hashtag is one word: letters, digits and _."))
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
    matrix_homeserver = forms.URLField(
        label=_("Matrix homeserver"),
        required=False,
        max_length=500,
        help_text=_("For example https://matrix.example.org (the bot account's server)."),
    )
    matrix_user_id = forms.CharField(
        label=_("Matrix bot account"), required=False, max_length=255, help_text="@bot:example.org"
    )
    matrix_access_token = forms.CharField(
        label=_("Matrix bot access token"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current token."),
    )
    xmpp_jid = forms.CharField(
        label=_("XMPP bot address"), required=False, max_length=255, help_text="alertes@example.org"
    )
    xmpp_password = forms.CharField(
        label=_("XMPP bot password"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )
    xmpp_host = forms.CharField(
        label=_("XMPP server"),
        required=False,
        max_length=255,
        help_text=_("Leave empty to use the address's domain."),
    )
    xmpp_port = forms.IntegerField(
        label=_("XMPP port"), min_value=1, max_value=65535, initial=5222, required=False
    )
    digest_enabled = forms.BooleanField(label=_("Send a daily digest email"), required=False)
    digest_hour = forms.TypedChoiceField(
        label=_("Digest at"),
        choices=HOURS,
        coerce=int,
        required=False,
        empty_value=8,  # type: ignore[arg-type]
    )
    quiet_start_hour = forms.TypedChoiceField(
        label=_("Quiet hours from"),
        choices=HOURS,
        coerce=int,
        required=False,
        empty_value=21,  # type: ignore[arg-type]
        help_text=_("No digest during quiet hours (crisis alerts still go out)."),
    )
    quiet_end_hour = forms.TypedChoiceField(
        label=_("Quiet hours until"),
        choices=HOURS,
        coerce=int,
        required=False,
        empty_value=7,  # type: ignore[arg-type]
    )

    def clean_xmpp_port(self) -> int:
        return self.cleaned_data.get("xmpp_port") or 5222

    def clean_matrix_user_id(self) -> str:
        value = self.cleaned_data["matrix_user_id"].strip()
        if value and not (value.startswith("@") and valid_matrix_target(value)):
            raise forms.ValidationError(_("A Matrix account looks like @name:server."))
        return value

    def clean_xmpp_jid(self) -> str:
        value = self.cleaned_data["xmpp_jid"].strip()
        if value and not valid_jid(value):
            raise forms.ValidationError(_("An XMPP address looks like name@server."))
        return value


class OnCallPersonForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    tz = forms.CharField(label=_("Time zone"), max_length=64, initial="Europe/Paris")
    start_hour = forms.IntegerField(label=_("From (hour)"), min_value=0, max_value=23, initial=0)
    end_hour = forms.IntegerField(label=_("To (hour)"), min_value=0, max_value=24, initial=24)
    matrix_target = forms.CharField(
        label=_("Matrix room or user"),
        required=False,
        max_length=255,
        help_text=_("@name:server for a direct message, or a room: !id:server or #alias:server."),
    )
    xmpp_jid = forms.CharField(
        label=_("XMPP address"), required=False, max_length=255, help_text="name@example.org"
    )

    def clean_matrix_target(self) -> str:
        value = self.cleaned_data["matrix_target"].strip()
        if value and not valid_matrix_target(value):
            raise forms.ValidationError(
                _("A Matrix address looks like @name:server, !room:server or #alias:server.")
            )
        return value

    def clean_xmpp_jid(self) -> str:
        value = self.cleaned_data["xmpp_jid"].strip()
        if value and not valid_jid(value):
            raise forms.ValidationError(_("An XMPP address looks like name@server."))
        return value

    def clean_tz(self) -> str:
        import zoneinfo

        value = self.cleaned_data["tz"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone.")) from None
        return value
