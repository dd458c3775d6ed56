"""Connecting a Mastodon account by OAuth, on any instance.

1. The person types their instance; Tribune registers itself there once (stored per
   instance, secret encrypted) and sends them to the instance's authorization page with a
   random ``state`` kept in their session.
2. The instance sends them back to ``/oauth/mastodon/callback/`` with a code; the state
   must match, the person must still be allowed to connect accounts on the brand, then the
   code is exchanged and the account connected.
"""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tribune.accounts.access import access_brand_by_slug, brand_view
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope
from tribune.networks.base import NetworkError
from tribune.networks.mastodon import oauth
from tribune.networks.mastodon.client import instance_url
from tribune.networks.models import MastodonApp
from tribune.networks.services import do_connect_account

SESSION_KEY = "mastodon_oauth"


class InstanceForm(forms.Form):
    instance = forms.CharField(
        label=gettext_lazy("Your Mastodon server"),
        max_length=253,
        help_text=gettext_lazy("For example: mastodon.social or piaille.fr"),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the account"),
        choices=[("fr", "Français"), ("en", "English")],
    )


def redirect_uri() -> str:
    return settings.SITE_URL + reverse("mastodon:callback")


def _app(instance: str) -> oauth.AppRegistration:
    url = instance_url(instance)
    row = MastodonApp.objects.filter(instance_url=url).first()
    if row is None:
        app = oauth.register_app(url, redirect_uri(), website=settings.SITE_URL)
        row = MastodonApp.objects.create(
            instance_url=app.instance_url,
            client_id=app.client_id,
            secrets={"client_secret": app.client_secret},
        )
    return oauth.AppRegistration(row.instance_url, row.client_id, row.secrets["client_secret"])


@brand_view(Cap.ACCOUNTS)
def connect_mastodon(request: AuthedRequest) -> HttpResponse:
    form = InstanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = _app(form.cleaned_data["instance"])
        except NetworkError as exc:
            form.add_error(
                "instance",
                _("This server could not register Tribune: %(error)s") % {"error": exc.message},
            )
        else:
            state = secrets.token_urlsafe(24)
            request.session[SESSION_KEY] = {
                "state": state,
                "brand": request.brand.slug,
                "instance": app.instance_url,
                "language": form.cleaned_data["language"],
            }
            # A page with a link, not a redirect: the CSP's form-action 'self' also
            # applies to redirects that answer a form post, and browsers enforce it.
            return render(
                request,
                "mastodon/continue.html",
                {
                    "authorize_url": oauth.authorization_url(app, redirect_uri(), state),
                    "instance": app.instance_url,
                },
            )
    return render(request, "mastodon/connect.html", {"form": form})


@login_required
def callback(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        messages.error(
            request,
            _(
                "This Mastodon connection was not started here, or has "
                "expired. Start again from the accounts page."
            ),
        )
        return redirect("web:home")
    access = access_brand_by_slug(request.user, pending["brand"], Cap.ACCOUNTS)  # type: ignore[arg-type]
    back = redirect("web:accounts", brand_slug=access.brand.slug)
    if "error" in request.GET or not request.GET.get("code"):
        messages.error(
            request,
            _("Mastodon did not grant access (%(reason)s).")
            % {
                "reason": request.GET.get("error_description")
                or request.GET.get("error")
                or _("no code")
            },
        )
        return back
    try:
        app = _app(pending["instance"])
        credentials = oauth.exchange_code(app, request.GET["code"], redirect_uri())
    except NetworkError as exc:
        messages.error(
            request, _("Mastodon refused the connection: %(error)s") % {"error": exc.message}
        )
        return back
    with brand_scope(access.brand):
        do_connect_account(
            access.brand,
            "mastodon",
            credentials,
            request.user,  # type: ignore[arg-type]
            display_name=credentials.handle,
            language=pending["language"],
        )
    messages.success(request, _("@%(handle)s is connected.") % {"handle": credentials.handle})
    return back
