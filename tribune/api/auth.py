"""Bearer-token authentication, per-token rate limit and brand resolution for the API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from ninja.security import HttpBearer

from tribune.accounts.access import BrandAccess, brand_access, brands_for_user
from tribune.accounts.models import ApiToken, Brand
from tribune.accounts.services import authenticate_api_token
from tribune.api.errors import ApiError
from tribune.api.models import RateWindow
from tribune.api.scopes import SCOPES, token_has_scope
from tribune.core.scope import brand_scope

WINDOW_SECONDS = 60


def clock() -> float:
    """Seconds since the epoch; tests replace it to move through rate windows."""
    return time.time()


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal API token (`trb_…`) created on the account page, sent as "
        "`Authorization: Bearer <token>`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = authenticate_api_token(token.strip()) if token else None
        if found is None:
            return None
        request.user = found.user
        check_rate(found, request)
        return found


def check_rate(token: ApiToken, request: HttpRequest | None = None) -> None:
    """Count this request in the token's current window; 429 past the limit. The numbers
    go back in ``X-RateLimit-*`` headers (see ``tribune/api/urls.py``)."""
    limit = int(getattr(settings, "TRIBUNE_API_RATE_LIMIT", 600))
    now = clock()
    window = int(now // WINDOW_SECONDS)
    count = _count_request(token.pk, window)
    reset = max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))
    if request is not None:
        request.rate_limit = (limit, max(0, limit - count), reset)  # type: ignore[attr-defined]
    if count > limit:
        retry = reset
        raise ApiError(
            429,
            "rate_limited",
            f"This token made more than {limit} requests this minute; retry in {retry} s.",
            {"limit": limit, "retry_after": retry},
            headers={"Retry-After": str(retry)},
        )


def _count_request(token_id: int, window: int) -> int:
    """One more request in the token's window, and the window's total: a single upsert
    (PostgreSQL and SQLite both have ``ON CONFLICT … DO UPDATE … RETURNING``), so
    concurrent requests never lose a count and each costs one statement."""
    table = connection.ops.quote_name(RateWindow._meta.db_table)
    token_col, window_col, count_col = (
        connection.ops.quote_name(column) for column in ("token_id", "window", "count")
    )
    # Only quoted names from the model go into the text; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({token_col}, {window_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({token_col}, {window_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_id, window])
        row = cursor.fetchone()
    return int(row[0])


def api_token(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def visible_brands(request: HttpRequest) -> Any:
    """The brands this token may touch: its owner's, narrowed to the token's list."""
    token = api_token(request)
    brands = brands_for_user(token.user)
    allowed = list(token.brands.values_list("pk", flat=True))
    if allowed:
        brands = brands.filter(pk__in=allowed)
    return brands


def resolve_brand(request: HttpRequest, slug: str, scope: str) -> BrandAccess:
    """404 for a brand outside the token (existence never leaks), 403 when the token's
    scopes or its owner's role on the brand do not allow ``scope``."""
    token = api_token(request)
    if "\x00" in slug:
        raise ApiError(404, "not_found", "No such brand.")
    brand = Brand.objects.select_related("workspace").filter(slug=slug).first()
    access = brand_access(token.user, brand) if brand is not None else None
    if access is None or not visible_brands(request).filter(pk=access.brand.pk).exists():
        raise ApiError(404, "not_found", "No such brand.")
    if not token_has_scope(token.scopes, scope):
        raise ApiError(
            403, "scope_missing", f"This token lacks the “{scope}” scope.", {"scope": scope}
        )
    cap = SCOPES[scope][0]
    if not access.can(cap):
        raise ApiError(
            403,
            "forbidden",
            "Your role on this brand does not allow this.",
            {"capability": str(cap)},
        )
    return access


@contextmanager
def in_brand(request: HttpRequest, slug: str, scope: str) -> Iterator[BrandAccess]:
    access = resolve_brand(request, slug, scope)
    request.access = access  # type: ignore[attr-defined]
    with brand_scope(access.brand):
        yield access
