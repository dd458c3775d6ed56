"""WSGI fast path for the tracked-link redirect (``GET``/``HEAD /l/<code>``).

Every click on a published short link lands here, so this request skips what it does not
need from Django's handler: URL resolution and the middlewares for sessions, CSRF, auth,
messages, two-factor, htmx and static files. It keeps the rest of a Django request:

- the ``request_started``/``request_finished`` signals (old database connections are
  closed at both ends, as for any request);
- the view itself, :func:`tribune.publishing.views.follow_link` (click recorded by
  :func:`tribune.publishing.links.follow`, one statement on PostgreSQL; ``never_cache``);
- the middlewares of ``settings.MIDDLEWARE`` that shape the response's headers, chained
  as Django's handler chains them (:func:`tribune.core.middleware.with_response_headers`),
  so the 302 carries exactly the headers of the full stack's, and an exception becomes
  Django's error response.

Anything else goes to the Django application untouched: other paths and methods, a code
of the wrong shape, an unknown code (the normal 404 page), a host outside
``ALLOWED_HOSTS`` (Django's 400), plain HTTP when ``SECURE_SSL_REDIRECT`` is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import set_script_prefix
from django.utils.cache import patch_vary_headers

from tribune.core.middleware import with_response_headers
from tribune.publishing.models import TrackedLink
from tribune.publishing.views import follow_link

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

PREFIX = "/l/"
_CODE = re.compile(rf"[A-Za-z0-9]{{1,{TrackedLink._meta.get_field('code').max_length}}}")


def link_code(environ: WSGIEnvironment) -> str | None:
    """The code of a ``GET``/``HEAD /l/<code>`` request the fast path may answer, else None."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return None
    code = path[len(PREFIX) :]
    return code if _CODE.fullmatch(code) else None


class _LinkRequest(WSGIRequest):
    unknown_link = False


def _follow(request: HttpRequest) -> HttpResponse:
    """The Django view itself (``follow_link``: click recorded, 302 with ``never_cache``).
    For a code no link has, an empty 200 that the middlewares leave alone (a 404 here
    could become CommonMiddleware's slash redirect); the request is then handed to Django,
    which serves its real 404 page."""
    assert isinstance(request, _LinkRequest)
    try:
        return follow_link(request, request.path_info[len(PREFIX) :])
    except Http404:
        request.unknown_link = True
        return HttpResponse()


class FastLinkApplication:
    """Wraps the Django WSGI application; answers known tracked links itself."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.respond = with_response_headers(_follow)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if link_code(environ) is None:
            return self.app(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = _LinkRequest(environ)
        response = self.respond(request) if _servable(request) else None
        if response is None or request.unknown_link:
            signals.request_finished.send(sender=self.__class__)
            return self.app(environ, start_response)
        if response.status_code == 302:
            # The full stack reads request.user on every request (two-factor check), so
            # the session middleware marks every response as varying on Cookie.
            patch_vary_headers(response, ("Cookie",))
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        response._resource_closers.append(request.close)  # type: ignore[attr-defined]
        headers = [
            *response.items(),
            *(("Set-Cookie", cookie.OutputString()) for cookie in response.cookies.values()),
        ]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        # The server calls close() when done: request_finished, as in Django's handler.
        return response


def _servable(request: HttpRequest) -> bool:
    """False where Django must answer before any click is counted: its HTTPS redirect, a
    host outside ``ALLOWED_HOSTS`` (400 and the security log line), a refused agent."""
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not any(pattern.search(agent) for pattern in settings.DISALLOWED_USER_AGENTS)
