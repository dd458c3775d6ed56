"""Translate what ``tweepy`` (and the ``requests`` session under it) raises into Tribune's
typed network errors.

tweepy raises one exception class per status (``BadRequest``, ``Unauthorized``,
``Forbidden``, ``NotFound``, ``TooManyRequests`` with ``x-rate-limit-reset`` read into
``reset_time``, ``TwitterServerError``); transport failures come straight from requests.
https://docs.x.com/x-api/fundamentals/response-codes-and-errors ·
https://docs.x.com/x-api/fundamentals/rate-limits
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import tweepy

from tribune.core.outbound import PrivateAddressBlocked, request_was_sent
from tribune.networks.base import (
    AuthExpired,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)

DEFAULT_RETRY_AFTER = 900.0  # X's limits are counted over 15-minute windows
MAX_MESSAGE = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _status(exc: tweepy.HTTPException) -> int:
    response = exc.response
    return int(getattr(response, "status_code", 0) or getattr(response, "status", 0) or 0)


def _message(exc: tweepy.HTTPException) -> str:
    return "; ".join(str(m) for m in exc.api_messages) or str(exc)


def retry_after(exc: tweepy.TooManyRequests) -> float:
    if exc.reset_time is None:
        return DEFAULT_RETRY_AFTER
    return max(1.0, exc.reset_time - time.time())


def _http(exc: tweepy.HTTPException, *, write: bool) -> NetworkError:
    status, message = _status(exc), _message(exc)
    detail = f"{status}: {message}"
    if isinstance(exc, tweepy.TooManyRequests) or status == 429:
        wait = retry_after(exc) if isinstance(exc, tweepy.TooManyRequests) else 900.0
        return RateLimited(
            f"X asked us to slow down; retrying in {wait:.0f} s.", retry_after=wait, detail=detail
        )
    if isinstance(exc, tweepy.Unauthorized):
        return AuthExpired("The X access token has expired or was revoked.", detail=detail)
    if isinstance(exc, tweepy.TwitterServerError):
        if status == 504 and write:
            return UnknownOutcome(
                "X did not answer in time; the post may have been published.", detail=detail
            )
        return Unavailable("X is unavailable right now; we will try again.", detail=detail)
    if isinstance(exc, tweepy.NotFound):
        return Rejected(_short(f"Not found on X: {message}"), detail=detail)
    # 400 (invalid request), 403 (duplicate content, suspended, app not allowed), others.
    return Rejected(_short(f"X refused the request: {message}"), detail=detail)


def translate(exc: BaseException, *, write: bool) -> NetworkError:
    """Map one exception; ``write`` is True for non-idempotent writes (creating a post)."""
    if isinstance(exc, NetworkError):
        return exc
    if isinstance(exc, tweepy.HTTPException):
        return _http(exc, write=write)
    if isinstance(exc, PrivateAddressBlocked):
        return Rejected("X's address resolved to a private network.", detail=str(exc))
    if isinstance(exc, requests.RequestException):
        detail = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, requests.JSONDecodeError):  # an answer we could not read
            if write:
                return UnknownOutcome("X sent an unexpected answer.", detail=detail)
            return Unavailable("X sent an unexpected answer.", detail=detail)
        if write and request_was_sent(exc):
            return UnknownOutcome(
                "X did not answer in time; the post may have been published.", detail=detail
            )
        return Unavailable("X could not be reached; we will try again.", detail=detail)
    if isinstance(exc, tweepy.TweepyException):
        return Rejected(_short(f"X refused the request: {exc}"), detail=str(exc))
    raise exc


@contextmanager
def translated(*, write: bool = False) -> Iterator[None]:
    """``with translated(write=True): client.create_tweet(...)``"""
    try:
        yield
    except NetworkError:
        raise
    except (tweepy.TweepyException, requests.RequestException, PrivateAddressBlocked) as exc:
        raise translate(exc, write=write) from exc
