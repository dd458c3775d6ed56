"""Cursor pagination: newest first by id; the cursor is opaque (base64 of the last id)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Schema

from tribune.api.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageMeta(Schema):
    next_cursor: str | None = None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _sep, value = raw.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, "bad_cursor", "This cursor is not one the API gave; start again without it."
        ) from None


def paginate(
    qs: QuerySet, cursor: str | None, limit: int, out: Callable[[Any], Any]
) -> dict[str, Any]:
    """One page of ``qs`` (ordered here by descending id) and the cursor of the next."""
    qs = qs.order_by("-pk")
    if cursor:
        qs = qs.filter(pk__lt=decode_cursor(cursor))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [out(row) for row in rows],
        "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None,
    }
