"""Tenant scoping in the data layer.

Brand-owned models use ``BrandScopedManager`` as their default manager. A query through
it must run inside ``brand_scope(...)`` (the rows of those brands only) or inside
``unscoped()`` (maintenance, workers that resolved the tenant themselves). Anything else
raises ``ScopeError``: forgetting the tenant is a crash in tests, never a data leak.

Views enter the scope through ``tribune.accounts.access`` helpers after checking the
user's role; tasks enter it after reloading their row (see ``tribune.worker.tasks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models


class ScopeError(RuntimeError):
    """A brand-owned table was queried without a tenant scope."""


@dataclass(frozen=True)
class _Scope:
    brand_ids: frozenset[int] | None  # None = unscoped (all tenants)


_current: ContextVar[_Scope | None] = ContextVar("tribune_scope", default=None)


@contextmanager
def brand_scope(*brands: Any) -> Iterator[None]:
    """Allow queries on brand-owned tables, restricted to these brands (objects or ids)."""
    ids = frozenset(b if isinstance(b, int) else b.pk for b in brands)
    token = _current.set(_Scope(ids))
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Allow queries across every tenant. For maintenance code that knows why."""
    token = _current.set(_Scope(None))
    try:
        yield
    finally:
        _current.reset(token)


def current_brand_ids() -> frozenset[int] | None:
    scope = _current.get()
    if scope is None:
        raise ScopeError("No tenant scope is active.")
    return scope.brand_ids


class BrandScopedQuerySet(models.QuerySet):
    pass


class BrandScopedManager(models.Manager):
    """Default manager for brand-owned models. ``brand_field`` is the lookup to the brand."""

    def __init__(self, brand_field: str = "brand") -> None:
        super().__init__()
        self.brand_field = brand_field

    def deconstruct(self) -> tuple[bool, str | None, str | None, tuple, dict]:
        # Migrations only need to know it is a manager; keep them stable.
        return (False, "django.db.models.Manager", None, (), {})

    def none(self) -> models.QuerySet:
        # An empty queryset reveals nothing; forms declare one at import time.
        return super().get_queryset().none()

    def get_queryset(self) -> models.QuerySet:
        scope = _current.get()
        if scope is None:
            raise ScopeError(
                f"{self.model.__name__} is brand data: query it inside brand_scope() or unscoped()."
            )
        if scope.brand_ids is None:
            return super().get_queryset()
        # Building the brand filter (field lookups, joins) costs far more than copying a
        # queryset that has it: prefetches and related managers ask for one per row, so the
        # filtered base is kept per model, database and set of brands, and copied.
        key = (self.model, self._db, self.brand_field, scope.brand_ids)
        base = _scoped_bases.get(key)
        if base is None:
            if len(_scoped_bases) >= _SCOPED_BASES_MAX:
                _scoped_bases.clear()
            base = super().get_queryset().filter(**{f"{self.brand_field}__in": scope.brand_ids})
            _scoped_bases[key] = base
        return base.all()  # a copy: the kept one is never evaluated


# (model, database alias, brand lookup, brand ids) -> the unevaluated filtered queryset
_scoped_bases: dict[tuple[Any, ...], models.QuerySet] = {}
_SCOPED_BASES_MAX = 2048
