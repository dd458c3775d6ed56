"""The bytes the link server answers with, derived from Django's own code at startup.

The 302's headers are those of the Django view (``follow_link``, ``never_cache``) after
the header-setting middlewares (:func:`tribune.core.middleware.with_response_headers`):
a dummy redirect goes through them once per (HTTPS or not, ``Accept-Language``, language
cookie) and the result is kept, minus the per-response ``Location``/``Expires``/``Date``.
Hosts are checked with Django's ``HttpRequest.get_host`` (``ALLOWED_HOSTS``,
``USE_X_FORWARDED_HOST``), also cached per header value.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.cookie import parse_cookie
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache

from tribune.core.middleware import with_response_headers

_PER_RESPONSE = {"location", "expires", "date"}
_SECURITY = {
    "content-security-policy",
    "permissions-policy",
    "cross-origin-opener-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "strict-transport-security",
}
_BOUND = 2048  # entries per cache: distinct Accept-Language values, Host values


class _Clock:
    """The HTTP date, formatted once per second."""

    second = -1
    value = b""

    def now(self) -> bytes:
        second = int(time.time())
        if second != self.second:
            self.second, self.value = second, formatdate(second, usegmt=True).encode()
        return self.value


class Responses:
    def __init__(self) -> None:
        self.clock = _Clock()
        self._redirect_heads: dict[tuple[bool, str, str | None], bytes] = {}
        self._hosts: dict[tuple[str, str], bool] = {}
        proxy = settings.SECURE_PROXY_SSL_HEADER
        self.proxy_header = (
            proxy[0].removeprefix("HTTP_").replace("_", "-").lower() if proxy else None
        )
        self.proxy_value = proxy[1] if proxy else ""
        self.cookie_name = settings.LANGUAGE_COOKIE_NAME
        self.forwarded_host = settings.USE_X_FORWARDED_HOST
        # Any allowed host gives the same headers; the request's own was checked already.
        allowed = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
        self.sample_host = "localhost" if allowed == "*" else allowed.lstrip(".")
        self._security = self._security_lines()

    def _dummy_request(
        self, host: str, secure: bool, language: str, cookie: str | None
    ) -> HttpRequest:
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = "/l/x"
        request.META = {"SERVER_NAME": "linkserver", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
        if host:
            request.META["HTTP_HOST"] = host
        if language:
            request.META["HTTP_ACCEPT_LANGUAGE"] = language
        if cookie is not None:
            request.COOKIES = {self.cookie_name: cookie}
        if secure and settings.SECURE_PROXY_SSL_HEADER:
            request.META[settings.SECURE_PROXY_SSL_HEADER[0]] = self.proxy_value
        return request

    def _redirect_head(self, host: str, secure: bool, language: str, cookie: str | None) -> bytes:
        @never_cache
        def view(_request: HttpRequest) -> HttpResponse:
            return HttpResponseRedirect("https://linkserver.invalid/")

        response = with_response_headers(view)(self._dummy_request(host, secure, language, cookie))
        if response.status_code != 302:  # e.g. the sample host refused: not a 302's headers
            raise ImproperlyConfigured(
                f"the link server cannot derive its headers ({response.status_code} for host "
                f"{host!r}); check ALLOWED_HOSTS"
            )
        patch_vary_headers(response, ("Cookie",))  # as the full stack (see fastlink)
        lines = [
            f"{name}: {value}\r\n"
            for name, value in response.items()
            if name.lower() not in _PER_RESPONSE
        ]
        return "".join(lines).encode("latin-1")

    def _security_lines(self) -> bytes:
        head = self._redirect_head(self.sample_host, False, "", None).decode("latin-1")
        return "".join(
            line + "\r\n"
            for line in head.split("\r\n")
            if line.split(":", 1)[0].lower() in _SECURITY
        ).encode("latin-1")

    # --- per request ---------------------------------------------------------------------------
    def secure(self, headers: dict[str, str]) -> bool:
        if self.proxy_header is None:
            return False
        value = headers.get(self.proxy_header)
        return value is not None and value.split(",", 1)[0].strip() == self.proxy_value

    def host_allowed(self, headers: dict[str, str]) -> bool:
        key = (
            headers.get("host", ""),
            headers.get("x-forwarded-host", "") if self.forwarded_host else "",
        )
        allowed = self._hosts.get(key)
        if allowed is None:
            request = HttpRequest()
            request.META = {"SERVER_NAME": "", "SERVER_PORT": "80"}
            if key[0]:
                request.META["HTTP_HOST"] = key[0]
            if key[1]:
                request.META["HTTP_X_FORWARDED_HOST"] = key[1]
            try:
                allowed = bool(request.get_host())
            except DisallowedHost:
                allowed = False
            if len(self._hosts) >= _BOUND:
                self._hosts.clear()
            self._hosts[key] = allowed
        return allowed

    def redirect(
        self, headers: dict[str, str], secure: bool, location: bytes, close: bytes
    ) -> bytes:
        cookie = None
        raw_cookie = headers.get("cookie")
        if raw_cookie and self.cookie_name in raw_cookie:
            cookie = parse_cookie(raw_cookie).get(self.cookie_name)
        key = (secure, headers.get("accept-language", ""), cookie)
        head = self._redirect_heads.get(key)
        if head is None:
            head = self._redirect_head(self.sample_host, *key)
            if len(self._redirect_heads) >= _BOUND:
                self._redirect_heads.clear()
            self._redirect_heads[key] = head
        date = self.clock.now()
        return b"".join(
            (
                b"HTTP/1.1 302 Found\r\n",
                head,
                b"Date: ",
                date,
                b"\r\nExpires: ",
                date,
                b"\r\nLocation: ",
                location,
                b"\r\n",
                close,
                b"\r\n",
            )
        )

    def error(
        self, status: int, close: bytes, extra: bytes = b"", head_only: bool = False
    ) -> bytes:
        reason = HTTPStatus(status).phrase
        body = f"<!doctype html>\n<title>{status} {reason}</title>\n<h1>{reason}</h1>\n".encode()
        return b"".join(
            (
                f"HTTP/1.1 {status} {reason}\r\n".encode(),
                b"Content-Type: text/html; charset=utf-8\r\n",
                f"Content-Length: {len(body)}\r\n".encode(),
                b"Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private\r\n",
                self._security,
                b"Date: ",
                self.clock.now(),
                b"\r\n",
                extra,
                close,
                b"\r\n",
                b"" if head_only else body,
            )
        )
