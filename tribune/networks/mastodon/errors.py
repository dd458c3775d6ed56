"""Translate what ``Mastodon.py`` raises into Tribune's typed network errors.

Mastodon answers errors as ``{"error": "..."}`` with the HTTP status
(https://docs.joinmastodon.org/entities/Error/); rate limits come with
``X-RateLimit-Reset`` (an ISO 8601 time, https://docs.joinmastodon.org/api/rate-limits/).
Mastodon.py raises ``MastodonRatelimitError`` without the response, but it has already
read ``X-RateLimit-Reset`` (corrected for the server's ``Date``) into
``api.ratelimit_reset``, which is where the delay comes from. Network failures are wrapped
in ``MastodonNetworkError`` with the ``requests`` exception as ``__context__``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from mastodon import Mastodon
from mastodon import errors as sdk

from tribune.core.outbound import PrivateAddressBlocked, request_was_sent
from tribune.networks.base import (
    AuthExpired,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)

# Mastodon's limits are counted over 5-minute windows (300 requests per 5 min per account).
DEFAULT_RETRY_AFTER = 300.0
MAX_MESSAGE = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def retry_after(api: Mastodon | None) -> float:
    reset = getattr(api, "ratelimit_reset", None)
    if reset is None:
        return DEFAULT_RETRY_AFTER
    return max(1.0, float(reset) - time.time())


def api_error(exc: sdk.MastodonAPIError) -> tuple[int | None, str]:
    """(HTTP status, server message) of an API error; ``None`` when there was no status
    (an answer that could not be read)."""
    args = exc.args
    status = args[1] if len(args) > 1 and isinstance(args[1], int) else None
    message = args[3] if len(args) > 3 and isinstance(args[3], str) else ""
    return status, message


def _from_status(status: int, message: str, *, write: bool) -> NetworkError:
    detail = f"{status}: {message}".strip()
    if status == 401:
        return AuthExpired(
            "The Mastodon access token is no longer accepted; reconnect the account.",
            detail=detail,
        )
    if status == 413:
        return Rejected("The file is too large for this Mastodon server.", detail=detail)
    if status == 504 and write:
        return UnknownOutcome(
            "Mastodon did not answer in time; the post may have been published.", detail=detail
        )
    if status >= 500:
        return Unavailable("The Mastodon server is unavailable; we will try again.", detail=detail)
    if status == 404:
        return Rejected(
            _short(f"Not found on Mastodon: {message or 'record not found'}."), detail=detail
        )
    # 403 (not allowed, suspended), 410, 422 (validation) and any other 4xx.
    reason = message or str(status)
    return Rejected(_short(f"Mastodon refused the request: {reason}"), detail=detail)


def translate(exc: BaseException, api: Mastodon | None = None, *, write: bool) -> NetworkError:
    """Map one Mastodon.py exception; ``write`` is True for non-idempotent writes."""
    if isinstance(exc, NetworkError):
        return exc
    if isinstance(exc, sdk.MastodonRatelimitError):
        wait = retry_after(api)
        return RateLimited(
            f"Mastodon asked us to slow down; retrying in {wait:.0f} s.",
            retry_after=wait,
            detail=str(exc),
        )
    if isinstance(exc, sdk.MastodonNetworkError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, PrivateAddressBlocked):
            return Rejected(
                "This Mastodon server address is on a private network.", detail=str(cause)
            )
        detail = f"{type(cause).__name__}: {cause}" if cause else str(exc)
        if write and (cause is None or request_was_sent(cause)):
            return UnknownOutcome(
                "Mastodon did not answer in time; the post may have been published.",
                detail=detail,
            )
        return Unavailable(
            "The Mastodon server could not be reached; we will try again.", detail=detail
        )
    if isinstance(exc, sdk.MastodonAPIError):
        status, message = api_error(exc)
        if status is None:  # a 2xx whose body we could not read, or a proxy's HTML page
            if write:
                return UnknownOutcome("Mastodon sent an unexpected answer.", detail=str(exc))
            return Unavailable("Mastodon sent an unexpected answer.", detail=str(exc))
        return _from_status(status, message, write=write)
    if isinstance(exc, sdk.MastodonIllegalArgumentError) and isinstance(
        exc.__context__, sdk.MastodonError
    ):
        # log_in() wraps the real failure; map what actually happened.
        return translate(exc.__context__, api, write=write)
    if isinstance(exc, sdk.MastodonError):
        return Rejected(_short(f"Mastodon refused the request: {exc}"), detail=str(exc))
    raise exc


@contextmanager
def translated(api: Mastodon | None = None, *, write: bool = False) -> Iterator[None]:
    """``with translated(api, write=True): api.status_post(...)``"""
    try:
        yield
    except NetworkError:
        raise
    except sdk.MastodonError as exc:
        raise translate(exc, api, write=write) from exc
