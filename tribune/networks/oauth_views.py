"""Web side of the OAuth connect flows (see ``oauth_connect.py`` for the flow itself).

Only people whose role may connect accounts (``Cap.ACCOUNTS``) start a flow, and the
callback checks that again for the brand the flow was started on: a role removed in the
meantime ends the flow with a refusal.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tribune.accounts.access import access_brand_by_slug, brand_view
from tribune.accounts.models import Brand
from tribune.accounts.roles import Cap
from tribune.core.http import AuthedRequest
from tribune.core.scope import brand_scope
from tribune.networks.linkedin.connect import LinkedInProvider
from tribune.networks.meta.connect import FacebookProvider, InstagramProvider
from tribune.networks.models import NetworkApp, SocialAccount
from tribune.networks.oauth_connect import (
    FlowError,
    Provider,
    app_for,
    begin,
    check_exchange,
    do_connect_candidates,
    do_save_network_app,
    drop_choices,
    finish,
    load_choices,
    redirect_uri,
    store_choices,
)
from tribune.networks.x.connect import XProvider
from tribune.networks.youtube.connect import YouTubeProvider

PROVIDERS: dict[str, Provider] = {
    p.network: p
    for p in (
        XProvider(),
        LinkedInProvider(),
        YouTubeProvider(),
        FacebookProvider(),
        InstagramProvider(),
    )
}
# What one connection brings, in the words of each network.
WHAT = {
    "x": gettext_lazy("an X account"),
    "linkedin": gettext_lazy("a LinkedIn organization page"),
    "youtube": gettext_lazy("a YouTube channel"),
    "facebook": gettext_lazy("a Facebook Page"),
    "instagram": gettext_lazy("an Instagram professional account linked to a Facebook Page"),
}
APP_LABELS = {
    "x": gettext_lazy("X (OAuth 2.0 client)"),
    "linkedin": gettext_lazy("LinkedIn (Community Management API)"),
    "google": gettext_lazy("Google (YouTube Data API)"),
    "meta": gettext_lazy("Meta (Facebook Login: Facebook Pages and Instagram)"),
}
ERRORS = {
    "state": (
        gettext_lazy("This connection cannot be completed"),
        gettext_lazy(
            "The answer from %(network)s does not match a connection started in this browser "
            "(the page may have been opened twice, or in another browser). Nothing was "
            "connected. Start again from the social accounts page."
        ),
    ),
    "expired": (
        gettext_lazy("This connection took too long"),
        gettext_lazy(
            "More than ten minutes passed between leaving Tribune and coming back from "
            "%(network)s. Nothing was connected. Start again from the social accounts page."
        ),
    ),
    "code": (
        gettext_lazy("The authorization has expired"),
        gettext_lazy(
            "%(network)s no longer accepts this authorization code: it expired or was already "
            "used (a page reloaded?). Nothing was connected. Start again."
        ),
    ),
    "denied": (
        gettext_lazy("Access was not granted"),
        gettext_lazy(
            "%(network)s says the permissions Tribune asked for were not granted. Nothing was "
            "connected. If this was a mistake, start again and accept the permissions asked."
        ),
    ),
    "network": (
        gettext_lazy("%(network)s could not be reached"),
        gettext_lazy(
            "Tribune could not finish the connection with %(network)s (network error or "
            "service unavailable). Nothing was connected. Try again in a few minutes."
        ),
    ),
    "refused": (
        gettext_lazy("%(network)s refused the connection"),
        gettext_lazy(
            "%(network)s refused a request Tribune needs to connect the account. Nothing was "
            "connected. Check the application's settings and permissions with %(network)s."
        ),
    ),
    "none": (
        gettext_lazy("Nothing to connect"),
        gettext_lazy(
            "This %(network)s login does not manage %(what)s Tribune could publish to. "
            "Log in with an account that administers it, then start again."
        ),
    ),
    "not_configured": (
        gettext_lazy("No %(network)s application is configured"),
        gettext_lazy(
            "Tribune needs its own %(network)s application (client id and secret) to connect "
            "accounts. A workspace administrator can enter one under Social accounts → "
            "Network applications, or the server administrator can set it in the settings."
        ),
    ),
}


def _provider(network: str) -> Provider:
    return PROVIDERS[network]


def _error(
    request: HttpRequest,
    provider: Provider,
    kind: str,
    *,
    brand: Brand | None = None,
    detail: str = "",
    status: int = 400,
) -> HttpResponse:
    title, text = ERRORS[kind]
    words = {"network": provider.label, "what": WHAT[provider.network]}
    return render(
        request,
        "oauth/error.html",
        {
            "title": str(title) % words,
            "text": str(text) % words,
            "detail": detail[:300],
            "kind": kind,
            "brand": brand,
            "provider": provider,
        },
        status=status,
    )


@brand_view(Cap.ACCOUNTS)
@require_GET
def connect(request: AuthedRequest, network: str) -> HttpResponse:
    """What will happen, and the button that leaves for the network."""
    provider = _provider(network)
    app = app_for(provider, request.brand.workspace)
    return render(
        request,
        "oauth/connect.html",
        {
            "provider": provider,
            "what": WHAT[network],
            "app": app,
            "redirect_uri": redirect_uri(provider),
            "can_admin": request.access.can(Cap.ADMIN),
        },
    )


@brand_view(Cap.ACCOUNTS)
@require_GET
@never_cache
def start(request: AuthedRequest, network: str) -> HttpResponse:
    """A plain link, not a form: the CSP's ``form-action 'self'`` would stop a form's
    redirect to the network."""
    provider = _provider(network)
    app = app_for(provider, request.brand.workspace)
    if app is None:
        return _error(request, provider, "not_configured", brand=request.brand, status=200)
    state, challenge = begin(request.session, provider, request.brand)
    return redirect(provider.authorization_url(app, redirect_uri(provider), state, challenge))


@login_required
@require_GET
@never_cache
def callback(request: HttpRequest, network: str) -> HttpResponse:
    provider = _provider(network)
    try:
        flow = finish(request.session, provider, request.GET.get("state", ""))
    except FlowError as exc:
        return _error(request, provider, exc.kind)
    access = access_brand_by_slug(request.user, flow["brand"], Cap.ACCOUNTS)  # type: ignore[arg-type]
    brand = access.brand
    if request.GET.get("error") or not request.GET.get("code"):
        reason = request.GET.get("error_description") or request.GET.get("error") or ""
        return _error(request, provider, "denied", brand=brand, detail=reason)
    app = app_for(provider, brand.workspace)
    if app is None:
        return _error(request, provider, "not_configured", brand=brand)
    try:
        candidates = check_exchange(
            provider, app, request.GET["code"], flow["verifier"], redirect_uri(provider)
        )
    except FlowError as exc:
        status = 502 if exc.kind == "network" else 400
        return _error(request, provider, exc.kind, brand=brand, detail=exc.detail, status=status)
    if not candidates:
        return _error(request, provider, "none", brand=brand, status=200)
    if len(candidates) == 1:
        with brand_scope(brand):
            do_connect_candidates(
                brand,
                provider,
                candidates,
                request.user,  # type: ignore[arg-type]
                brand.language,
            )
        messages.success(
            request,
            _("%(network)s: @%(handle)s is connected.")
            % {"network": provider.label, "handle": candidates[0].handle},
        )
        return redirect("web:accounts", brand_slug=brand.slug)
    store_choices(request.session, provider, brand, candidates)
    return redirect(f"oauth:choose_{network}", brand_slug=brand.slug)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the accounts"),
        choices=[("fr", "Français"), ("en", "English")],
    )


@brand_view(Cap.ACCOUNTS)
@never_cache
def choose(request: AuthedRequest, network: str) -> HttpResponse:
    """The login manages several pages/channels: the person picks which to connect."""
    provider = _provider(network)
    candidates = load_choices(request.session, provider, request.brand)
    form = LanguageForm(request.POST or None, initial={"language": request.brand.language})
    error = ""
    if request.method == "POST" and candidates:
        wanted = set(request.POST.getlist("remote_id"))
        chosen = [c for c in candidates if c.remote_id in wanted]
        if not chosen:
            error = _("Tick at least one to connect.")
        elif form.is_valid():
            do_connect_candidates(
                request.brand, provider, chosen, request.user, form.cleaned_data["language"]
            )
            drop_choices(request.session, provider, request.brand)
            messages.success(
                request,
                _("%(network)s: %(names)s connected.")
                % {
                    "network": provider.label,
                    "names": ", ".join(f"@{c.handle}" for c in chosen),
                },
            )
            return redirect("web:accounts", brand_slug=request.brand.slug)
    connected = set(
        SocialAccount.objects.filter(brand=request.brand, network=network).values_list(
            "remote_id", flat=True
        )
    )
    return render(
        request,
        "oauth/choose.html",
        {
            "provider": provider,
            "what": WHAT[network],
            "candidates": candidates,
            "connected": connected,
            "form": form,
            "error": error,
        },
    )


class NetworkAppForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Network"), choices=list(APP_LABELS.items()))
    client_id = forms.CharField(
        label=gettext_lazy("Client id (app id)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty to remove the workspace's application."),
    )
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret (app secret)"),
        max_length=300,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("Leave empty to keep the stored secret. Stored encrypted."),
    )


@brand_view(Cap.ADMIN)
def network_apps(request: AuthedRequest) -> HttpResponse:
    """A workspace's own OAuth applications (workspace administrators only)."""
    workspace = request.brand.workspace
    form = NetworkAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        do_save_network_app(
            workspace,
            data["provider"],
            data["client_id"].strip(),
            data["client_secret"].strip(),
            request.user,
        )
        messages.success(request, _("Network application saved."))
        return redirect("oauth:apps", brand_slug=request.brand.slug)
    rows = {row.provider: row for row in NetworkApp.objects.filter(workspace=workspace)}
    apps = []
    for key, label in APP_LABELS.items():
        providers = [p for p in PROVIDERS.values() if p.app_provider == key]
        apps.append(
            {
                "key": key,
                "label": label,
                "row": rows.get(key),
                "from_settings": bool(getattr(settings, providers[0].setting_names[0], "")),
                "redirect_uris": [redirect_uri(p) for p in providers],
            }
        )
    return render(request, "oauth/apps.html", {"apps": apps, "form": form})
