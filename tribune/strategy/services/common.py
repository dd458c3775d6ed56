"""Saving a row with its audit entry: the one write path behind the strategy forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction

from tribune.strategy.auditing import audit, changed, snapshot


def do_save[M: models.Model](
    obj: M,
    *,
    actor: Any,
    fields: Iterable[str],
    action: str,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
) -> M:
    """Create or update ``obj`` (a brand-owned row, already validated) and audit
    ``<action>.created`` with its state, or ``<action>.updated`` with what changed."""
    fields = list(fields)
    with transaction.atomic():
        before = None
        if obj.pk:
            current = type(obj)._default_manager.get(pk=obj.pk)
            before = snapshot(current, fields)
            for name in m2m or {}:
                before[name] = sorted(getattr(current, name).values_list("pk", flat=True))
        obj.save()
        after = snapshot(obj, fields)
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(list(values))
            after[name] = sorted(v.pk for v in values)
        brand = obj.brand  # type: ignore[attr-defined]
        if before is None:
            audit(f"{action}.created", brand=brand, actor=actor, obj=obj, after=after)
        else:
            old, new = changed(before, after)
            if new:
                audit(f"{action}.updated", brand=brand, actor=actor, obj=obj, before=old, after=new)
    return obj


def do_delete(obj: models.Model, *, actor: Any, fields: Iterable[str], action: str) -> None:
    with transaction.atomic():
        before = snapshot(obj, fields)
        brand = obj.brand  # type: ignore[attr-defined]
        audit(f"{action}.deleted", brand=brand, actor=actor, obj=obj, before=before)
        obj.delete()
