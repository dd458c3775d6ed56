"""Crisis rooms: open one (by hand or from a listening alert), log, assign, close."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from tribune.accounts.models import Brand
from tribune.core.scope import brand_scope
from tribune.strategy.auditing import audit, label
from tribune.strategy.models import Crisis, CrisisEntry, Playbook


def _entry(crisis: Crisis, kind: str, actor: Any, text: str = "", **data: Any) -> CrisisEntry:
    return CrisisEntry.objects.create(
        brand_id=crisis.brand_id,
        crisis=crisis,
        kind=kind,
        text=text,
        data=data,
        author=actor if getattr(actor, "pk", None) else None,
        author_label=label(actor),
    )


@transaction.atomic
def do_open_crisis(
    brand: Brand,
    title: str,
    source: str,
    actor: Any = None,
    *,
    severity: str = Crisis.Severity.HIGH,
    playbook: Playbook | None = None,
    source_ref: str = "",
    detail: str = "",
) -> Crisis:
    """Open a crisis room. ``source`` is "manual", "listening" or "inbox"; ``actor`` None
    means the system. An automatic caller passes ``source_ref`` (its alert id): a second
    call for the same still-open alert returns the same room instead of a new one.
    Without ``playbook``, the brand's default playbook (if any) is attached."""
    with brand_scope(brand):
        if source_ref:
            existing = Crisis.objects.filter(
                brand=brand, source=source, source_ref=source_ref
            ).exclude(status=Crisis.Status.CLOSED)
            if found := existing.first():
                return found
        if playbook is None:
            playbook = Playbook.objects.filter(brand=brand, is_default=True).first()
        crisis = Crisis.objects.create(
            brand=brand,
            title=title,
            source=source,
            source_ref=source_ref,
            severity=severity,
            playbook=playbook,
            opened_by=actor if getattr(actor, "pk", None) else None,
        )
        _entry(crisis, CrisisEntry.Kind.OPENED, actor, detail, source=source)
        audit(
            "crisis.opened",
            brand=brand,
            actor=actor,
            obj=crisis,
            after={
                "title": title,
                "source": source,
                "source_ref": source_ref,
                "severity": severity,
                "playbook": playbook.pk if playbook else None,
            },
        )
    return crisis


@transaction.atomic
def do_add_crisis_entry(crisis: Crisis, actor: Any, text: str) -> CrisisEntry:
    entry = _entry(crisis, CrisisEntry.Kind.NOTE, actor, text)
    audit("crisis.entry_added", brand=crisis.brand, actor=actor, obj=crisis, after={"text": text})
    return entry


@transaction.atomic
def do_set_crisis_status(crisis: Crisis, status: str, actor: Any) -> bool:
    """Move the crisis to ``status``; returns False when it was already there."""
    before = crisis.status
    if before == status:
        return False
    now = timezone.now()
    crisis.status = status
    if status == Crisis.Status.CONTAINED:
        crisis.contained_at = crisis.contained_at or now
    if status == Crisis.Status.CLOSED:
        crisis.closed_at = now
    elif crisis.closed_at:
        crisis.closed_at = None  # reopened
    crisis.save(update_fields=["status", "contained_at", "closed_at"])
    _entry(crisis, CrisisEntry.Kind.STATUS, actor, old=before, new=status)
    audit(
        "crisis.status_changed",
        brand=crisis.brand,
        actor=actor,
        obj=crisis,
        before={"status": before},
        after={"status": status},
    )
    return True


@transaction.atomic
def do_assign_crisis(crisis: Crisis, people: list[Any], actor: Any) -> None:
    """Set who works on the crisis; ``people`` must belong to the brand's team."""
    before = sorted(crisis.assignees.values_list("pk", flat=True))
    crisis.assignees.set(people)
    after = sorted(p.pk for p in people)
    if before == after:
        return
    names = sorted(str(p) for p in people)
    _entry(crisis, CrisisEntry.Kind.ASSIGNMENT, actor, names=names)
    audit(
        "crisis.assigned",
        brand=crisis.brand,
        actor=actor,
        obj=crisis,
        before={"assignees": before},
        after={"assignees": after},
    )
