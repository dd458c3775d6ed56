"""Graph API errors → Tribune's typed errors.

Graph answers ``{"error": {"message", "type", "code", "error_subcode", "is_transient",
"fbtrace_id"}}``. Codes: https://developers.facebook.com/docs/graph-api/guides/error-handling
and rate limits https://developers.facebook.com/docs/graph-api/overview/rate-limiting
(4 app, 17 user, 32 page, 613 custom, 80001–80014 business use case; the
``X-Business-Use-Case-Usage`` header says when access comes back). Instagram:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tribune.core.outbound import PrivateAddressBlocked, request_was_sent
from tribune.networks.base import (
    AuthExpired,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80001, 80015))
PUBLISHING_LIMIT_SUBCODE = 2207042  # Instagram: too many posts in 24 hours
AUTH_CODES = frozenset({102, 190})
PERMISSION_CODES = frozenset({10}) | frozenset(range(200, 300))
DEFAULT_RETRY_AFTER = 600.0
PUBLISHING_RETRY_AFTER = 3600.0
MAX_MESSAGE = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def graph_error(response: httpx.Response) -> dict[str, Any]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


def retry_after(response: httpx.Response, default: float = DEFAULT_RETRY_AFTER) -> float:
    """``estimated_time_to_regain_access`` (minutes) from ``X-Business-Use-Case-Usage``."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "{}"))
        minutes = max(
            (entry.get("estimated_time_to_regain_access") or 0)
            for entries in usage.values()
            for entry in entries
        )
    except (ValueError, AttributeError, TypeError):
        return default
    return float(minutes) * 60 if minutes else default


def from_response(response: httpx.Response, *, write: bool, label: str = "Meta") -> NetworkError:
    error = graph_error(response)
    code, subcode = error.get("code"), error.get("error_subcode")
    message = error.get("error_user_msg") or error.get("message") or response.reason_phrase
    detail = f"{response.status_code} code={code} subcode={subcode}: {error.get('message', '')}"
    if (
        code in RATE_LIMIT_CODES
        or subcode == PUBLISHING_LIMIT_SUBCODE
        or response.status_code == 429
    ):
        if subcode == PUBLISHING_LIMIT_SUBCODE:
            wait = retry_after(response, PUBLISHING_RETRY_AFTER)
            text = f"{label} allows only so many API posts per 24 hours; retrying in {wait:.0f} s."
        else:
            wait = retry_after(response)
            text = f"{label} asked us to slow down; retrying in {wait:.0f} s."
        return RateLimited(text, retry_after=wait, detail=detail)
    if code in AUTH_CODES or response.status_code == 401:
        return AuthExpired(f"The {label} access token has expired or was revoked.", detail=detail)
    if code in PERMISSION_CODES:
        return Rejected(
            _short(f"{label} refused: a permission is missing ({message})"), detail=detail
        )
    if code == 368:  # temporarily blocked for policy reasons
        return Rejected(
            _short(f"{label} blocked this for now: {message}"), permanent=False, detail=detail
        )
    if response.status_code == 504 and write:
        return UnknownOutcome(
            f"{label} did not answer in time; the post may have been published.", detail=detail
        )
    if error.get("is_transient") or code in {1, 2} or response.status_code >= 500:
        return Unavailable(f"{label} is unavailable right now; we will try again.", detail=detail)
    return Rejected(_short(f"{label} refused the request: {message}"), detail=detail)


def from_transport(exc: Exception, *, write: bool, label: str = "Meta") -> NetworkError:
    if isinstance(exc, PrivateAddressBlocked):
        return Rejected(f"{label}'s address resolved to a private network.", detail=str(exc))
    detail = f"{type(exc).__name__}: {exc}"
    if write and request_was_sent(exc):
        return UnknownOutcome(
            f"{label} did not answer in time; the post may have been published.", detail=detail
        )
    return Unavailable(f"{label} could not be reached; we will try again.", detail=detail)


def is_gone(exc: NetworkError) -> bool:
    """Graph's "object does not exist" (code 100, subcode 33) on a delete or read."""
    return isinstance(exc, Rejected) and "subcode=33" in exc.detail
