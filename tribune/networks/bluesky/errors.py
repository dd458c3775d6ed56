"""Translate what the ``atproto`` SDK raises into Tribune's typed network errors.

XRPC errors carry a name (``error``) and a message; the names come from the lexicons and
https://docs.bsky.app/docs/advanced-guides/rate-limits (429 with ``ratelimit-*``
headers). Auth failures arrive as 400 (``ExpiredToken``, ``InvalidToken``) as well as 401.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from atproto_client import exceptions as sdk
from atproto_client.models.common import XrpcError

from tribune.networks.base import (
    AuthExpired,
    NetworkError,
    RateLimited,
    Rejected,
    Unavailable,
    UnknownOutcome,
)

AUTH_ERRORS = frozenset(
    {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired", "AuthRequired"}
)
SUSPENDED_ERRORS = frozenset({"AccountTakedown", "AccountDeactivated", "RepoTakendown"})
DEFAULT_RETRY_AFTER = 60.0
MAX_MESSAGE = 160


class PrivateAddressBlocked(Exception):
    """Raised by the guarded transport; mapped to a permanent rejection."""


def xrpc_error(exc: sdk.RequestErrorBase) -> tuple[str, str]:
    """The XRPC error name and message of a response, or empty strings."""
    content = exc.response.content if exc.response is not None else None
    if isinstance(content, XrpcError):
        return content.error or "", content.message or ""
    return "", ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def retry_after(exc: sdk.RateLimitExceededError) -> float:
    """Seconds to wait: ``Retry-After`` first, then ``ratelimit-reset`` (epoch seconds)."""
    if exc.retry_after is not None:
        return exc.retry_after
    reset = exc.response.headers.get("ratelimit-reset") if exc.response is not None else None
    try:
        return max(0.0, float(reset) - time.time()) if reset else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def _from_status(exc: sdk.RequestErrorBase, *, write: bool) -> NetworkError:
    status = exc.response.status_code if exc.response is not None else 0
    name, message = xrpc_error(exc)
    detail = f"{status} {name}: {message}".strip()
    if isinstance(exc, sdk.RateLimitExceededError) or status == 429:
        wait = retry_after(exc) if isinstance(exc, sdk.RateLimitExceededError) else 60.0
        return RateLimited(
            f"Bluesky asked us to slow down; retrying in {wait:.0f} s.",
            retry_after=wait,
            detail=detail,
        )
    if name in AUTH_ERRORS or status == 401:
        return AuthExpired("The Bluesky session has expired; reconnect the account.", detail=detail)
    if name in SUSPENDED_ERRORS:
        return Rejected("This Bluesky account is suspended or deactivated.", detail=detail)
    if status == 403:
        return Rejected(_short(f"Bluesky refused this action: {message or name}."), detail=detail)
    if status == 413:
        return Rejected("The file is too large for Bluesky.", detail=detail)
    if status == 409:  # a concurrent write to the same repository; try again
        return Rejected("Bluesky reported a conflict; try again.", permanent=False, detail=detail)
    if status == 504 and write:  # the gateway gave up waiting: the write may have happened
        return UnknownOutcome(
            "Bluesky did not answer in time; the post may have been published.", detail=detail
        )
    if status >= 500:
        return Unavailable("Bluesky is unavailable right now; we will try again.", detail=detail)
    if status == 404 or name in {"NotFound", "RecordNotFound"}:
        return Rejected(_short(f"Not found on Bluesky: {message or name}."), detail=detail)
    reason = message or name or str(status)
    return Rejected(_short(f"Bluesky refused the request: {reason}."), detail=detail)


def translate(exc: Exception, *, write: bool) -> NetworkError:
    """Map one SDK/transport exception; ``write`` is True for non-idempotent writes."""
    if isinstance(exc, NetworkError):
        return exc
    if isinstance(exc, PrivateAddressBlocked):
        return Rejected("This Bluesky server address is on a private network.", detail=str(exc))
    if isinstance(exc, sdk.LoginRequiredError):
        return AuthExpired("The Bluesky account is not connected; reconnect it.", detail=str(exc))
    if isinstance(exc, sdk.RequestErrorBase) and exc.response is not None:
        return _from_status(exc, write=write)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Rejected("The Bluesky server address is not valid.", detail=str(exc))
    if isinstance(exc, sdk.RequestErrorBase | httpx.TransportError):
        # The SDK wraps timeouts and network errors; other transport errors (a server that
        # hangs up without answering) come through as httpx's own.
        cause = exc.__cause__ if isinstance(exc, sdk.RequestErrorBase) else exc
        detail = f"{type(cause).__name__}: {cause}" if cause else type(exc).__name__
        # Nothing reached the server: connect errors and connect/pool timeouts.
        sent = not isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        if write and sent:
            return UnknownOutcome(
                "Bluesky did not answer in time; the post may have been published.", detail=detail
            )
        return Unavailable("Bluesky could not be reached; we will try again.", detail=detail)
    if isinstance(exc, sdk.ModelError):  # an answer we could not read
        if write:
            return UnknownOutcome("Bluesky sent an unexpected answer.", detail=str(exc))
        return Unavailable("Bluesky sent an unexpected answer.", detail=str(exc))
    raise exc


@contextmanager
def translated(*, write: bool = False) -> Iterator[None]:
    """``with translated(write=True): client.create_record(...)``"""
    try:
        yield
    except NetworkError:
        raise
    except (sdk.AtProtocolError, httpx.TransportError, PrivateAddressBlocked) as exc:
        raise translate(exc, write=write) from exc
