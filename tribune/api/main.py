"""The public REST API (Django Ninja): ``/api/v1/…``, schema ``/api/openapi.json``,
interactive docs ``/api/docs`` (served from Ninja's static files, no CDN).

Routers: every ``tribune.<app>.api`` module (for apps in ``INSTALLED_APPS``) exposing a
``router`` is mounted under ``/v1/`` — an area adds its endpoints with one file.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from tribune.api.auth import TokenAuth
from tribune.api.errors import ApiError, body

logger = logging.getLogger(__name__)

# Swagger UI sets style attributes from its bundle; everything else stays as strict as
# the rest of the site (scripts from 'self' only, no inline script: its settings are a
# JSON data block read by Ninja's static swagger-ui-init.js).
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class Docs(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        response = super().render_page(request, api, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response


DESCRIPTION = """
Tribune's public API. Authenticate with a personal token created on your account page:
`Authorization: Bearer trb_…`. A token acts for its owner with the owner's roles, narrowed
to the token's scopes and brands. Lists are paginated by cursor (`next_cursor`), errors
always have the shape `{"error": {"code", "message", "details"}}`, each token may send
`TRIBUNE_API_RATE_LIMIT` requests a minute (then 429 with `Retry-After`), and creates
accept an `Idempotency-Key` header (the first answer is replayed for 24 hours).
"""

api = NinjaAPI(
    title="Tribune API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(
        request, body(exc.code, exc.message, exc.details), status=exc.status
    )
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    return api.create_response(
        request, body("invalid", "Some fields are missing or invalid.", details), status=422
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        body(
            "unauthorized",
            "Send a valid, unrevoked API token: Authorization: Bearer trb_…",
        ),
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="tribune"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    return api.create_response(request, body(code, str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, body("not_found", "Not found."), status=404)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "Not allowed."
    return api.create_response(request, body("forbidden", message), status=403)


@api.exception_handler(Exception)
def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return api.create_response(
        request,
        body("server_error", "Something went wrong on our side; it has been logged."),
        status=500,
    )


def _mount() -> None:
    for app in settings.INSTALLED_APPS:
        if not app.startswith("tribune."):
            continue
        try:
            module = importlib.import_module(f"{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.api":
                raise
            continue
        for router in getattr(module, "ROUTERS", None) or [module.router]:
            api.add_router("/v1/", router)


_mount()
