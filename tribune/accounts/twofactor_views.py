"""Screens of two-factor authentication: the second login step, enrolment and
management in "My account", and the workspace policy."""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tribune.accounts import throttle, twofactor
from tribune.accounts.access import access_workspace_by_slug, admin_workspace_ids
from tribune.accounts.models import User, Workspace
from tribune.core.audit import record_audit

PENDING = "2fa_pending"  # session key: {"user": id, "backend": path, "next": url, "at": ts}
PENDING_SECONDS = 300
ENROL_OK_UNTIL = "2fa_ok_until"  # session key: policy re-checked after this timestamp
RECHECK_SECONDS = 300


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("The 6 digits shown by your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def begin_second_step(request: HttpRequest, user: User, target: str) -> HttpResponse:
    """The password was right: remember who is logging in (not logged in yet)."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": target,
        "at": time.time(),
    }
    return redirect("accounts:login_2fa")


def login_2fa(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("Log in again: the code was not given in time."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        ip = _client_ip(request)
        key = f"2fa:{user.email}"
        wait = throttle.login_blocked_for(key, ip)
        if wait:
            form.add_error(
                None,
                _("Too many wrong codes. Try again in %(minutes)d minutes.")
                % {"minutes": max(1, round(wait / 60))},
            )
            status = 429
        else:
            kind = twofactor.check_second_factor(user, form.cleaned_data["code"])
            if kind is None:
                throttle.record_login_failure(key, ip)
                form.add_error("code", _("This code is not valid (or was already used)."))
                status = 400
            else:
                throttle.clear_login_failures(key)
                request.session.pop(PENDING, None)
                login(request, user, backend=pending["backend"])  # rotates the session key
                request.session["django_language"] = user.language
                record_audit("user.login", actor=user, ip_address=ip, after={"second_factor": kind})
                if kind == "recovery":
                    messages.warning(
                        request,
                        _("You used a recovery code; %(n)s left. Create new ones in My account.")
                        % {"n": twofactor.remaining_recovery_codes(user)},
                    )
                target = pending.get("next") or ""
                if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                    target = ""
                response = redirect(target or "web:home")
                response.set_cookie("django_language", user.language, samesite="Lax")
                return response
    return render(request, "accounts/login_2fa.html", {"form": form}, status=status)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol (QR code + first code → recovery codes), or manage an existing device."""
    user: User = request.user  # type: ignore[assignment]
    required = twofactor.required_for(user)
    device = twofactor.confirmed_device(user)
    form = CodeForm(request.POST or None)
    codes: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        action = request.POST.get("action", "")
        if device is None:
            pending = twofactor.start_enrolment(user)
            codes = twofactor.do_confirm_enrolment(user, pending, code)
            if codes is None:
                form.add_error("code", _("This code is not valid. Check your phone's clock."))
            else:
                request.session[ENROL_OK_UNTIL] = time.time() + RECHECK_SECONDS
                device = twofactor.confirmed_device(user)
                form = CodeForm()
        elif twofactor.check_second_factor(user, code) is None:
            form.add_error("code", _("This code is not valid (or was already used)."))
        elif action == "recovery":
            codes = twofactor.new_recovery_codes(user)
            record_audit("user.2fa_recovery_codes", actor=user)
            form = CodeForm()
        elif action == "disable":
            if required:
                form.add_error(None, _("Your workspace requires two-factor authentication."))
            else:
                twofactor.do_disable(user)
                messages.success(request, _("Two-factor authentication is turned off."))
                return redirect("accounts:two_factor")
    context: dict = {"form": form, "device": device, "required": required, "codes": codes}
    if device is None:
        pending = twofactor.start_enrolment(user)
        uri = twofactor.provisioning_uri(user, pending)
        context.update(
            secret=pending.secret["key"],
            qr=mark_safe(twofactor.qr_svg(uri)),  # noqa: S308 - SVG built by qrcode from our URI
        )
    else:
        context["remaining"] = twofactor.remaining_recovery_codes(user)
    admin_of = admin_workspace_ids(user)
    context["workspaces"] = Workspace.objects.filter(pk__in=admin_of).order_by("name")
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def workspace_policy(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """Owners and administrators turn the workspace's 2FA requirement on or off."""
    ws = access_workspace_by_slug(request.user, workspace_slug, admin=True)  # type: ignore[arg-type]
    required = request.POST.get("require_2fa") == "on"
    if required != ws.require_2fa:
        Workspace.objects.filter(pk=ws.pk).update(require_2fa=required)
        record_audit(
            "workspace.2fa_policy",
            actor=request.user,  # type: ignore[arg-type]
            workspace=ws,
            before={"require_2fa": ws.require_2fa},
            after={"require_2fa": required},
        )
    request.session.pop(ENROL_OK_UNTIL, None)  # re-check this person on the next page
    if required:
        messages.success(
            request,
            _(
                "Two-factor authentication is now required for owners, administrators and "
                "strategists of this workspace."
            ),
        )
    else:
        messages.success(request, _("Two-factor authentication is no longer required."))
    return redirect(reverse("accounts:two_factor"))
