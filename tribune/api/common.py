"""Helpers shared by the routers: documented responses, ids resolved inside the scope."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Model
from ninja import Schema
from pydantic import Field

from tribune.api.errors import ERROR_CODES, ErrorOut, not_found
from tribune.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**63 - 1
ObjId = Annotated[int, Field(ge=1, le=MAX_ID)]


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


class PageParams(Schema):
    cursor: str | None = Field(None, max_length=100, description="next_cursor of the page before")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
