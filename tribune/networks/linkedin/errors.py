"""LinkedIn REST errors → Tribune's typed errors.

Errors are ``{"message", "status", "serviceErrorCode", "code"}``. Throttling is a 429
without a reset header; LinkedIn's daily limits reset at midnight UTC, so we retry within
the hour and never wait past the reset.
https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling ·
https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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

MAX_MESSAGE = 160
MAX_RETRY_AFTER = 3600.0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def retry_after(response: httpx.Response, now: datetime | None = None) -> float:
    header = response.headers.get("retry-after", "")
    if header.isdigit():
        return float(header)
    now = now or datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, min((midnight - now).total_seconds(), MAX_RETRY_AFTER))


def from_response(response: httpx.Response, *, write: bool) -> NetworkError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    status = response.status_code
    message = str(body.get("message") or response.reason_phrase)
    detail = f"{status} {body.get('code', '')} {body.get('serviceErrorCode', '')}: {message}"
    if status == 429:
        wait = retry_after(response)
        return RateLimited(
            f"LinkedIn asked us to slow down; retrying in {wait:.0f} s.",
            retry_after=wait,
            detail=detail,
        )
    if status == 401:
        return AuthExpired("The LinkedIn access token has expired or was revoked.", detail=detail)
    if status == 504 and write:
        return UnknownOutcome(
            "LinkedIn did not answer in time; the post may have been published.", detail=detail
        )
    if status >= 500:
        return Unavailable("LinkedIn is unavailable right now; we will try again.", detail=detail)
    if status == 404:
        return Rejected(_short(f"Not found on LinkedIn: {message}"), detail=detail)
    # 400 (invalid), 403 (missing permission or role), 422 (duplicate content, validation)
    return Rejected(_short(f"LinkedIn refused the request: {message}"), detail=detail)


def from_transport(exc: Exception, *, write: bool) -> NetworkError:
    if isinstance(exc, PrivateAddressBlocked):
        return Rejected("LinkedIn's address resolved to a private network.", detail=str(exc))
    detail = f"{type(exc).__name__}: {exc}"
    if write and request_was_sent(exc):
        return UnknownOutcome(
            "LinkedIn did not answer in time; the post may have been published.", detail=detail
        )
    return Unavailable("LinkedIn could not be reached; we will try again.", detail=detail)
