"""Write audit events. Call inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from tribune.core.models import AuditEvent


def record_audit(
    action: str,
    *,
    actor: Any = None,
    workspace: Any = None,
    brand: Any = None,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    if brand is not None and workspace is None:
        workspace = brand.workspace
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "system") if actor is not None else "system",
        workspace=workspace,
        brand=brand,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else "",
        before=before,
        after=after,
        ip_address=ip_address,
    )
