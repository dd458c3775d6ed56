"""Send people whose workspace requires two-factor authentication to the enrolment page
until they have set it up (checked at most every few minutes per session)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tribune.accounts import twofactor
from tribune.accounts.twofactor_views import ENROL_OK_UNTIL, RECHECK_SECONDS

# Reachable without a second factor: the enrolment page itself, logging out, assets.
OPEN_PREFIXES = ("/static/", "/logout/", "/i18n/", "/jsi18n/", "/healthz", "/metrics")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(ENROL_OK_UNTIL, 0) < time.time()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            enrol = reverse("accounts:two_factor")
            if twofactor.required_for(user) and not twofactor.has_2fa(user):  # type: ignore[arg-type]
                if request.path != enrol and request.method == "GET":
                    messages.warning(
                        request,
                        _("Your workspace requires two-factor authentication: set it up now."),
                    )
                if request.path != enrol:
                    return redirect(enrol)
            else:
                request.session[ENROL_OK_UNTIL] = time.time() + RECHECK_SECONDS
        return self.get_response(request)
