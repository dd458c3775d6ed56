"""Values from networks and feeds that end up in HTML attributes."""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def web_url(url: str | None) -> str:
    """``url`` when it is an http(s) address or a site-relative path, else ``""``.

    Links received from a network or a feed are shown as ``<a href>``: a
    ``javascript:``, ``data:`` or ``vbscript:`` value there would run in the reader's
    session (the CSP blocks it too; this keeps it out of the database).
    """
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in WEB_SCHEMES else ""
