"""Audit helpers for strategy services: JSON-ready snapshots of rows for before/after."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from tribune.core.audit import record_audit


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as JSON values; foreign keys as ids."""
    state = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, getattr(field, "attname", name))
        if isinstance(field, models.ForeignKey):
            state[name] = value
        elif isinstance(field, models.DecimalField) and value is not None:
            # "500" typed in a form and "500.00" read back are the same amount.
            state[name] = f"{Decimal(value):.{field.decimal_places}f}"
        else:
            state[name] = _plain(getattr(obj, name))
    return state


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value changed, so the audit log reads as a diff."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit(
    action: str,
    *,
    brand: Any,
    actor: Any = None,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    record_audit(action, actor=actor, brand=brand, obj=obj, before=before, after=after)


def label(user: Any) -> str:
    """How a person is named on rows that must outlive their account."""
    if user is None or not getattr(user, "pk", None):
        return "system"
    return str(getattr(user, "email", "") or user)
