"""Connecting a Bluesky account with an app password (Settings → App passwords)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tribune.accounts.access import brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.networks.base import AuthExpired, Credentials, NetworkError, Rejected
from tribune.networks.bluesky.connector import BlueskyConnector
from tribune.networks.models import SocialAccount
from tribune.networks.services import do_connect_account


class BlueskyForm(forms.Form):
    handle = forms.CharField(
        label=gettext_lazy("Handle"),
        max_length=253,
        help_text=gettext_lazy("For example: maison-lumiere.bsky.social"),
    )
    app_password = forms.CharField(
        label=gettext_lazy("App password"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy(
            "Create one in Bluesky: Settings → Privacy and security → App "
            "passwords. Never your main password."
        ),
    )
    server = forms.URLField(
        label=gettext_lazy("Server"),
        initial="https://bsky.social",
        help_text=gettext_lazy("Change only for a self-hosted PDS."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the account"),
        choices=[("fr", "Français"), ("en", "English")],
    )

    def clean_handle(self) -> str:
        return self.cleaned_data["handle"].strip().removeprefix("@").lower()

    def clean_server(self) -> str:
        url = self.cleaned_data["server"].rstrip("/")
        # Plain http only for local test servers an administrator allowed.
        if urlsplit(url).scheme != "https" and not settings.TRIBUNE_ALLOW_PRIVATE_URLS:
            raise forms.ValidationError(_("Use an https:// address."))
        return url


@brand_view(Cap.ACCOUNTS)
def connect_bluesky(request: AuthedRequest) -> HttpResponse:
    form = BlueskyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        connector = BlueskyConnector(
            Credentials(
                handle=data["handle"],
                secrets={"app_password": data["app_password"]},
                base_url=data["server"],
            )
        )
        try:
            did = connector.did  # logs in: proves the handle and app password
            metrics = connector.fetch_account_metrics()
        except AuthExpired:
            form.add_error(None, _("Bluesky refused this handle and app password."))
        except Rejected as exc:
            form.add_error(
                None, _("This server address cannot be used: %(error)s") % {"error": exc.message}
            )
        except NetworkError as exc:
            form.add_error(
                None, _("Could not reach the Bluesky server: %(error)s") % {"error": exc.message}
            )
        else:
            account = do_connect_account(
                request.brand,
                "bluesky",
                connector.credentials,
                request.user,
                display_name=data["handle"],
                language=data["language"],
            )
            SocialAccount.objects.filter(pk=account.pk).update(remote_id=did)
            messages.success(
                request,
                _("@%(handle)s is connected (%(n)s followers).")
                % {"handle": data["handle"], "n": metrics.followers},
            )
            return redirect("web:accounts", brand_slug=request.brand.slug)
    return render(request, "bluesky/connect.html", {"form": form})
