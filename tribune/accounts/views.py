from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tribune.accounts import services, throttle, twofactor, twofactor_views
from tribune.accounts.forms import AcceptInvitationForm, ApiTokenForm, LoginForm
from tribune.accounts.models import ApiToken, User
from tribune.core.audit import record_audit


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        ip = _client_ip(request)
        wait = throttle.login_blocked_for(email, ip)
        if wait:
            form.add_error(
                None,
                _("Too many failed attempts. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, round(wait / 60))},
            )
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                throttle.record_login_failure(email, ip)
                form.add_error(None, _("Wrong email address or password."))
                status = 400
            else:
                throttle.clear_login_failures(email)
                target = request.POST.get("next") or request.GET.get("next") or ""
                if twofactor.has_2fa(user):  # type: ignore[arg-type]
                    return twofactor_views.begin_second_step(request, user, target)  # type: ignore[arg-type]
                login(request, user)  # rotates the session key (no session fixation)
                request.session["django_language"] = user.language  # type: ignore[attr-defined]
                record_audit("user.login", actor=user, ip_address=ip)
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = ""
                response = redirect(target or "web:home")
                response.set_cookie(
                    "django_language",
                    user.language,  # type: ignore[attr-defined]
                    samesite="Lax",
                )
                return response
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        raise Http404(_("This invitation link is invalid or has expired."))
    existing = User.objects.filter(email=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                services.do_accept_invitation(invitation, existing)
                messages.success(request, _("Welcome to %(ws)s.") % {"ws": invitation.workspace})
                return redirect("web:home")
            return render(
                request,
                "accounts/accept_invitation.html",
                {"invitation": invitation, "existing": True},
            )
        messages.info(
            request,
            _("Log in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return redirect(f"/login/?next={request.path}")
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(
            invitation.email,
            form.cleaned_data["password"],
            full_name=form.cleaned_data["full_name"],
        )
        services.do_accept_invitation(invitation, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("web:home")
    return render(
        request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form}
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None, user=user)
    new_token = None
    if request.method == "POST":
        if "language" in request.POST and request.POST["language"] in {"fr", "en"}:
            User.objects.filter(pk=user.pk).update(language=request.POST["language"])
            response = redirect("accounts:profile")
            response.set_cookie("django_language", request.POST["language"], samesite="Lax")
            return response
        if form.is_valid():
            _token, new_token = services.do_create_api_token(
                user,
                form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                brands=list(form.cleaned_data["brands"]),
            )
            form = ApiTokenForm(user=user)
    tokens = (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .prefetch_related("brands")
        .order_by("-created_at")
    )
    return render(
        request, "accounts/profile.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()  # type: ignore[misc]
    if token is None:
        raise Http404
    services.do_revoke_api_token(token, request.user)  # type: ignore[arg-type]
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:profile")
