"""Security headers not covered by Django's SecurityMiddleware, and the header-setting
part of the middleware stack for responses served outside it (the ``/l/`` fast path)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.module_loading import import_string

# No inline scripts anywhere: all JavaScript is served from /static/.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def add_security_headers(response: HttpResponse) -> HttpResponse:
    """Tribune's own security headers, kept when a view already set one."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_security_headers(self.get_response(request))


# The middlewares of settings.MIDDLEWARE that only shape the response's headers
# (HSTS, nosniff, Referrer-Policy, COOP, X-Frame-Options, CSP, Content-Language/Vary,
# Content-Length) or refuse a request before the view (HTTPS redirect, host, user agent).
# The others (sessions, CSRF, auth, messages, two-factor, htmx, static files) have
# nothing to do for an anonymous redirect.
HEADER_MIDDLEWARE = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "tribune.core.middleware.SecurityHeadersMiddleware",
    }
)


def with_response_headers(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """``view`` wrapped in the header-setting middlewares of ``settings.MIDDLEWARE``, in
    their configured order and as Django's handler chains them (an exception becomes
    Django's error response at each layer): a response served without the full stack
    then carries the same security, cache and language headers as one served through
    it, from the same code and settings (HSTS follows ``request.is_secure()``, so the
    proxy header too)."""
    handler: Any = convert_exception_to_response(view)
    for path in reversed(settings.MIDDLEWARE):
        if path in HEADER_MIDDLEWARE:
            handler = convert_exception_to_response(import_string(path)(handler))
    return cast("Callable[[HttpRequest], HttpResponseBase]", handler)
