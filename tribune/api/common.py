"""Helpers shared by the routers: documented responses, ids resolved inside the scope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from django.db.models import Model
from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from tribune.api.errors import ERROR_CODES, ErrorOut, not_found
from tribune.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**63 - 1
ObjId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _to_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("This date is out of range.") from None


# Any offset is accepted and stored as UTC (databases refuse some exotic offsets).
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]


def responses(code: int, schema: Any) -> dict[Any, Any]:
    return {code: schema, ERROR_CODES: ErrorOut}


def get_or_404(model: type[Model], pk: int, what: str, **filters: Any) -> Any:
    """A row of the current brand scope (the scoped manager filters other brands)."""
    if not 0 < pk <= MAX_ID:  # beyond a 64-bit key: cannot exist
        raise not_found(what)
    obj = model._default_manager.filter(pk=pk, **filters).first()
    if obj is None:
        raise not_found(what)
    return obj


class Page(Schema):
    next_cursor: str | None = None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class In(Schema):
    """Base of request bodies and parameters: text with NUL characters is refused (no
    database stores them)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # Ninja wraps the input in a DjangoGetter
        if _has_nul(raw if isinstance(raw, dict | list) else getattr(raw, "__dict__", raw)):
            raise ValueError("Text may not contain NUL (\\0) characters.")
        return data


class PageParams(In):
    cursor: str | None = Field(None, max_length=100, description="next_cursor of the page before")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
