"""YouTube Data API errors → Tribune's typed errors.

Google answers ``{"error": {"code", "message", "errors": [{"domain", "reason"}]}}``. The
daily quota (``quotaExceeded``, 403) resets at midnight Pacific time, so that is when we
retry; per-user rate limits are short. https://developers.google.com/youtube/v3/docs/errors
· https://developers.google.com/youtube/v3/getting-started#quota
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

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

TAG = re.compile(r"<[^>]+>")
PACIFIC = ZoneInfo("America/Los_Angeles")
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
MAX_MESSAGE = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def until_pacific_midnight(now: datetime | None = None) -> float:
    local = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    # In UTC: subtracting two times of the same zone ignores a DST change between them.
    return max(1.0, (midnight.astimezone(UTC) - local.astimezone(UTC)).total_seconds())


def reasons(response: httpx.Response) -> tuple[set[str], str]:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return set(), response.reason_phrase
    if not isinstance(error, dict):  # OAuth endpoints answer {"error": "invalid_grant"}
        return {str(error)}, str(response.json().get("error_description") or error)
    found = {str(e.get("reason")) for e in error.get("errors") or [] if e.get("reason")}
    # Google's messages carry HTML links (``<a href=…>quota</a>``): keep the words.
    message = TAG.sub("", str(error.get("message") or response.reason_phrase))
    return found, message


def from_response(response: httpx.Response, *, write: bool) -> NetworkError:
    found, message = reasons(response)
    status = response.status_code
    detail = f"{status} {','.join(sorted(found))}: {message}"
    if found & QUOTA_REASONS:
        wait = until_pacific_midnight()
        return RateLimited(
            "The YouTube API quota for today is used up; it resets at midnight Pacific time.",
            retry_after=wait,
            detail=detail,
        )
    if found & RATE_REASONS or status == 429:
        return RateLimited("YouTube asked us to slow down.", retry_after=60, detail=detail)
    if status == 401 or "invalid_grant" in found:
        return AuthExpired("The YouTube authorization has expired or was revoked.", detail=detail)
    if status == 504 and write:
        return UnknownOutcome(
            "YouTube did not answer in time; it may have been published.", detail=detail
        )
    if status >= 500:
        return Unavailable("YouTube is unavailable right now; we will try again.", detail=detail)
    if status == 404:
        return Rejected(_short(f"Not found on YouTube: {message}"), detail=detail)
    # 400 (invalid), 403 (forbidden, insufficientPermissions, commentsDisabled, ...)
    return Rejected(_short(f"YouTube refused the request: {message}"), detail=detail)


def from_transport(exc: Exception, *, write: bool) -> NetworkError:
    if isinstance(exc, PrivateAddressBlocked):
        return Rejected("YouTube's address resolved to a private network.", detail=str(exc))
    detail = f"{type(exc).__name__}: {exc}"
    if write and request_was_sent(exc):
        return UnknownOutcome(
            "YouTube did not answer in time; it may have been published.", detail=detail
        )
    return Unavailable("YouTube could not be reached; we will try again.", detail=detail)
